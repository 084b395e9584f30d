"""A synthetic watchlist and labelled name pairs, made the same way from the same seed.

Every person here is invented: given and family names drawn at random from lists
of common name parts and joined at random, with invented dates of birth. No
entry describes a real person or a real sanctions listing.

Names start from their own script or spelling (Cyrillic, Greek, Chinese
syllables, Arabic name forms, European names with diacritics) and are written
out by the romanisation systems people actually meet: BGN/PCGN, French, German
and scientific for Cyrillic, with the Ukrainian forms of Russian names
(Aleksandr / Oleksandr); ELOT 743, phonetic and classical for Greek; pinyin and
Wade-Giles for Chinese, in either order; the common English and French spellings
of Arabic names with or without the article; and for European names with and
without diacritics, German "ue" for "ü", compound surnames whole, hyphenated or
cut short. Then some are mistyped.

The matcher knows none of these tables: it must find the variants from its own
rules (`names.skeleton`), which is what the labelled pairs measure.
"""

# ruff: noqa: RUF001 - the Cyrillic and Greek letters here are the point, not look-alikes

from __future__ import annotations

import csv
import io
import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from anyascii import anyascii

WATCHLIST_SEED = 1  # the shipped watchlist
TUNING_SEED = 2  # the pairs the threshold was chosen on
HELD_OUT_SEED = 3  # the pairs it is checked on, never looked at while tuning

HEADER = (
    "# Synthetic data: every name, date of birth and entry is invented by "
    "yms.applications.domain.screening.synthetic (seed {seed}); none is a real person."
)

# --- Cyrillic ------------------------------------------------------------------------------------

_RU_GIVEN_MALE = (
    "Александр", "Сергей", "Дмитрий", "Михаил", "Андрей", "Николай", "Алексей",
    "Евгений", "Юрий", "Владимир", "Игорь", "Павел", "Фёдор", "Григорий", "Вячеслав",
)  # fmt: skip
_RU_GIVEN_FEMALE = (
    "Ольга", "Татьяна", "Наталья", "Екатерина", "Юлия", "Ксения", "Анастасия",
    "Людмила", "Жанна", "Евгения",
)  # fmt: skip
_RU_FAMILY = (
    "Щербаков", "Иванов", "Кузнецов", "Соколов", "Попов", "Лебедев", "Козлов",
    "Новиков", "Морозов", "Жуков", "Чернов", "Хохлов", "Зайцев", "Юсупов", "Фёдоров",
    "Яковлев", "Шестаков", "Цветков", "Гончаров", "Журавлёв", "Чайковский", "Шевчук",
)  # fmt: skip
# Ukrainian forms of Russian given names: cognates, not transliterations.
_UKRAINIAN = {
    "Александр": "Олександр", "Сергей": "Сергій", "Дмитрий": "Дмитро",
    "Михаил": "Михайло", "Андрей": "Андрій", "Николай": "Микола", "Алексей": "Олексій",
    "Юрий": "Юрій", "Владимир": "Володимир", "Григорий": "Григорій", "Ольга": "Ольга",
    "Татьяна": "Тетяна", "Наталья": "Наталія", "Екатерина": "Катерина",
}  # fmt: skip

