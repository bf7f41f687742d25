"""CQL2 filter text and JSON parsed into pygeofilter's AST, bounded before any parsing.

The bounds (length, nesting) make a hostile filter a quick 400 instead of a deep
recursion; the text grammar (lark) is built once per process (`text_parser`, built by
gis/wsgi.py before gunicorn forks). layers.ogc.cql2 compiles the AST to a Django Q.
"""

import functools
import json
import re

from pygeofilter import ast

from core.errors import InvalidInput

LANGS = ("cql2-text", "cql2-json")
MAX_CHARS = 20_000
MAX_DEPTH = 32


def bad(message: str) -> InvalidInput:
    return InvalidInput(f"filter: {message}", code="invalid_filter")


def _depth(text: str) -> int:
    """Return the deepest nesting of (), [] and {} outside quoted strings."""
    depth = deepest = 0
    quote = None
    for char in text:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    return deepest


@functools.lru_cache(maxsize=256)
def parse(text: str, lang: str | None):
    """Return the pygeofilter AST of a CQL2 filter; 400 when it is malformed or too big.

    Kept per worker for the last 256 filters: a map or a client paging through one filter
    sends it again with every page (the AST is only read).
    """
    lang = (lang or "cql2-text").lower()
    if lang not in LANGS:
        raise InvalidInput(
            f"filter-lang must be one of {', '.join(LANGS)}; got '{lang[:50]}'.",
            code="invalid_filter-lang",
        )
    if len(text) > MAX_CHARS:
        raise bad(f"longer than {MAX_CHARS} characters.")
    if _depth(text) > MAX_DEPTH:
        raise bad(f"nested deeper than {MAX_DEPTH} levels.")
    try:
        return _parse_json(text) if lang == "cql2-json" else _parse_text(text)
    except InvalidInput:
        raise
    except Exception as exc:  # lark's and pygeofilter's errors: the filter is malformed
        raise bad(f"not valid {lang}: {str(exc).splitlines()[0][:200]}") from None


_TEMPORAL_CALL = re.compile(r"\bT_[A-Za-z]+\s*\(", re.IGNORECASE)
_INTERVAL_END = re.compile(r"'(\.\.|[0-9]{4}-[0-9]{2}-[0-9]{2})'")
_OPEN_ENDS = ("'0001-01-01T00:00:00Z'", "'9999-12-31T23:59:59Z'")


@functools.cache
def text_parser():
    """Return pygeofilter's CQL2 text grammar with a transformer that keeps the temporal
    operator's name (pygeofilter reads T_INTERSECTS as T_OVERLAPS).

    Built once per process and kept: building the LALR tables takes seconds on a loaded
    machine. gis/wsgi.py builds it before gunicorn forks its workers (`--preload`), so
    that no visitor's first filter waits for it.
    """
    import os

    from lark import Lark, v_args
    from pygeofilter.parsers.cql2_text import parser as text_module

    @v_args(meta=False, inline=True)
    class Transformer(text_module.CQLTransformer):
        def binary_temporal_predicate(self, lhs, op, rhs):
            return ast.Function(str(op).lower(), [lhs, rhs])

    return Lark.open(
        "grammar.lark",
        rel_to=text_module.__file__,
        parser="lalr",
        maybe_placeholders=False,
        transformer=Transformer(),
        import_paths=[os.path.dirname(os.path.dirname(text_module.__file__))],
    )


def _parse_text(text: str):
    return text_parser().parse(_temporal_infix(text))


def _temporal_infix(text: str) -> str:
    """Write CQL2's `T_X(a, b)` as the grammar's `(a T_X b)`; dates and `..` in an
    INTERVAL as the timestamps it accepts (an open end as the calendar's first or last)."""
    out, position = [], 0
    for match in _TEMPORAL_CALL.finditer(text):
        if match.start() < position or _quoted_at(text, match.start()):
            continue
        args, end = _call_arguments(text, match.end())
        if len(args) != 2:
            raise bad(f"{match.group().rstrip('( ')} takes two arguments.")
        name = match.group().rstrip("( ")
        second = (
            _INTERVAL_END.sub(_interval_end, args[1]) if "INTERVAL" in args[1].upper() else args[1]
        )
        if name.upper() == "T_DISJOINT":  # not in the grammar: NOT T_INTERSECTS
            call = f"(NOT ({args[0]} T_INTERSECTS {second}))"
        else:
            call = f"({args[0]} {name} {second})"
        out += [text[position : match.start()], call]
        position = end
    return "".join(out) + text[position:]


def _interval_end(match) -> str:
    value = match.group(1)
    if value == "..":
        return _OPEN_ENDS[0] if match.start() < match.string.index(",") else _OPEN_ENDS[1]
    return f"'{value}T00:00:00Z'"


def _quoted_at(text: str, index: int) -> bool:
    return text.count("'", 0, index) % 2 == 1


def _call_arguments(text: str, start: int) -> tuple[list[str], int]:
    """Return the top-level comma-separated arguments from `start` to the closing
    parenthesis, and the index after it."""
    depth, quote, args, begin = 0, False, [], start
    for index in range(start, len(text)):
        char = text[index]
        if char == "'":
            quote = not quote
        elif quote:
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                args.append(text[begin:index].strip())
                return args, index + 1
            depth -= 1
        elif char == "," and depth == 0:
            args.append(text[begin:index].strip())
            begin = index + 1
    raise bad("a parenthesis is not closed.")


def _parse_json(text: str):
    from pygeofilter.parsers.cql2_json import parse as parse_json

    document = json.loads(text)
    return parse_json(_temporal_as_functions(document))


def _temporal_as_functions(node):
    """Give JSON's temporal operators the text encoding's shape (functions), so that
    `t_intersects` is not read as pygeofilter's `t_overlaps`."""
    if isinstance(node, list):
        return [_temporal_as_functions(item) for item in node]
    if not isinstance(node, dict):
        return node
    op = node.get("op")
    if isinstance(op, str) and op.lower().startswith("t_"):
        args = _temporal_as_functions(node.get("args", []))
        return {"function": {"name": op, "arguments": args}}
    return {key: _temporal_as_functions(value) for key, value in node.items()}
