"""File names of the maps the service hands out: ASCII, from the community's name."""

from django.utils.text import slugify

from core.translit import to_latin
from layers.models import Territory

# Ukrainian → Latin, the official transliteration (Cabinet of Ministers resolution 55,
# 2010), without its word-initial forms: a file name needs to be readable, not exact.
UK_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
        "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
        "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
        "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "",
        "ю": "iu", "я": "ia", "'": "", "’": "", "ʼ": "",
    }
)  # fmt: skip
# Words of a community's official name that say what it is, not which one it is.
GENERIC_WORDS = frozenset(
    ("rural", "urban", "settlement", "city", "territorial", "community", "hromada")
    + ("silska", "selyshchna", "miska", "terytorialna")
)


def transliterate(text: str) -> str:
    return text.lower().translate(UK_LATIN)


def community_slug() -> str:
    """The community's short Latin name for file names: "dmytrivska"; "hromada" if none."""
    territory = Territory.objects.order_by("pk").first()
    if territory is None:
        return "hromada"
    name = territory.name_en or transliterate(territory.name_uk)
    words = [word for word in slugify(transliterate(name)).split("-") if word]
    kept = [word for word in words if word not in GENERIC_WORDS]
    return "-".join(kept or words) or "hromada"


def print_filename(place: str, paper: str, orientation: str) -> str:
    """Return a printed sheet's file name: "dmytrivska-makarykha-A4.pdf",
    "dmytrivska-territory-A3-landscape.pdf" (portrait, the usual, goes unsaid)."""
    parts = [community_slug(), slugify(to_latin(place)) or "map", paper]
    if orientation == "landscape":
        parts.append("landscape")
    return "-".join(parts) + ".pdf"


def pack_filename(day) -> str:
    """Return the council pack's file name: "dmytrivska-council-pack-2026-12-03.pdf"."""
    return f"{community_slug()}-council-pack-{day:%Y-%m-%d}.pdf"
