"""The one place where text from outside is cleaned of characters nothing may store.

Control characters other than tab and newline (U+0000–U+001F, U+007F), the
non-characters U+FFFE and U+FFFF and lone surrogates (U+D800–U+DFFF) are never
meaningful in a description, a name or a parameter, PostgreSQL refuses NUL, and XML 1.0
cannot hold any of them: a document with one does not parse. They are removed at every
door: `core.middleware.CleanInputMiddleware` (query strings and forms), the API's JSON
parser (`core.text.CleanJSONParser`), the import engine, and the XML writers
(`xml_safe`) as a last guard.

Carriage returns are kept here (forms send CRLF); `reports.compute.plain_text` turns
them into newlines.
"""

import json
import re

# Tab (U+0009), newline (U+000A) and carriage return (U+000D) are allowed.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
JSON_MAX_DEPTH = 32


class JSONTooDeep(ValueError):
    """A JSON document nests deeper than JSON_MAX_DEPTH arrays and objects."""


def text_clean(text: str) -> str:
    """Return `text` without the forbidden characters (see the module's docstring)."""
    return FORBIDDEN.sub("", text) if FORBIDDEN.search(text) else text


def has_forbidden(text: str) -> bool:
    """Tell whether `text` holds a character `text_clean` would remove."""
    return FORBIDDEN.search(text) is not None


def value_clean(value):
    """Clean every string in a JSON-like value (dict keys too), depth-first."""
    if isinstance(value, str):
        return text_clean(value)
    if isinstance(value, dict):
        return {value_clean(key): value_clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [value_clean(item) for item in value]
    return value


def json_depth_check(text: str | bytes, max_depth: int = JSON_MAX_DEPTH) -> None:
    """Raise JSONTooDeep when brackets outside strings nest deeper than `max_depth`.

    A linear scan before parsing: Python's parser would otherwise recurse once per level
    and fail with a RecursionError deep inside (a 500).
    """
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", "replace")
    if text.count("[") + text.count("{") <= max_depth:
        return
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                raise JSONTooDeep(f"JSON nested deeper than {max_depth} levels.")
        elif char in "]}":
            depth -= 1


def json_loads(text: str | bytes, max_depth: int = JSON_MAX_DEPTH):
    """Parse JSON from outside: at most `max_depth` levels deep, strings cleaned.

    Raise ValueError (JSONTooDeep, json.JSONDecodeError, UnicodeDecodeError) when it is not
    acceptable JSON.
    """
    json_depth_check(text, max_depth)
    return value_clean(json.loads(text))


def xml_safe(text: str) -> str:
    """Return `text` as XML 1.0 can hold it: the last guard of every XML writer."""
    return text_clean(text)


def querydict_clean(data):
    """Return a QueryDict (GET, POST) with its keys and values cleaned, or `data` itself
    when nothing needs cleaning (the usual case costs one scan)."""
    if not any(
        has_forbidden(key) or any(isinstance(v, str) and has_forbidden(v) for v in values)
        for key, values in data.lists()
    ):
        return data
    clean = data.copy()  # mutable
    clean.clear()
    for key, values in data.lists():
        clean.setlist(text_clean(key), [text_clean(v) if isinstance(v, str) else v for v in values])
    clean._mutable = False
    return clean


class CleanJSONParser:
    """django-ninja's request parser with JSON bodies read by `json_loads` (bounded depth,
    strings cleaned); query strings and forms are already clean (CleanInputMiddleware)."""

    def parse_body(self, request):
        return json_loads(request.body)

    def parse_querydict(self, data, list_fields, request):
        return {key: data.getlist(key) if key in list_fields else data[key] for key in data}