_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "з": "z", "и": "i", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "ъ": "", "ь": "", "э": "e", "ы": "y",
}  # fmt: skip
_CYRILLIC_SYSTEMS: dict[str, dict[str, str]] = {
    "bgn": _COMMON | {
        "е": "e", "ё": "yo", "ж": "zh", "й": "y", "х": "kh", "ц": "ts", "ч": "ch",
        "ш": "sh", "щ": "shch", "ю": "yu", "я": "ya", "і": "i", "ї": "yi", "є": "ye",
    },
    "french": _COMMON | {
        "е": "e", "ё": "io", "ж": "j", "й": "i", "у": "ou", "х": "kh", "ц": "ts",
        "ч": "tch", "ш": "ch", "щ": "chtch", "ю": "iou", "я": "ia", "і": "i", "ї": "ii",
        "є": "ie",
    },
    "german": _COMMON | {
        "в": "w", "е": "e", "ё": "jo", "ж": "sch", "з": "s", "й": "j", "х": "ch",
        "ц": "z", "ч": "tsch", "ш": "sch", "щ": "schtsch", "ю": "ju", "я": "ja", "і": "i",
        "ї": "ji", "є": "je",
    },
    "scientific": _COMMON | {
        "е": "e", "ё": "ë", "ж": "ž", "й": "j", "х": "ch", "ц": "c", "ч": "č", "ш": "š",
        "щ": "šč", "ю": "ju", "я": "ja", "і": "i", "ї": "ï", "є": "je",
    },
    "ukrainian": _COMMON | {
        "г": "h", "и": "y", "е": "e", "ж": "zh", "й": "i", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ю": "iu", "я": "ia", "і": "i", "ї": "i",
        "є": "ie",
    },
}  # fmt: skip


def _romanise(word: str, table: dict[str, str]) -> str:
    letters = "".join(table.get(char, table.get(char.lower(), char)) for char in word.lower())
    return letters[:1].upper() + letters[1:]


def _cyrillic(name: str, rng: random.Random) -> str:
    system = rng.choice(["bgn", "french", "german", "scientific", "anyascii", "cyrillic"])
    if system == "cyrillic":
        return name
    if system == "anyascii":
        return anyascii(name)
    return " ".join(_romanise(word, _CYRILLIC_SYSTEMS[system]) for word in name.split())


# --- Greek ---------------------------------------------------------------------------------------

_GR_GIVEN_MALE = (
    "Γεώργιος", "Δημήτριος", "Κωνσταντίνος", "Ιωάννης", "Νικόλαος", "Παναγιώτης",
    "Χρήστος", "Βασίλειος", "Αθανάσιος", "Ευάγγελος", "Σπυρίδων", "Θεόδωρος",
)  # fmt: skip
_GR_GIVEN_FEMALE = (
    "Μαρία", "Ελένη", "Αικατερίνη", "Σοφία", "Ευαγγελία", "Δήμητρα", "Χριστίνα", "Θεοδώρα",
)  # fmt: skip
_GR_FAMILY = (
    "Παπαδόπουλος", "Παπαδάκης", "Οικονόμου", "Γεωργίου", "Νικολάου", "Καραγιάννης",
    "Βλάχος", "Αθανασίου", "Χατζηδάκης", "Μιχαηλίδης", "Ζαχαρίου", "Κωνσταντινίδης",
    "Ξενάκης", "Ψαρράς", "Τσακίρης", "Μπαλτάς",
)  # fmt: skip
_GR_DIGRAPHS = {
    "elot": {"ου": "ou", "αι": "ai", "ει": "ei", "οι": "oi", "μπ": "mp", "ντ": "nt", "γγ": "ng"},
    "phonetic": {"ου": "ou", "αι": "e", "ει": "i", "οι": "i", "μπ": "b", "ντ": "d", "γγ": "ng"},
    "classical": {"ου": "ou", "αι": "ae", "ει": "ei", "οι": "oe", "μπ": "mp", "ντ": "nt"},
}
_GR_COMMON = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th",
    "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p",
    "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps",
    "ω": "o",
}  # fmt: skip
_GR_LETTERS = {
    "elot": _GR_COMMON,
    "phonetic": _GR_COMMON | {"υ": "i", "χ": "h", "δ": "d"},
    "classical": _GR_COMMON | {"β": "b", "η": "e", "κ": "c", "ω": "o"},
}


