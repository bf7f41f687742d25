"""Open311 GeoReport v2 documents in XML and JSON (the Spark convention: XML lists are
wrapped elements of repeated children, JSON lists are arrays). UTF-8 everywhere.
"""

import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

from core.text import xml_safe

CONTENT_TYPES = {
    "xml": "text/xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
# The element name of one item of each list, as the specification's XML examples show.
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def w3_datetime(moment) -> str | None:
    """A datetime in the W3C profile of ISO 8601 with its offset (community's time zone)."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def document(fmt: str, root: str, data, *, status: int = 200) -> HttpResponse:
    """Render `data` under the root element `root` as XML or JSON with UTF-8 headers."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    else:
        body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(
            _element(root, data), encoding="utf-8", xml_declaration=False
        )
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, descriptions: list[str]) -> HttpResponse:
    """The specification's error document: one {code, description} per problem."""
    items = [{"code": status, "description": text} for text in descriptions]
    return document(fmt, "errors", items, status=status)


def _element(tag: str, value) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, dict):
        for key, child in value.items():
            element.append(_element(key, child))
    elif isinstance(value, list | tuple):
        item_tag = ITEM_TAGS.get(tag, "item")
        for child in value:
            element.append(_element(item_tag, child))
    elif value is not None:
        element.text = _text(value)
    return element


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return xml_safe(str(value))  # stored text is clean; this guards what XML cannot hold
