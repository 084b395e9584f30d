"""Names made comparable: normalised, transliterated, split into tokens, and keyed.

Every script is brought to lower-case ASCII letters with `anyascii` (ISC licence),
so "Щербаков", "Shcherbakov" and "Ščerbakov" meet on common ground; then a
*sound key* (`skeleton`) folds the spellings that romanisation systems disagree on
(Wade-Giles "Hsiao" and pinyin "Xiao", French "Chtcherbakov" and English
"Shcherbakov", "Mohammed" and "Muhammad") into one string of consonants.
Nothing here knows a particular name: the same rules serve every name.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

# Articles, particles and honorifics that romanisations add or drop at will
# ("al-Rashid", "Rashid"; "van der Berg", "Berg"; "Dr"). They are not evidence.
PARTICLES = frozenset(
    {
        # Arabic articles and their assimilated forms
        "al", "el", "ul", "ad", "ed", "ar", "as", "ash", "at", "az", "an",
        # European particles
        "de", "del", "della", "der", "den", "di", "da", "do", "dos", "das", "du",
        "la", "le", "van", "von", "ten", "ter",
        # Honorifics
        "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "sheikh", "shaikh",
        "haji", "hajji",
    }
)  # fmt: skip

# Letters with a háček are written with an "h" by most other systems (č ch, š sh, ž zh).
_HACEK = str.maketrans({"č": "ch", "š": "sh", "ž": "zh"})
_APOSTROPHES = re.compile(
    "['`\u2018\u2019\u02bb\u02bc]"
)  # straight, grave, curly, modifier letters
_NOT_LETTER = re.compile(r"[^a-z0-9]+")


# CJK ideographs, kana and hangul are written without spaces between syllables;
# each is romanised as a syllable of its own so tokens can be compared.
_IDEOGRAPHS = (
    (0x3040, 0x30FF),  # kana
    (0x3400, 0x9FFF),  # CJK unified ideographs (and extension A)
    (0xAC00, 0xD7AF),  # hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x2FA1F),  # CJK extensions B onward
)


def _is_ideograph(char: str) -> bool:
    point = ord(char)
    return any(low <= point <= high for low, high in _IDEOGRAPHS)


def normalise(text: str) -> str:
    """Lower-case ASCII letters and digits separated by single spaces.

    NFKC first (ligatures and full-width forms), case-folded ("ß" becomes "ss"),
    letters with a háček spelt with "h" ("Žukov" is "zhukov"), the rest
    transliterated with `anyascii`, apostrophes removed ("O'Brien" is "obrien",
    "Ch'en" is "chen"), and every other mark a space ("García-López" is
    "garcia lopez"). Each CJK ideograph becomes a syllable of its own.
    """
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_HACEK)
    parts: list[str] = []
    for char in folded:
        if char.isascii():
            parts.append(char)
        elif _is_ideograph(char):
            parts.append(f" {anyascii(char)} ")
        else:
            parts.append(anyascii(char))
    ascii_text = _APOSTROPHES.sub("", "".join(parts).lower())
    return " ".join(_NOT_LETTER.sub(" ", ascii_text).split())


def tokens(text: str) -> tuple[str, ...]:
    """The name's words, normalised, without particles or honorifics.

    A name made only of particles (rare, but "De La" would be one) keeps them
    rather than become nothing.
    """
    words = normalise(text).split()
    kept = tuple(word for word in words if word not in PARTICLES)
    return kept or tuple(words)


# Spellings of one sound across romanisation systems, longest first. The order
# matters: "shch" must be read before "sh", "tsch" before "ts". Hissing and
# hushing sounds all meet in "s": systems disagree on them more than on anything
# (щ is "shch", "chtch", "schtsch"; ч is "ch", "tch", "tsch", "č"; pinyin "zh",
# Wade-Giles "ch"; French "ch" is English "sh").
_SOUNDS: tuple[tuple[str, str], ...] = (
    ("schtsch", "s"),
    ("chtch", "s"),
    ("shch", "s"),
    ("szcz", "s"),
    ("tsch", "s"),
    ("tch", "s"),
    ("dzh", "s"),
    ("sch", "s"),
    ("sh", "s"),
    ("ch", "s"),
    ("zh", "s"),
    ("dj", "s"),
    ("cz", "s"),
    ("sz", "s"),
    ("hs", "s"),
    ("ts", "s"),
    ("tz", "s"),
    ("ks", "s"),
    ("qi", "si"),  # pinyin qi is Wade-Giles ch'i; elsewhere q is a k (Qasim, Kassem)
    ("ph", "f"),
    ("th", "t"),
    ("kh", "k"),
    ("gh", "g"),
)
_LETTERS = str.maketrans(
    {
        "b": "p",  # voiced and voiceless stops meet (Deng / Teng, Guo / Kuo, Bo / Po)
        "v": "p",  # Greek beta is "b" in classical spelling, "v" in modern; -ov is -ow
        "w": "p",
        "d": "t",
        "g": "k",
        "c": "k",
        "q": "k",
        "x": "s",  # pinyin x; "Alexander" reaches "ks" -> "s" too
        "z": "s",
        "j": "s",  # pinyin j, Russian ж written "j" in French
        "y": "i",
    }
)
_VOWELS = frozenset("aeiou")


@lru_cache(maxsize=65536)
def skeleton(token: str) -> str:
    """The token's sound key: the consonants as most romanisations would agree on them.

    Vowels are left out except at the start, where any vowel reads as "a"
    ("Omar" and "Umar", "Aleksandr" and "Oleksandr" share "amr", "alsntr");
    an "h" after the first letter is silent; doubled letters are one.
    """
    word = token
    for spelling, sound in _SOUNDS:
        word = word.replace(spelling, sound.upper())
    word = word.lower().translate(_LETTERS)
    if not word:
        return ""
    key = ["a" if word[0] in _VOWELS else word[0]]
    for char in word[1:]:
        if char in _VOWELS or char == "h":
            continue  # "Mohammed"/"Muhamad"; "Hussein" keeps its first h as the initial
        if char != key[-1]:
            key.append(char)
    return "".join(key)