def _unaccented_greek(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _greek(name: str, rng: random.Random) -> str:
    system = rng.choice(["elot", "phonetic", "classical", "anyascii", "greek"])
    if system == "greek":
        return name
    if system == "anyascii":
        return anyascii(name)
    words = []
    for word in name.split():
        plain = _unaccented_greek(word)
        for digraph, sound in _GR_DIGRAPHS[system].items():
            plain = plain.replace(digraph, sound)
        written = "".join(_GR_LETTERS[system].get(c, c) for c in plain)
        words.append(written[:1].upper() + written[1:])
    return " ".join(words)


# --- Chinese -------------------------------------------------------------------------------------

# (pinyin, Wade-Giles) for the syllables used.
_SYLLABLES = (
    ("zhang", "chang"), ("wang", "wang"), ("li", "li"), ("liu", "liu"), ("chen", "ch'en"),
    ("yang", "yang"), ("huang", "huang"), ("zhao", "chao"), ("zhou", "chou"), ("wu", "wu"),
    ("xu", "hsü"), ("sun", "sun"), ("zhu", "chu"), ("ma", "ma"), ("hu", "hu"),
    ("guo", "kuo"), ("gao", "kao"), ("lin", "lin"), ("luo", "lo"), ("zheng", "cheng"),
    ("xie", "hsieh"), ("song", "sung"), ("tang", "t'ang"), ("deng", "teng"), ("cai", "ts'ai"),
    ("cao", "ts'ao"), ("jiang", "chiang"), ("qian", "ch'ien"), ("xiao", "hsiao"),
    ("ping", "p'ing"), ("jian", "chien"), ("hua", "hua"), ("ming", "ming"), ("wei", "wei"),
    ("hong", "hung"), ("zhong", "chung"), ("qing", "ch'ing"), ("xin", "hsin"),
    ("jun", "chün"), ("yong", "yung"), ("de", "te"), ("dong", "tung"), ("ze", "tse"),
    ("jie", "chieh"), ("tao", "t'ao"), ("bo", "po"), ("rong", "jung"), ("yu", "yü"),
    ("feng", "feng"), ("hai", "hai"), ("long", "lung"), ("bin", "pin"), ("kai", "k'ai"),
    ("xiu", "hsiu"), ("lan", "lan"), ("mei", "mei"), ("fang", "fang"), ("yan", "yen"),
    ("hui", "hui"), ("zhi", "chih"), ("shi", "shih"), ("xia", "hsia"),
)  # fmt: skip
_CN_FAMILY = tuple(range(30))  # the first thirty syllables are family names
_CN_GIVEN = tuple(range(len(_SYLLABLES)))


def _chinese(family: int, given: tuple[int, int], rng: random.Random) -> tuple[str, str]:
    """(given names, family name) in pinyin or Wade-Giles, written as people write them."""
    system = rng.choice([0, 0, 1])  # pinyin more often
    first, second = (_SYLLABLES[g][system] for g in given)
    style = rng.choice(["joined", "hyphen", "spaced"] if system else ["joined", "joined", "spaced"])
    if style == "joined":
        given_name = (first + second.replace("'", "")).capitalize()
    elif style == "hyphen":
        given_name = f"{first.capitalize()}-{second}"
    else:
        given_name = f"{first.capitalize()} {second.capitalize()}"
    return given_name, _SYLLABLES[family][system].capitalize()


# --- Arabic --------------------------------------------------------------------------------------

_AR_GIVEN_MALE = (
    ("Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed", "Mohamad"),
    ("Ahmed", "Ahmad"),
    ("Hussein", "Husayn", "Hussain", "Husein"),
    ("Khalid", "Khaled"),
    ("Yusuf", "Youssef", "Yousef", "Yusef"),
    ("Omar", "Umar"),
    ("Abdulrahman", "Abdul Rahman", "Abd al-Rahman", "Abderrahmane"),
    ("Abdullah", "Abdallah", "Abd Allah"),
    ("Mustafa", "Moustafa", "Mostafa"),
    ("Ibrahim", "Ebrahim", "Brahim"),
    ("Hassan", "Hasan"),
    ("Said", "Saeed", "Sa'id"),
    ("Mahmoud", "Mahmud"),
    ("Tariq", "Tarek", "Tarik"),
)
_AR_GIVEN_FEMALE = (
    ("Fatima", "Fatma", "Fatimah"),
    ("Aisha", "Aicha", "Ayesha"),
    ("Khadija", "Khadijah", "Khadidja"),
    ("Maryam", "Mariam", "Meryem"),
    ("Layla", "Leila", "Laila"),
    ("Zainab", "Zaynab", "Zeinab"),
)
_AR_FAMILY = (
    ("al-Rashid", "al-Rasheed", "el-Rashid", "Al Rashid", "Alrashid", "Rashid"),
    ("al-Masri", "el-Masry", "Al-Masri", "Masri"),
    ("Haddad", "Hadad", "Al-Haddad"),
    ("Nasser", "Nasir", "Naser"),
    ("al-Hashimi", "el-Hachemi", "Hashemi", "Al Hashimi"),
    ("Mansour", "Mansur", "Mansoor"),
    ("Khoury", "Khouri", "el-Khoury"),
    ("Suleiman", "Sulaiman", "Sleiman", "Soliman"),
    ("Qasim", "Kassem", "Qassem", "Kasim"),
    ("Othman", "Uthman", "Osman"),
    ("Saleh", "Salih", "Salah"),
    ("al-Tikriti", "el-Tikriti", "Tikriti"),
    ("Bakr", "Bakir", "Bakr"),
    ("Jaber", "Jabir", "Gaber"),
    ("al-Amin", "el-Amine", "Alamin"),
    ("Darwish", "Darweesh", "Derviche"),
)


def _pick_form(forms: Sequence[str], rng: random.Random) -> str:
    return rng.choice(forms)


# --- European ------------------------------------------------------------------------------------

_EU_GIVEN_MALE = (
    "José", "François", "Jürgen", "Søren", "Łukasz", "André", "Björn", "Ángel", "Joël",
    "Jiří", "Tomás", "Günther", "Mehmet", "Çağlar", "Benoît", "Sebastián", "Maciej",
    "Grzegorz", "Zoltán", "João",
)  # fmt: skip
_EU_GIVEN_FEMALE = (
    "Zoë", "Agnieszka", "Małgorzata", "Hélène", "Björk", "Inês", "Márta", "Zuzana",
    "Ayşe", "Renée", "Anaïs", "Józefa",
)  # fmt: skip
_EU_FAMILY = (
    "Müller", "Schäfer", "Groß", "García López", "Martínez Ruiz", "Fernández Castro",
    "Núñez", "Sánchez Pérez", "Kowalski", "Wiśniewski", "Nowak", "Dvořák", "Novák",
    "Horváth", "Kovács", "Jørgensen", "Østergaard", "O'Brien", "MacDonald",
    "Smith-Jones", "van der Berg", "de Souza", "Gonçalves", "Çelik", "Yılmaz", "Öztürk",
    "Gómez-Herrera", "Rodríguez Iglesias", "Wójcik", "Bäcker", "Lefèvre", "Møller",
)  # fmt: skip
_GERMAN_UMLAUTS = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}


