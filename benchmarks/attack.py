"""The combined-exports attacker on more seeds and longer periods, and the method's error.

    .venv/bin/python benchmarks/attack.py [--seeds 5] [--days 15] [--random]
    .venv/bin/python benchmarks/attack.py --errors bench.db

The first form runs tests/lp_attacker.py (a mixed-integer program over every
published cell of nine exports) on generated databases and prints how many small
counts it attacked and how many it pinned down (the promise: none). The second
compares published figures with the true counts on a database (for the error table
of docs/facilitators.md).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


class _TrueCounts:
    """Stands in for the perturbation table: the true count."""

    def perturb(self, count: int, key_sum: int) -> int:
        return count


def random_exports(db, day_list, rng, count: int = 8):
    """`count` exports with random periods, groupings, windows and thresholds."""
    from skillcheck.reports import Filters, build_export

    asks = []
    for _ in range(count):
        first, last = sorted(rng.sample(range(len(day_list)), 2))
        group = [g for g in ("site", "terminal", "region", "language") if rng.random() < 0.4]
        if rng.random() < 0.4:
            group.append("area")
        asks.append(
            build_export(
                db,
                by=rng.choice(["day", "week", "month"]),
                group=group,
                filters=Filters(since=day_list[first], until=day_list[last]),
                min_count=rng.choice([5, 7, 10, 15]),
            )
        )
    return asks


def attack(seeds: int, days: int, random_mix: bool = False) -> None:
    """Run the LP attacker on `seeds` generated databases of `days` days."""
    import random

    import test_disclosure as scenario
    from lp_attacker import Attack

    for seed in range(seeds):
        started = time.perf_counter()
        day_list = scenario._days("2026-01-26", days)
        db, sessions, levels = scenario.generated(100 + seed, day_list)
        if random_mix:
            exports = random_exports(db, day_list, random.Random(seed))
        else:
            exports = scenario.scenario_exports(db, day_list)
        places = sorted(set(scenario.PLACES))
        program = Attack(places, day_list, [t.min_count for t in exports], sessions, levels)
        targets = []
        for table in exports:
            targets += program.add_export(table, places, day_list)
        targets += [(f"base {c}", [program.index[c]]) for c in program.cells]
        assert program.check(program.truth_point(scenario.generated.key_sums)) == []
        result = program.run(targets, threshold=max(t.min_count for t in exports))
        print(
            f"seed {100 + seed}, {days} days: {result.targets} small counts attacked, "
            f"{len(result.pinned)} pinned, {result.solves} solves, "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
        for name, true in result.pinned:
            print(f"  PINNED {name} = {true}")


def errors(database: Path, min_count: int = 10) -> None:
    """Published against true counts for the usual funder tables."""
    from skillcheck.disclosure import PerturbationTable
    from skillcheck.reports import PERCENT_MIN_BASE, Filters, _aggregate, _normalise_group
    from skillcheck.store import open_database

    db = open_database(database, read_only=True)
    filters = Filters(since="2026-01-01", until="2026-06-30")
    shares = []
    print("| table | cells | typical true visits | published − true: RMS (visits) | RMS relative |")
    print("|---|---|---|---|---|")
    for by, group, label in (
        ("month", (), "network, per month"),
        ("month", ("region",), "per region and month"),
        ("month", ("site",), "per site and month"),
        ("week", ("site",), "per site and week"),
        ("month", ("site", "language"), "per site, language and month"),
        ("day", ("site",), "per site and day"),
    ):
        group = _normalise_group(group)
        columns, published = _aggregate(db, by, group, filters, PerturbationTable(min_count))
        _, true = _aggregate(db, by, group, filters, _TrueCounts())
        differences, relative, sizes = [], [], []
        for key, counts in true.items():
            visits = counts[0]
            shown = published.get(key, [0] * len(columns))[0]
            differences.append(shown - visits)
            relative.append((shown - visits) / visits)
            sizes.append(visits)
        rms = math.sqrt(sum(d * d for d in differences) / len(differences))
        rel = math.sqrt(sum(r * r for r in relative) / len(relative))
        sizes.sort()
        print(f"| {label} | {len(sizes):,} | {sizes[len(sizes) // 2]:,} | {rms:.1f} | {rel:.1%} |")
        if by == "month" and group in ((), ("site",), ("region",)):
            good = [columns.index(c) for c in ("above_basic", "basic")]
            done = columns.index("completed")
            points = []
            for key, counts in true.items():
                shown = published.get(key)
                if shown and shown[done] >= PERCENT_MIN_BASE * min_count:
                    share = sum(shown[i] for i in good) / shown[done]
                    points.append(share - sum(counts[i] for i in good) / counts[done])
            error = math.sqrt(sum(p * p for p in points) / len(points))
            shares.append(f"{label}: ±{100 * error:.2f} percentage points (RMS)")
    print()
    print("at least basic %: " + "; ".join(shares))
    db.close()


def main(argv: list[str] | None = None) -> None:
    """Command line: see the module's docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--days", type=int, default=15)
    parser.add_argument("--errors", type=Path, default=None, metavar="DB")
    parser.add_argument("--min-count", type=int, default=10)
    parser.add_argument(
        "--random", action="store_true", help="random combinations instead of the scenarios"
    )
    args = parser.parse_args(argv)
    if args.errors:
        errors(args.errors, args.min_count)
    else:
        attack(args.seeds, args.days, args.random)


if __name__ == "__main__":
    main()
