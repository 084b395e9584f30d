"""Write the synthetic watchlist and labelled pairs that ship with yms, from fixed seeds.

    python scripts/make_screening_data.py          # write them
    python scripts/make_screening_data.py --check  # fail if the shipped files differ

Every name and date in them is invented (yms.applications.domain.screening.synthetic).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from yms.applications.domain.screening import synthetic

DATA = Path(__file__).resolve().parent.parent / "src/yms/applications/data/screening"


def files() -> dict[str, str]:
    """Each shipped file's name and the text the fixed seeds make of it."""
    return {
        "watchlist.csv": synthetic.watchlist_csv(
            synthetic.watchlist(synthetic.WATCHLIST_SEED), seed=synthetic.WATCHLIST_SEED
        ),
        "pairs-tuning.csv": synthetic.pairs_csv(
            synthetic.pairs(synthetic.TUNING_SEED), seed=synthetic.TUNING_SEED
        ),
        "pairs-held-out.csv": synthetic.pairs_csv(
            synthetic.pairs(synthetic.HELD_OUT_SEED), seed=synthetic.HELD_OUT_SEED
        ),
    }


def main() -> int:
    """Write the files, or with --check say which differ from what the seeds make."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    check = parser.parse_args().check
    stale = []
    for name, text in files().items():
        path = DATA / name
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
    for name in stale:
        print(f"{name} differs from what its seed makes", file=sys.stderr)  # noqa: T201
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