def _european(name: str, rng: random.Random) -> str:
    style = rng.choice(["as_is", "as_is", "plain", "umlauts", "compound"])
    if style == "plain":
        return anyascii(name)
    if style == "umlauts":
        return "".join(_GERMAN_UMLAUTS.get(c, c) for c in name)
    if style == "compound":
        words = name.split()
        if len(words) == 2 and words[0][0].isupper():  # noqa: PLR2004 - two surnames
            return rng.choice([words[0], "-".join(words), name.replace(" ", "")])
        if "-" in name:
            return rng.choice([name.split("-", maxsplit=1)[0], name.replace("-", " ")])
    return name


# --- people --------------------------------------------------------------------------------------

_NATIONALITIES = {
    "cyrillic": ("RU", "UA", "BY", "KZ"),
    "greek": ("GR", "CY"),
    "chinese": ("CN", "TW", "HK", "SG"),
    "arabic": ("SY", "IQ", "EG", "LB", "JO", "SA", "MA", "YE"),
    "european": ("DE", "ES", "FR", "PL", "CZ", "HU", "DK", "PT", "TR", "IE", "NL", "AT"),
}
_CULTURES = tuple(_NATIONALITIES)


@dataclass(frozen=True, slots=True)
class Person:
    """An invented person: where the name comes from and its parts, before writing it out."""

    culture: str
    given: tuple[int | str, ...]  # the parts the culture's writer needs
    family: int | str
    female: bool
    born: date
    nationality: str


