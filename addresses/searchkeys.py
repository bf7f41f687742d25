"""Latin search keys: a name or a query in either script folded to one loose Latin form.

Pure functions (no ORM, no settings), like addresses.compute. A Ukrainian name is first
written in the official transliteration (core.translit.to_latin, resolution No. 55 of
2010: "Дмитрівка" → "Dmytrivka"), then loosened so that the informal spellings people
type meet it: Russian-style and German-style digraphs (ch/tsch, kh/h/g, shch/sch, ya/ja/ia,
y/i/j) fold to one letter and doubled letters to one. "Dmytrivka", "Dmitrivka" and
"Dmytriwka" share the key "dmitrivka"; "Dmitrovka" is one letter away from it, which
the trigram match forgives. Streets store the key (`Street.search_latin`); a Latin query
is folded the same way.
"""

import functools
import re

from addresses.compute import APOSTROPHES, STREET_KINDS, query
from core.translit import to_latin

# Longest first: each digraph is folded before its letters are.
_LOOSE = (
    ("shch", "s"), ("sch", "s"), ("zgh", "zg"), ("kh", "x"), ("zh", "z"), ("ch", "c"),
    ("sh", "s"), ("ts", "c"), ("tz", "c"), ("gh", "g"), ("h", "g"), ("w", "v"),
    ("yi", "i"), ("ji", "i"), ("ye", "e"), ("je", "e"), ("ie", "e"), ("yu", "u"),
    ("ju", "u"), ("iu", "u"), ("ya", "a"), ("ja", "a"), ("ia", "a"), ("yo", "o"),
    ("jo", "o"), ("io", "o"), ("y", "i"), ("j", "i"), ("q", "k"),
)  # fmt: skip
_LOOSE_RE = re.compile("|".join(re.escape(source) for source, _ in _LOOSE))
_LOOSE_MAP = dict(_LOOSE)
_NOT_WORD_RE = re.compile(r"[^0-9a-z./-]+")
_CYRILLIC_RE = re.compile(r"[А-Яа-яҐґЄєІіЇїЁёЪъЫыЭэ]")
_LATIN_RE = re.compile(r"[A-Za-z]")

# Street kinds in Latin: the official transliteration of each Ukrainian word and
# abbreviation (generated, not typed), plus the English and Russian-style words people use.
_INFORMAL_KINDS = {
    "street": ("street", "st", "str", "ul", "ulitsa", "ulica", "ulitsya"),
    "lane": ("lane", "ln", "per", "pereulok", "provulok"),
    "square": ("square", "sq", "ploshchad", "ploschad", "ploscha"),
    "avenue": ("avenue", "ave", "av", "prospect", "prospekt", "pr-t"),
    "boulevard": ("boulevard", "blvd", "bulvar"),
}
SETTLEMENT_WORDS_LATIN = frozenset({"s", "s.", "selo", "village", "smt", "smt.", "selyshche"})


def latin_word(word: str) -> str:
    """Return the loose key of one lower-case Latin word ("shevchenka" → "sevcenka")."""
    loose = _LOOSE_RE.sub(lambda match: _LOOSE_MAP[match[0]], word)
    return re.sub(r"([a-z])\1+", r"\1", loose)


def latin_words(text: str) -> list[str]:
    """Return the words of a text (either script) in the official transliteration, lower
    case, without apostrophes or punctuation other than . / - inside a word."""
    text = re.sub(f"[{re.escape(APOSTROPHES)}ʼ]", "", str(text or ""))
    return _NOT_WORD_RE.sub(" ", to_latin(text).lower()).split()


@functools.lru_cache(maxsize=65536)
def latin_key(text: str) -> str:
    """Return the loose Latin search key of a name or query in either script."""
    return " ".join(latin_word(word.strip(".-/")) for word in latin_words(text) if word)


def is_latin(text: str) -> bool:
    """Return whether a text is written mostly in Latin letters (so searched in Latin)."""
    return len(_LATIN_RE.findall(text)) > len(_CYRILLIC_RE.findall(text))


def _kind_lookup() -> dict[str, str]:
    lookup = {}
    for kind in STREET_KINDS:
        for word in (kind.word, kind.abbreviation, *kind.aliases):
            for form in latin_words(word):
                lookup.setdefault(form, kind.code)
                lookup.setdefault(form.rstrip("."), kind.code)
    for code, words in _INFORMAL_KINDS.items():
        for word in words:
            lookup.setdefault(word, code)
    return lookup


LATIN_KINDS = _kind_lookup()
LATIN_KIND_WORDS = frozenset(latin_words(" ".join(kind.word for kind in STREET_KINDS)))


def drop_kind_words(words: list[str]) -> tuple[list[str], str | None]:
    """Return the loose keys of a Latin query's words without its street-kind and
    settlement words ("vul.", "provulok", "s."), and the kind named (or None); the rule
    is the Cyrillic one (addresses.compute.query.drop_kind_words)."""
    return query.drop_kind_words(
        words,
        kinds=LATIN_KINDS,
        full_words=LATIN_KIND_WORDS,
        settlement_words=SETTLEMENT_WORDS_LATIN,
        key=lambda word: latin_word(word.strip(".-/")),
    )


def edit_distance(a: str, b: str, *, limit: int = 3) -> int:
    """Return the optimal-string-alignment (Damerau–Levenshtein) distance of two texts:
    insertions, deletions, substitutions and swaps of two neighbours each count 1.

    Texts whose lengths differ by more than `limit` return `limit + 1` at once.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous, current = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        before, previous, current = previous, current, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
    return current[-1]


def near_name(query: str, name: str) -> float:
    """Return how closely a whole query names `name` (both keys): 1 equal, 0.9 one slip
    (two for names of 8+ letters), 0 otherwise."""
    if query == name:
        return 1.0
    allowed = 2 if len(name) >= 8 else 1 if len(name) >= 4 else 0
    return 0.9 if edit_distance(query, name, limit=allowed) <= allowed else 0.0
