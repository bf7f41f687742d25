"""Our scripts hold no colour, map view or API URL of their own: those come from the
style document (/tiles/style.json) or the page's server-rendered configuration."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIPPED = {"node_modules", ".venv", "var", "vendor", "staticfiles", "bench"}
FORBIDDEN = {
    "hex colour": re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?(?:[0-9a-fA-F]{2})?\b(?![-\w])"),
    "fixed map view": re.compile(r"setView\(\s*\[\s*-?\d"),
    # MapLibre: a centre, a zoom or bounds written as numbers.
    "fixed MapLibre view": re.compile(
        r"(center|centre)\s*:\s*\[\s*-?\d|(jumpTo|flyTo|easeTo|fitBounds|setCenter)\(\s*\[\s*-?\d"
    ),
    "CSS colour function": re.compile(r"""["'`]\s*(rgba?|hsla?)\("""),
    "API URL": re.compile(r"""["'`]/api/"""),
    "tiles URL": re.compile(r"""["'`]/tiles/"""),
}


def our_scripts() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.js")
        if not SKIPPED & set(path.relative_to(ROOT).parts) and ".min." not in path.name
    ]


def code_lines(path: Path):
    """Yield (number, line) of a script, without // and /* */ comments."""
    text = re.sub(
        r"/\*.*?\*/", lambda m: "\n" * m.group().count("\n"), path.read_text(), flags=re.S
    )
    for number, line in enumerate(text.splitlines(), 1):
        yield number, re.sub(r"(^|\s)//.*$", "", line)


def test_the_scripts_are_found():
    names = {path.name for path in our_scripts()}
    assert {"styles.js", "coverage-map.js", "browse.js", "common.js"} <= names
    assert {"map.js", "map-controls.js", "map-search.js"} <= names


def test_no_script_hard_codes_a_colour_a_map_view_or_a_url():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {what}: {line.strip()}"
        for path in our_scripts()
        for number, line in code_lines(path)
        for what, pattern in FORBIDDEN.items()
        if pattern.search(line)
    ]
    assert not found, "\n".join(found)
