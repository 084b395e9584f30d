"""The synthetic watchlist and labelled pairs: the same seed makes the same bytes."""

from __future__ import annotations

import random
from collections import Counter
from importlib.resources import files

from rapidfuzz.distance import OSA

from yms.applications.domain.screening import synthetic


def shipped(name: str) -> str:
    return files("yms.applications").joinpath("data", "screening", name).read_text("utf-8")


def test_the_same_seed_makes_the_same_bytes() -> None:
    first = synthetic.watchlist_csv(synthetic.watchlist(7, count=200), seed=7)
    again = synthetic.watchlist_csv(synthetic.watchlist(7, count=200), seed=7)
    assert first.encode() == again.encode()
    other = synthetic.watchlist_csv(synthetic.watchlist(8, count=200), seed=8)
    assert other != first
    pairs = synthetic.pairs_csv(synthetic.pairs(5, count=300), seed=5)
    assert pairs == synthetic.pairs_csv(synthetic.pairs(5, count=300), seed=5)
    assert pairs != synthetic.pairs_csv(synthetic.pairs(6, count=300), seed=6)


def test_the_shipped_files_are_what_their_seeds_make() -> None:
    assert shipped("watchlist.csv") == synthetic.watchlist_csv(
        synthetic.watchlist(synthetic.WATCHLIST_SEED), seed=synthetic.WATCHLIST_SEED
    )
    assert shipped("pairs-tuning.csv") == synthetic.pairs_csv(
        synthetic.pairs(synthetic.TUNING_SEED), seed=synthetic.TUNING_SEED
    )
    assert shipped("pairs-held-out.csv") == synthetic.pairs_csv(
        synthetic.pairs(synthetic.HELD_OUT_SEED), seed=synthetic.HELD_OUT_SEED
    )


def test_every_shipped_file_says_it_is_synthetic() -> None:
    for name in ("watchlist.csv", "pairs-tuning.csv", "pairs-held-out.csv"):
        assert shipped(name).startswith("# Synthetic data: every name, date of birth and entry")
    assert "Every name, date of birth and nationality in these files is invented" in shipped(
        "README.md"
    )


def test_the_files_read_back_as_written() -> None:
    entries = synthetic.watchlist(3, count=50)
    assert synthetic.read_watchlist(synthetic.watchlist_csv(entries, seed=3)) == entries
    made = synthetic.pairs(4, watchlist_seed=3, count=80)
    assert synthetic.read_pairs(synthetic.pairs_csv(made, seed=4)) == made


def test_the_pairs_hold_every_kind_of_variant_and_near_miss() -> None:
    made = synthetic.read_pairs(shipped("pairs-held-out.csv"))
    kinds: Counter[str] = Counter()
    for pair in made:
        kinds.update(f"{pair.same_person}:{part}" for part in pair.kind.split("+"))
    for origin in ("cyrillic", "greek", "chinese", "arabic", "european"):
        assert kinds[f"True:{origin}"] > 100
        assert kinds[f"False:{origin}"] > 100
    for variant in ("typo", "swapped", "case", "other_nationality"):
        assert kinds[f"True:{variant}"] > 50
    for near_miss in synthetic._NEAR_MISSES:
        assert kinds[f"False:{near_miss}"] > 50
    assert 0.4 < sum(p.same_person for p in made) / len(made) < 0.6


def test_the_watchlist_holds_the_romanisations_it_promises() -> None:
    names = " ".join(name for e in synthetic.watchlist() for name in e.names)
    for spelling in ("Shcherbakov", "Chtcherbakov", "Schtscherbakow", "Ščerbakov", "Щербаков"):
        assert spelling in names
    for spelling in ("Mohammed", "Muhammad", "Mohamed", "al-", "el-"):
        assert spelling in names
    for spelling in ("Müller", "Mueller", "García López", "Gómez-Herrera", "Gómez Herrera"):
        assert spelling in names
    for spelling in ("Hsiao", "Xiao", "Ch'"):
        assert spelling in names


def test_a_mistyped_word_differs_by_one_slip() -> None:
    rng = random.Random(1)  # noqa: S311 - slips, not secrets
    slips = {synthetic.mistype("shcherbakov", rng) for _ in range(200)}
    assert all(OSA.distance(slipped, "shcherbakov") <= 1 for slipped in slips)
    assert len(slips) > 50  # letters dropped, doubled, swapped and wrong, all over the word
    assert synthetic.mistype("Li", rng) == "Li"  # too short to mistype