@dataclass(frozen=True, slots=True)
class Entry:
    """A watchlist entry as shipped."""

    id: str
    names: tuple[str, ...]
    date_of_birth: str | None
    nationality: str | None


@dataclass(frozen=True, slots=True)
class Pair:
    """A labelled pair: an applicant as they wrote their name, and a listed entry."""

    given_names: str
    family_name: str
    date_of_birth: str
    nationality: str
    entry_id: str
    same_person: bool
    kind: str  # which variant or which kind of near miss


def _person(rng: random.Random) -> Person:
    culture = rng.choice(_CULTURES)
    female = rng.random() < 0.4  # noqa: PLR2004 - a mix
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 45))
    nationality = rng.choice(_NATIONALITIES[culture])
    given: tuple[int | str, ...]
    family: int | str
    if culture == "cyrillic":
        given = (rng.choice(_RU_GIVEN_FEMALE if female else _RU_GIVEN_MALE),)
        surname = rng.choice(_RU_FAMILY)
        family = surname + "а" if female and surname.endswith(("ов", "ев", "ин", "ёв")) else surname
    elif culture == "greek":
        given = (rng.choice(_GR_GIVEN_FEMALE if female else _GR_GIVEN_MALE),)
        family = rng.choice(_GR_FAMILY)
    elif culture == "chinese":
        given = (rng.choice(_CN_GIVEN), rng.choice(_CN_GIVEN))
        family = rng.choice(_CN_FAMILY)
    elif culture == "arabic":
        pool = _AR_GIVEN_FEMALE if female else _AR_GIVEN_MALE
        given = (rng.randrange(len(pool)),)
        family = rng.randrange(len(_AR_FAMILY))
    else:
        given = (rng.choice(_EU_GIVEN_FEMALE if female else _EU_GIVEN_MALE),)
        family = rng.choice(_EU_FAMILY)
    return Person(culture, given, family, female, born, nationality)


def write_name(person: Person, rng: random.Random) -> tuple[str, str]:
    """One way the person's name is written: (given names, family name)."""
    if person.culture == "cyrillic":
        given = str(person.given[0])
        if person.nationality == "UA" and given in _UKRAINIAN and rng.random() < 0.5:  # noqa: PLR2004
            written = " ".join(
                _romanise(w, _CYRILLIC_SYSTEMS["ukrainian"])
                for w in (_UKRAINIAN[given], str(person.family))
            )
            first, last = written.split()
            return first, last
        written = _cyrillic(f"{given} {person.family}", rng)
        first, last = written.split()
        return first, last
    if person.culture == "greek":
        first, last = _greek(f"{person.given[0]} {person.family}", rng).split()
        return first, last
    if person.culture == "chinese":
        parts = (int(person.given[0]), int(person.given[1]))
        return _chinese(int(person.family), parts, rng)
    if person.culture == "arabic":
        pool = _AR_GIVEN_FEMALE if person.female else _AR_GIVEN_MALE
        given_forms = pool[int(person.given[0])]
        return _pick_form(given_forms, rng), _pick_form(_AR_FAMILY[int(person.family)], rng)
    return _european(str(person.given[0]), rng), _european(str(person.family), rng)


# --- slips ---------------------------------------------------------------------------------------

_KEYBOARD = "abcdefghijklmnopqrstuvwxyz"


