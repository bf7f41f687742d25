"""Latin script for Ukrainian names, in the official national transliteration.

The standard is the Cabinet of Ministers of Ukraine resolution No. 55 of 27 January 2010
("Dmytrivka", "vulytsia Shevchenka", "Zghurivka"), the one passports and road signs use.
It is implemented by the ``translitua`` library rather than a table of our own, so its
positional rules (``Є``/``Ї``/``Й``/``Ю``/``Я`` at the start of a word, ``зг`` → ``zgh``,
the apostrophe dropped) are kept by people who maintain them.
"""

from functools import lru_cache

from translitua import UkrainianKMU, translit


@lru_cache(maxsize=4096)
def to_latin(text: str) -> str:
    """Return ``text`` in the official Latin transliteration; Latin input comes back unchanged.

    Cached because the same village and street names are rendered on every page.
    """
    if not text:
        return text
    return translit(text, UkrainianKMU)
