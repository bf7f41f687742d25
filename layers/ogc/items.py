"""An items request of OGC API - Features: its parameters parsed, its links, its HTML.

`items_query` reads every parameter of `/collections/{id}/items` (400 naming the bad
one) into an `ItemsQuery`: the filtered queryset (bbox in any supported CRS, datetime,
equality filters on queryables, a CQL2 filter), the key that names those filters for the
kept counts and SQL (`layers.ogc.selectors`), the page, the sort keys, the properties and
the output CRS. `item_links` writes a page's self/alternate/next/prev links and
`items_context` the rows of its HTML table. The views (`layers.ogc.views`) stay thin.
"""

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _

from layers.ogc import cql2 as ogc_cql2
from layers.ogc import crs as ogc_crs
from layers.ogc import schema as ogc_schema
from layers.ogc import selectors as ogc_selectors
from layers.ogc.http import GEOJSON, HTML, JSON, link, self_links, url
from layers.ogc.params import (
    check_known,
    parse_bbox,
    parse_datetime,
    parse_limit,
    parse_offset,
    parse_properties,
    parse_sortby,
)

ITEM_PARAMS = frozenset(
    {"f", "bbox", "bbox-crs", "limit", "offset", "datetime", "filter", "filter-lang"}
    | {"filter-crs", "sortby", "properties", "crs"}
)


def item_links(request, spec, *, fmt, offset, limit, matched) -> list:
    """Return the self/alternate, next, prev and collection links of a page of items.

    The request's other parameters and `limit` are encoded once and shared by the five
    links (each then adds its `offset` and `f`)."""
    query = {k: v for k, v in request.GET.items() if k not in ("f", "offset", "limit")}
    base = urlencode(query | {"limit": limit})
    items = "ogc:items"
    links = self_links(
        request, items, spec.id, fmt=fmt, json_type=GEOJSON, query=f"{base}&offset={offset}"
    )
    page_type = GEOJSON if fmt == "json" else HTML
    if offset + limit < matched:
        href = url(request, items, spec.id, query=f"{base}&offset={offset + limit}&f={fmt}")
        links.append(link(href, "next", page_type, _("Next page")))
    if offset > 0:
        previous = max(0, offset - limit)
        href = url(request, items, spec.id, query=f"{base}&offset={previous}&f={fmt}")
        links.append(link(href, "prev", page_type, _("Previous page")))
    href = url(request, "ogc:collection", spec.id, query="f=json")
    links.append(link(href, "collection", JSON, spec.title()))
    return links


@dataclass(frozen=True)
class ItemsQuery:
    """The parsed parameters of an items request."""

    queryset: object
    key: tuple
    limit: int
    offset: int
    sortby: tuple
    properties: tuple | None
    crs: ogc_crs.Crs


def items_query(request, spec) -> ItemsQuery:
    """Parse the items parameters (400 naming the bad one) into an ItemsQuery."""
    params = request.GET
    queryable = ogc_schema.queryables(spec)
    allowed = ITEM_PARAMS | set(queryable)
    if not spec.temporal:
        allowed -= {"datetime"}
    check_known(params, allowed)
    interval = None
    if "datetime" in params:
        interval = parse_datetime(params["datetime"], timezone.get_current_timezone())
    bbox_crs = ogc_crs.parse_crs(params.get("bbox-crs"), "bbox-crs")
    bbox = parse_bbox(params.get("bbox"), bbox_crs.north_first, degrees=not bbox_crs.metric)
    filters = {name: params[name] for name in queryable if name in params}
    cql, cql_key = None, None
    if "filter" in params:
        filter_crs = ogc_crs.parse_crs(params.get("filter-crs"), "filter-crs")
        cql = ogc_cql2.to_q(spec, params["filter"], params.get("filter-lang"), filter_crs)
        cql_key = (params["filter"], params.get("filter-lang"), filter_crs.uri)
    queryset = ogc_selectors.items_queryset(
        spec, bbox=bbox, bbox_srid=bbox_crs.srid, interval=interval, filters=filters, cql=cql
    )
    return ItemsQuery(
        queryset=queryset,
        key=(bbox, bbox_crs.srid, interval, tuple(sorted(filters.items())), cql_key),
        limit=parse_limit(params.get("limit")),
        offset=parse_offset(params.get("offset")),
        sortby=parse_sortby(params.get("sortby"), queryable),
        properties=parse_properties(params.get("properties"), tuple(spec.properties)),
        crs=ogc_crs.parse_crs(params.get("crs"), "crs"),
    )


@dataclass(frozen=True)
class ItemsPage:
    """One page of an items request: the FeatureCollection's members before its features,
    the Feature texts (None when they are to be streamed) and the page's (sql, params)."""

    head: dict
    texts: list[str] | None
    sql: tuple


def items_page(request, spec, query: ItemsQuery, *, fmt: str, offset: int, streamed: bool):
    """Count the matches (kept per data version), read the page at `offset` (unless
    `streamed`) and write its members and links; return an ItemsPage."""
    rows = ogc_selectors.matched_rows(spec, query.queryset, query.key)
    sql = ogc_selectors.page_sql(
        spec,
        query.queryset,
        query.key,
        offset,
        query.limit,
        sortby=query.sortby,
        properties=query.properties,
        crs=None if query.crs.is_crs84 else query.crs,
        anchor=None
        if query.sortby
        else ogc_selectors.page_anchor(spec, query.queryset, rows, offset),
    )
    texts = None if streamed else ogc_selectors.texts_of(*sql)
    limit, matched = query.limit, rows.count
    returned = max(0, min(limit, matched - offset)) if texts is None else len(texts)
    links = item_links(request, spec, fmt=fmt, offset=offset, limit=limit, matched=matched)
    return ItemsPage(head=items_head(matched, returned, links), texts=texts, sql=sql)


def opening(page: ItemsPage) -> str:
    """The GeoJSON text of the page up to its first feature."""
    return json.dumps(page.head, ensure_ascii=False)[:-1] + ',"features":['


def page_geojson(page: ItemsPage) -> str:
    """The whole GeoJSON text of a page read in one fetch."""
    return opening(page) + ",".join(page.texts) + "]}"


def items_head(matched: int, returned: int, links: list) -> dict:
    """Return the FeatureCollection's members before its features."""
    return {
        "type": "FeatureCollection",
        "numberMatched": matched,
        "numberReturned": returned,
        "timeStamp": timezone.now().isoformat(timespec="seconds").replace("+00:00", "Z"),
        "links": links,
    }


def value_labels(spec) -> dict[str, dict[str, str]]:
    """Return {property: {stored value: label in the active language}} for HTML pages."""
    return {name: spec.property_choices(name) for name in spec.properties}


def shown(value, labels: dict[str, str]):
    """A property value as an HTML page shows it: its label, yes/no; None stays None."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return labels.get(str(value), value) if value is not None else None


def items_context(spec, texts: list[str], head) -> dict:
    """Table rows of an HTML page of features (at most `limit`, 10 by default)."""
    names = list(spec.properties)
    labels = value_labels(spec)
    features = [json.loads(text) for text in texts]
    return {
        "doc": head,
        "spec": spec,
        "columns": [(name, spec.property_title(name)) for name in names],
        "rows": [
            (f["id"], [shown(f["properties"].get(n), labels[n]) for n in names]) for f in features
        ],
    }
