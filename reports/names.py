"""Names in the interface language: English names where stored, else the official Latin
transliteration of the Ukrainian name (KMU resolution No. 55) for places."""

from django.utils.translation import get_language

from core.translit import to_latin


def is_english() -> bool:
    return (get_language() or "uk").startswith("en")


def local_name(obj, *, transliterate: bool = True) -> str:
    """Return obj.name_en in English (or name_uk transliterated), else obj.name_uk."""
    if obj is None:
        return ""
    if not is_english():
        return obj.name_uk
    english = getattr(obj, "name_en", "")
    if english:
        return english
    return to_latin(obj.name_uk) if transliterate else obj.name_uk
