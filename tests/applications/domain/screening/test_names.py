"""Names brought to common ground: normalised, transliterated, tokenised and keyed."""

# ruff: noqa: RUF001 - curly apostrophes and full-width letters are what is being tested

from __future__ import annotations

import pytest

from yms.applications.domain.screening.names import normalise, skeleton, tokens


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("García-López", "garcia lopez"),  # diacritics gone, a hyphen splits
        ("O’Brien", "obrien"),  # a curly apostrophe joins
        ("O'Brien", "obrien"),
        ("MÜLLER", "muller"),
        ("Groß", "gross"),  # case-folded
        ("ﬁlip", "filip"),  # NFKC: the ligature is two letters
        ("Ｍａｒｉａ", "maria"),  # NFKC: full-width letters
        ("Щербаков", "shcherbakov"),  # Cyrillic
        ("Ščerbakov", "shcherbakov"),  # a háček is written with an h
        ("Žukov", "zhukov"),
        ("Γεώργιος Παπαδόπουλος", "georgios papadopoylos"),  # Greek
        ("张小平", "zhang xiao ping"),  # each ideograph a syllable of its own
        ("Ch'en Hsiao-p'ing", "chen hsiao ping"),  # Wade-Giles apostrophes
        ("  Dr.  Muhammad   al-Rashid ", "dr muhammad al rashid"),
    ],
)
def test_a_name_is_normalised_to_lower_case_ascii_words(written: str, normalised: str) -> None:
    assert normalise(written) == normalised


def test_particles_and_honorifics_are_dropped() -> None:
    assert tokens("Dr. Muhammad al-Rashid") == ("muhammad", "rashid")
    assert tokens("Anna van der Berg") == ("anna", "berg")
    assert tokens("Mr Jean-Luc de la Fontaine") == ("jean", "luc", "fontaine")


def test_a_name_made_only_of_particles_keeps_them() -> None:
    assert tokens("De La") == ("de", "la")


@pytest.mark.parametrize(
    "spellings",
    [
        ("shcherbakov", "chtcherbakov", "schtscherbakow", "szczerbakow"),  # щ
        ("aleksandr", "alexander", "oleksandr", "alexandr"),
        ("mohammed", "muhammad", "mohamed", "mohamad"),
        ("hussein", "husayn", "hussain"),
        ("omar", "umar"),
        ("zhang", "chang"),  # pinyin, Wade-Giles
        ("xiao", "hsiao"),
        ("deng", "teng"),
        ("xu", "hsu"),
        ("qian", "chien"),
        ("mueller", "muller"),
        ("tchernov", "chernov", "tschernow"),
    ],
)
def test_romanisations_of_one_name_share_a_sound_key(spellings: tuple[str, ...]) -> None:
    assert len({skeleton(spelling) for spelling in spellings}) == 1


def test_the_sound_key_keeps_different_names_apart() -> None:
    assert skeleton("shcherbakov") == "srpkp"
    assert skeleton("") == ""
    assert skeleton("aleksandr") == "alsntr"
    assert len({skeleton(name) for name in ("ivanov", "petrov", "sokolov", "novikov")}) == 4
