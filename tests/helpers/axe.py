"""axe-core in a Playwright page: inject it from node_modules, run it, keep what matters.

axe is read from our own node_modules and injected as an inline script, never fetched:
no request may leave for outside, and our server must not serve a testing tool.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
# WCAG 2.1 A and AA plus axe's best practices (heading order, landmarks, region).
RUN_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@dataclass(frozen=True)
class Exclusion:
    """Leave `selector` out of axe's context for `rules` only, for the `reason` given."""

    selector: str
    rules: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}): {self.help} — {', '.join(self.targets)}"


def inject_axe(page) -> None:
    """Put axe into the page (once); evaluate the source when a CSP refuses inline tags."""
    if page.evaluate("typeof window.axe !== 'undefined'"):
        return
    # A CSP without 'unsafe-inline' refuses the tag (an error); then evaluate the source.
    with contextlib.suppress(Exception):
        page.add_script_tag(path=str(AXE_JS))
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))


def _run(page, exclude: list[str], run_only: dict) -> list[dict]:
    context = {"include": [["html"]], "exclude": [[selector] for selector in exclude]}
    return page.evaluate(
        "([context, runOnly]) => axe.run(context, {runOnly, resultTypes: ['violations']})"
        ".then(result => result.violations)",
        [context, run_only],
    )


def _blocking(raw: list[dict]) -> list[Violation]:
    return [
        Violation(
            rule=item["id"],
            impact=item["impact"],
            help=item["help"],
            targets=tuple(" ".join(map(str, node["target"])) for node in item["nodes"]),
        )
        for item in raw
        if item["impact"] in BLOCKING_IMPACTS
    ]


def serious_violations(page, exclusions: tuple[Exclusion, ...] = ()) -> list[Violation]:
    """Return the serious and critical violations of the page as it is now.

    One whole-page run with every rule; then, for each exclusion, its rules are run
    again with its element left out, and their results replace the whole-page ones.
    """
    inject_axe(page)
    excluded_rules = {rule for exclusion in exclusions for rule in exclusion.rules}
    every = {"type": "tag", "values": RUN_TAGS}
    found = [v for v in _blocking(_run(page, [], every)) if v.rule not in excluded_rules]
    for rule in sorted(excluded_rules):
        selectors = [e.selector for e in exclusions if rule in e.rules]
        found.extend(_blocking(_run(page, selectors, {"type": "rule", "values": [rule]})))
    return found


def describe(violations: list[Violation]) -> str:
    """One line per violation: rule id, impact, help and the elements (for a failure)."""
    return "\n".join(str(v) for v in violations)
