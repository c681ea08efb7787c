"""The attackers on released figures, long (issue 21); short versions run in the tests.

    .venv/bin/python benchmarks/attack.py [--seeds 3] [--draws 10] [--live-trials 1000]

On generated networks (tests/published_data.py) of a year: a busy library (10 visits
a day), a quiet one (2 a day) and one at 1 a day, in three languages (one of them
rare, 5 %), released by `skillcheck publish`. For each seed it prints:

- the LP attacker (tests/lp_attacker.py): small counts attacked and pinned (promise: 0);
- averaging over the whole catalogue (tests/catalogue_attackers.py): the RMSE of the
  best linear estimate of every small count over `--draws` draws of the keys, and the
  smallest standard error of any one small count (promise: both at least 1.5);
- the onlooker at the 2-a-day site: whole-result rate against the prior (promise:
  at most 1.2x);
- the relative RMS error of published counts (visits and completed): a busy site's
  month and year, the network's month (promise: 2 %, 0.5 %, 0.5 %);
- the live-diff attack: exports around one more visit, `--live-trials` times
  (promise: 0 shown).

docs/facilitators.md ("How safe and how precise") has the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

BUSY, QUIET, QUIETEST = "Busy library", "Quiet library", "Quietest library"


def network(seed: int):
    import published_data

    sites = [
        published_data.Site(BUSY, 10, "flanders"),
        published_data.Site(QUIET, 2, "wallonia"),
        published_data.Site(QUIETEST, 1, "brussels"),
    ]
    rng = random.Random(seed)
    languages = {"nl": 60, "fr": 35, "de": 5}
    return sites, published_data.generate(rng, sites, dt.date(2025, 1, 1), 365, languages)


def precision(db, rng, draws: int) -> dict[str, float]:
    import catalogue_attackers as attackers

    def pick(grouping, value, length):
        def select(cell, true):
            return (
                cell.grouping == grouping
                and cell.group_value == value
                and cell.area == 0
                and cell.measure in ("sessions", "completed")
                and len(cell.period) == length
            )

        return select

    return {
        "busy site, month": attackers.published_error(db, rng, draws, pick("site", BUSY, 7)),
        "busy site, year": attackers.published_error(db, rng, draws, pick("site", BUSY, 4)),
        "network, month": attackers.published_error(db, rng, draws, pick("network", "", 7)),
    }


def live_diff(folder: Path, sites, trials: int, rng: random.Random) -> int:
    """Trials in which two exports around one more visit differ (the promise: 0)."""
    import published_data
    from skillcheck.releases import publish
    from skillcheck.store import open_database

    quiet = [s for s in sites if s.name == QUIET]
    base = folder / "live.db"
    db = published_data.store(base, published_data.generate(rng, quiet, dt.date(2025, 1, 1), 140))
    today = dt.date(2025, 5, 20)
    publish(db, today)
    before = db.execute("SELECT * FROM released_cells ORDER BY 1, 2, 3, 4, 5, 6").fetchall()
    db.close()
    shown = 0
    for trial in range(trials):
        copy = folder / "trial.db"
        shutil.copy(base, copy)
        db = open_database(copy)
        first = dt.date(2025, 1, 1) if trial % 2 else today
        visit = [v for v in published_data.generate(rng, quiet * 3, first, 100) if v.completed][:1]
        published_data.add(db, visit)
        publish(db, today)
        after = db.execute("SELECT * FROM released_cells ORDER BY 1, 2, 3, 4, 5, 6").fetchall()
        shown += after != before
        db.close()
    return shown


def main(argv: list[str] | None = None) -> None:
    """Print the attackers' figures for each seed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--draws", type=int, default=10)
    parser.add_argument("--live-trials", type=int, default=1000)
    args = parser.parse_args(argv)

    import catalogue_attackers as attackers
    import published_data
    from lp_attacker import attack
    from skillcheck.releases import network_settings, publish
    from skillcheck.store import open_database

    prior = attackers.whole_result_prior(random.Random(5), 100_000)
    with tempfile.TemporaryDirectory(prefix="skillcheck-attack-") as name:
        folder = Path(name)
        for seed in range(args.seeds):
            started = time.perf_counter()
            sites, visits = network(seed)
            path = folder / f"network-{seed}.db"
            db = published_data.store(path, visits)
            publish(db, dt.date.today())
            db.close()
            print(f"seed {seed}: {len(visits):,} visits in 2025 at {len(sites)} sites", flush=True)
            db = open_database(path, read_only=True)
            onlooker = attackers.onlooker_attack(db, visits, QUIET, prior)
            catalogue = attackers.Catalogue.read(db)
            lp = attack(catalogue, network_settings(db).table, time_limit=600)
            db.close()
            print(
                f"  LP attacker: {lp.targets} small counts attacked, {len(lp.pinned)} pinned, "
                f"{len(lp.undecided)} undecided in 600 s"
            )
            print(
                f"  onlooker at 2 a day: {onlooker['published_rate']:.3f} against the prior's "
                f"{onlooker['prior_rate']:.3f} ({onlooker['ratio']:.2f}x, "
                f"{onlooker['trials']} visitors)"
            )
            db = open_database(path)
            rng = random.Random(seed)
            averaging = attackers.averaging_attack(db, rng, args.draws)
            print(
                f"  averaging the whole catalogue: {averaging['small_counts']} small counts, "
                f"RMSE {averaging['rmse']:.2f} over {args.draws} draws; the best-estimated "
                f"one's standard error {averaging['lowest_standard_error']:.2f}"
            )
            for what, error in precision(db, rng, args.draws).items():
                print(f"  relative RMS error, {what}: {100 * error:.2f} %")
            db.close()
            if seed == 0:
                shown = live_diff(folder, sites, args.live_trials, rng)
                print(f"  live diff: {shown} of {args.live_trials} trials showed anything")
            print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
