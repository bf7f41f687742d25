"""Text encodings of imported files: detected among those Ukrainian files use, checked
for plausible Ukrainian, or refused.

Candidates: UTF-8 (with or without BOM), Windows-1251, KOI8-U and the DOS code pages
(CP1125, the Ukrainian one, and CP866). Each candidate that decodes the bytes without
error is scored on the decoded letters: how usual each letter is in Ukrainian text
(a table of letter frequencies), and whether capitals stand where capitals stand (at
the start of a word or in a word all in capitals). Bytes of one encoding read in another
give rare letters, pseudo-graphics and capitals inside words, so the right reading
scores well above the others. A file no candidate reads as plausible text is refused:
it is never imported as mojibake.

Why not charset-normalizer (installed, used by requests): on the short texts of an
address file (a few names per line) it answered Shift-JIS for UTF-8 and CP1255 for
Windows-1251 in our trials, while this scorer, choosing only among the candidates
above, decided every test sample.
"""

import math
import re
from dataclasses import dataclass

CANDIDATES = ("utf-8", "cp1251", "koi8-u", "cp1125", "cp866")
NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "cp1251": "Windows-1251"}
NAMES |= {"koi8-u": "KOI8-U", "cp1125": "CP1125 (DOS)", "cp866": "CP866 (DOS)"}
SAMPLE_BYTES = 256 * 1024

# Ukrainian letter frequencies (per cent of letters in running text).
_FREQUENCY = {
    "о": 9.3, "а": 8.0, "н": 7.3, "и": 6.2, "і": 5.7, "в": 5.2, "т": 5.0, "е": 4.9,
    "р": 4.6, "с": 4.3, "к": 3.8, "л": 3.7, "у": 3.4, "д": 3.1, "м": 3.0, "п": 2.9,
    "я": 2.4, "з": 2.2, "ь": 1.7, "г": 1.6, "б": 1.6, "ч": 1.4, "х": 1.2, "ц": 1.0,
    "й": 1.0, "ж": 0.9, "ї": 0.8, "ш": 0.8, "ю": 0.8, "є": 0.4, "щ": 0.4, "ф": 0.3,
    "ґ": 0.05,
}  # fmt: skip
# Russian letters and typographic signs appear in Ukrainian files, rarely.
_RARE = dict.fromkeys("ыэъё«»—–’ʼ№…„“”°", 0.05)
_UNKNOWN = 1e-5  # anything else: pseudo-graphics, symbols, letters of other alphabets
_LOG = {char: math.log(share / 100) for char, share in (_FREQUENCY | _RARE).items()}
# A decoding whose letters average below this log-likelihood is not Ukrainian text:
# real text scores about -3.3; a wrong code page, -6 or worse.
PLAUSIBLE = -4.6
_WORD_RE = re.compile(r"[^\W\d_]+")


class EncodingError(ValueError):
    """The bytes do not decode as plausible text; `args[0]` says why, in English."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # a Python codec name
    detected: bool  # False when given by the caller

    @property
    def name(self) -> str:
        """The encoding as people know it ("Windows-1251")."""
        return NAMES.get(self.encoding, self.encoding)


def plausibility(text: str) -> float:
    """Return the mean log-likelihood (< 0; higher is likelier) of the non-ASCII
    characters of `text` as Ukrainian, with capitals inside lower-case words counted as
    unknown characters. 0.0 when the text has no non-ASCII character."""
    total, count = 0.0, 0
    for word in _WORD_RE.findall(text):
        if word.isascii():
            continue
        mixed = not (word.isupper() or word.islower() or word[1:].islower())
        for char in word:
            if char.isascii():
                continue
            total += math.log(_UNKNOWN) if mixed else _LOG.get(char.lower(), math.log(_UNKNOWN))
            count += 1
    for char in re.sub(r"[^\W\d_]+|[\x00-\x7f]", "", text):
        total += _LOG.get(char, math.log(_UNKNOWN))
        count += 1
    return total / count if count else 0.0


def decode(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode file bytes: in `encoding` when given (strictly), else the likeliest of
    CANDIDATES. Raise EncodingError when the given encoding fails or no candidate reads
    as plausible Ukrainian text."""
    if encoding:
        return _decode_given(data, encoding)
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode_given(data, "utf-8-sig", detected=True)
    if data.isascii():
        return Decoded(data.decode("ascii"), "utf-8", True)
    sample = data[:SAMPLE_BYTES]
    scored = []
    for candidate in CANDIDATES:
        try:
            text = sample.decode(candidate)
        except UnicodeDecodeError as exc:
            if candidate == "utf-8" and exc.start >= len(sample) - 3:
                text = sample[: exc.start].decode(candidate)  # a character cut by the sample
            else:
                continue
        scored.append((plausibility(text), -CANDIDATES.index(candidate), candidate))
    best = max(scored) if scored else None
    if best is None or best[0] < PLAUSIBLE:
        raise EncodingError(
            "the text does not read as Ukrainian in UTF-8, Windows-1251, KOI8-U or "
            "DOS (CP1125/CP866); give the file's encoding"
        )
    return _decode_given(data, best[2], detected=True)


def _decode_given(data: bytes, encoding: str, *, detected: bool = False) -> Decoded:
    try:
        return Decoded(data.decode(encoding), encoding, detected)
    except LookupError as exc:
        raise EncodingError(f"unknown encoding '{encoding}'") from exc
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise EncodingError(
            f"byte 0x{data[exc.start]:02x} on line {line} is not {encoding}"
        ) from exc


def dbf_sample(data: bytes) -> bytes:
    """Return the text bytes of a dBase (.dbf) file: its field names and records, without
    the binary header (whose counts and lengths would read as stray letters)."""
    if len(data) < 32:
        return data
    header_length = int.from_bytes(data[8:10], "little")
    names = [
        data[offset : offset + 11].split(b"\x00")[0] for offset in range(32, header_length - 1, 32)
    ]
    return b" ".join(names) + b"\n" + data[header_length:]
