"""What a reader sees in an HTML page, for the language crawl.

`visible_texts` returns the text nodes and the human-facing attributes (title, alt,
aria-label, placeholder, value of buttons) of a page, leaving out scripts, styles and
whatever people wrote: elements marked `data-user-content`, and elements in the other
language (`lang="uk"` on an English page, `lang="en"` on a Ukrainian one, e.g. the
language switch's buttons).
"""

import re
from html.parser import HTMLParser

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
HUMAN_ATTRIBUTES = {"title", "alt", "aria-label", "placeholder", "aria-description"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
# English words of the interface that a Ukrainian page must not show (whole words, case as
# written in the templates). Names such as GIS, Wi-Fi, PDF, CSV, OpenStreetMap stay.
ENGLISH_UI_WORDS = {
    "Sign", "Search", "Address", "Addresses", "Report", "Reports", "Problem", "Problems",
    "Planning", "Moderation", "Menu", "Submit", "Save", "Cancel", "Page", "Village",
    "Villages", "Street", "Streets", "Download", "Language", "Skip", "Previous", "Next",
    "Close", "Loading", "Error", "Show", "Hide", "Legend", "Settlement", "Settlements",
    "Facility", "Facilities", "Coverage", "Internet", "Register", "Printed", "Password",
    "Home", "Back", "Find", "Layers", "Status", "Category", "Date", "Send", "Map", "Maps",
    "found", "the", "and", "not", "with", "your", "for", "you", "this", "here",
}  # fmt: skip
LATIN_WORD = re.compile(r"(?<![\w@./-])[A-Za-z][a-z]+(?![\w@/-])")


class _Scanner(HTMLParser):
    def __init__(self, other_language: str):
        super().__init__(convert_charrefs=True)
        self.other = other_language
        self.stack: list[bool] = []  # per open element: is it excluded?
        self.texts: list[str] = []

    def _excluded(self) -> bool:
        return bool(self.stack) and self.stack[-1]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        excluded = (
            self._excluded()
            or tag in {"script", "style", "template"}
            or "data-user-content" in attributes
            or (attributes.get("lang") or "").startswith(self.other)
        )
        if not excluded:
            for name in HUMAN_ATTRIBUTES & attributes.keys():
                self.texts.append(attributes[name] or "")
            if tag in {"button", "input"} and attributes.get("type") in {"submit", "button"}:
                self.texts.append(attributes.get("value") or "")
        if tag not in VOID:
            self.stack.append(excluded)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self._excluded() and data.strip():
            self.texts.append(data.strip())


def visible_texts(html: str, language: str) -> list[str]:
    """The texts a reader of `language` sees, other-language and user content left out."""
    scanner = _Scanner("uk" if language == "en" else "en")
    scanner.feed(html)
    return scanner.texts


def untranslated(html: str, language: str) -> list[str]:
    """Texts that are not in `language`: any Cyrillic on English pages, English UI words
    on Ukrainian ones."""
    texts = visible_texts(html, language)
    if language == "en":
        return [t for t in texts if CYRILLIC.search(t)]
    return [t for t in texts if set(LATIN_WORD.findall(t)) & ENGLISH_UI_WORDS]
