"""`{% translate "…%…" %}` in a template: Django looks the text up with every `%` doubled
(django.template.base.Variable), so the catalogue's msgid must say `%%`. With a single `%`
the Ukrainian page showed the English text (the pack's progress line and the report
form's "Sent" message did)."""

import re
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
TRANSLATE_WITH_PERCENT = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])([^"']*%[^"']*)\1""")
SKIPPED = {".venv", "node_modules", "var"}


def _template_strings() -> list[tuple[str, str]]:
    found = []
    for path in ROOT.rglob("*.html"):
        if SKIPPED & set(path.relative_to(ROOT).parts):
            continue
        for match in TRANSLATE_WITH_PERCENT.finditer(path.read_text(encoding="utf-8")):
            found.append((str(path.relative_to(ROOT)), match.group(2)))
    return found


def test_the_templates_have_such_strings():
    assert len(_template_strings()) >= 5


@pytest.mark.parametrize(("path", "text"), _template_strings())
def test_each_is_translated_into_ukrainian(path, text):
    with translation.override("uk"):
        shown = translation.gettext(text.replace("%", "%%")).replace("%%", "%")
    assert shown != text, f"{path}: {text!r} has no Ukrainian translation (msgid needs %%)"