def mistype(word: str, rng: random.Random) -> str:
    """The word with one slip: a letter left out, doubled, swapped with the next, or wrong."""
    if len(word) < 4:  # noqa: PLR2004 - short words are rarely mistyped
        return word
    at = rng.randrange(1, len(word) - 1)
    slip = rng.choice(["drop", "double", "swap", "wrong"])
    if slip == "drop":
        return word[:at] + word[at + 1 :]
    if slip == "double":
        return word[:at] + word[at] + word[at:]
    if slip == "swap":
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return word[:at] + rng.choice(_KEYBOARD) + word[at + 1 :]


def _mistyped(name: str, rng: random.Random) -> str:
    words = name.split()
    at = rng.randrange(len(words))
    words[at] = mistype(words[at], rng)
    return " ".join(words)


def _recased(name: str, rng: random.Random) -> str:
    return rng.choice([name.upper(), name.lower(), name])


# --- the data ------------------------------------------------------------------------------------


def people(seed: int = WATCHLIST_SEED, count: int = 3000) -> list[Person]:
    """The invented people behind the watchlist (same seed, same people)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    return [_person(rng) for _ in range(count)]


def watchlist(seed: int = WATCHLIST_SEED, count: int = 3000) -> list[Entry]:
    """The watchlist: each person under one or two written names, with what is known of them.

    Dates of birth are full for most, a year alone for some, missing for others;
    nationality is missing for some.
    """
    rng = random.Random(seed + 1_000_000)  # noqa: S311 - synthetic data, not secrets
    entries = []
    for number, person in enumerate(people(seed, count)):
        names = [" ".join(write_name(person, rng))]
        if rng.random() < 0.3:  # noqa: PLR2004 - an alias
            alias = " ".join(write_name(person, rng))
            if alias != names[0]:
                names.append(alias)
        known = rng.random()
        born = (
            person.born.isoformat()
            if known < 0.75  # noqa: PLR2004
            else str(person.born.year)
            if known < 0.9  # noqa: PLR2004
            else None
        )
        nationality = person.nationality if rng.random() < 0.85 else None  # noqa: PLR2004
        entries.append(Entry(f"SYN-{number + 1:05d}", tuple(names), born, nationality))
    return entries


def _applicant_dob(person: Person, rng: random.Random) -> date:
    born = person.born
    if born.day <= 12 and born.day != born.month and rng.random() < 0.1:  # noqa: PLR2004
        return date(born.year, born.day, born.month)  # day and month swapped on a form
    return born


def _positive(person: Person, entry: Entry, rng: random.Random) -> tuple[str, str, date, str, str]:
    given, family = write_name(person, rng)
    kinds = [person.culture]
    changes: list[tuple[str, Callable[[str, str], tuple[str, str]]]] = [
        ("typo", lambda g, f: (_mistyped(g, rng), f)),
        ("typo", lambda g, f: (g, _mistyped(f, rng))),
        ("swapped", lambda g, f: (f, g)),
        ("case", lambda g, f: (_recased(g, rng), _recased(f, rng))),
    ]
    for kind, change in changes:
        if rng.random() < 0.2:  # noqa: PLR2004
            given, family = change(given, family)
            kinds.append(kind)
    born = _applicant_dob(person, rng)
    nationality = person.nationality
    if rng.random() < 0.1:  # noqa: PLR2004 - a second nationality, the other one used
        nationality = rng.choice([n for n in _ALL_NATIONALITIES if n != person.nationality])
        kinds.append("other_nationality")
    del entry
    return given, family, born, nationality, "+".join(kinds)


_ALL_NATIONALITIES = tuple(sorted({n for codes in _NATIONALITIES.values() for n in codes}))


_NEAR_MISSES = (
    "same_family",
    "same_given",
    "same_culture",
    "namesake_other_year",
    "namesake_same_year",
)


def _negative(person: Person, entry: Entry, rng: random.Random) -> tuple[str, str, date, str, str]:
    """Someone else, close to the listed person: a near miss a matcher might take for them.

    A namesake is only made where the list gives enough of a date of birth to
    tell them apart (a full date for one born the same year, at least a year
    for one born in another); otherwise the near miss has another name.
    """
    other = _person(rng)
    while other.culture != person.culture or other.female != person.female:
        other = _person(rng)
    kind = rng.choice(_NEAR_MISSES)
    listed_dob = entry.date_of_birth or ""
    if kind == "namesake_same_year" and len(listed_dob) != len("YYYY-MM-DD"):
        kind = "same_family"
    if kind == "namesake_other_year" and not listed_dob:
        kind = "same_given"
    if kind == "same_family":
        other = replace(other, family=person.family)
    elif kind == "same_given":
        other = replace(other, given=person.given)
    elif kind == "namesake_other_year":
        shift = rng.choice([-7, -4, -2, -1, 1, 3, 5, 9])
        born = person.born.replace(year=person.born.year + shift, day=min(person.born.day, 28))
        other = replace(person, born=born)
    elif kind == "namesake_same_year":
        born = person.born
        # Another day of the same year, and not the same date read the other way round.
        while born == person.born or (born.month, born.day) == (person.born.day, person.born.month):
            born = date(person.born.year, rng.randint(1, 12), rng.randint(1, 28))
        other = replace(person, born=born)
    given, family = write_name(other, rng)
    if rng.random() < 0.2:  # noqa: PLR2004
        given, family = family, given
    return given, family, other.born, other.nationality, f"{person.culture}+{kind}"


def pairs(seed: int, *, watchlist_seed: int = WATCHLIST_SEED, count: int = 3000) -> list[Pair]:
    """Labelled pairs against the watchlist made from `watchlist_seed`: half true, half not.

    The same person is any of the variants above; the near misses are someone
    of the same origin with the same family name, the same given name, another
    name, or the same name but born in another year or on another day of the same
    year (`_negative`).
    """
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    listed = people(watchlist_seed)
    entries = watchlist(watchlist_seed)
    made = []
    for number in range(count):
        at = rng.randrange(len(listed))
        person, entry = listed[at], entries[at]
        same = number % 2 == 0
        given, family, born, nationality, kind = (
            _positive(person, entry, rng) if same else _negative(person, entry, rng)
        )
        made.append(Pair(given, family, born.isoformat(), nationality, entry.id, same, kind))
    return made


def watchlist_csv(entries: Sequence[Entry], *, seed: int = WATCHLIST_SEED) -> str:
    """The watchlist as shipped: a comment line saying it is synthetic, then CSV."""
    out = io.StringIO()
    out.write(HEADER.format(seed=seed) + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "names", "date_of_birth", "nationality"])
    for entry in entries:
        writer.writerow(
            [entry.id, "|".join(entry.names), entry.date_of_birth or "", entry.nationality or ""]
        )
    return out.getvalue()


def pairs_csv(made: Sequence[Pair], *, seed: int) -> str:
    """Labelled pairs as shipped: a comment line saying they are synthetic, then CSV."""
    out = io.StringIO()
    out.write(HEADER.format(seed=seed) + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["given_names", "family_name", "date_of_birth", "nationality", "entry_id", "same", "kind"]
    )
    for pair in made:
        writer.writerow(
            [
                pair.given_names,
                pair.family_name,
                pair.date_of_birth,
                pair.nationality,
                pair.entry_id,
                int(pair.same_person),
                pair.kind,
            ]
        )
    return out.getvalue()


def read_watchlist(text: str) -> list[Entry]:
    """Entries from the shipped CSV (`watchlist_csv`)."""
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return [
        Entry(
            row["id"],
            tuple(row["names"].split("|")),
            row["date_of_birth"] or None,
            row["nationality"] or None,
        )
        for row in rows
    ]


def read_pairs(text: str) -> list[Pair]:
    """Labelled pairs from the shipped CSV (`pairs_csv`)."""
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return [
        Pair(
            row["given_names"],
            row["family_name"],
            row["date_of_birth"],
            row["nationality"],
            row["entry_id"],
            row["same"] == "1",
            row["kind"],
        )
        for row in rows
    ]
