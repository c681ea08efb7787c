"""How many stored sessions someone could single out: the share unique on what they know.

    .venv/bin/python benchmarks/uniqueness.py [--per-day 1,2,5,10,25,100] [--sites 12] [--days 60]

Builds realistic databases with benchmarks/build_db.py (--per-day sessions per site and
day on average, weekends lighter) and counts, for each set of quasi-identifiers below,
the share of sessions that no other session shares. A unique session is one whose
result (category, levels, answers) anyone holding the database can read off once they
know those fields about a person. Schema 4 kept the exact `duration_minutes` (issue 11
measured 87.5 % on 200,000 sessions), schema 5 a band (under 5, 5 to 10, over 10
minutes), schema 6 no duration; the generator hands over each session's minutes for
the older ones. Uniqueness is not all: a visitor need not be unique to be read. For
each set it also counts **homogeneity**, the share of completed sessions whose group
(everyone sharing those fields) all have the same overall category (the category is
learned) or the same whole result, category and level in every area (the whole result
is learned). docs/facilitators.md ("How unique is a stored session?") has the figures.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent

# What never differs between two sessions of one site and day (region follows from
# the site; bank and scoring versions change once per upgrade) is in every "now" set.
# `clock` (schema 7) is judged by a terminal's clock: the same for all its sessions of a day.
SAME_FOR_A_SITE_AND_DAY = ("region", "bank_version", "scoring_version", "clock")

# name -> the fields it is made of; "items_if_abandoned" is items_answered for an
# abandoned session and nothing for a completed one, whose count of items answered
# follows from its answers (the kiosk skips harder items when the basic ones were not
# mastered) and is part of its result, not something anyone sees. "band" is the
# duration band schema 5 stored (under 5, 5 to 10, over 10 minutes), from the minutes.
BEFORE = "schema 4: day, site, language, status, items answered, minutes (issue 11)"
BEFORE_ONLOOKER = "schema 4, what an onlooker knows: + terminal, minutes, items if abandoned"
V5_ONLOOKER = "schema 5, what an onlooker knows: minutes as a band"
ONLOOKER = "now (schema 6), what an onlooker knows: no duration at all"
ALL_STORED = "now, a session's row but its result: all stored columns but category, id, key"
FLOOR = "floor: day, site, terminal, language (what every report is grouped by)"
ONLOOKER_FIELDS = ("day", "site", "terminal", "language", "status", "items_if_abandoned")
QUASI_IDENTIFIERS: dict[str, tuple[str, ...]] = {
    BEFORE: ("day", "site", "language", "status", "items_answered", "minutes"),
    BEFORE_ONLOOKER: (*ONLOOKER_FIELDS, "minutes"),
    V5_ONLOOKER: (*ONLOOKER_FIELDS, "band", *SAME_FOR_A_SITE_AND_DAY),
    ONLOOKER: (*ONLOOKER_FIELDS, *SAME_FOR_A_SITE_AND_DAY),
    ALL_STORED: (
        "day", "site", "terminal", "language", "status", "items_answered",
        *SAME_FOR_A_SITE_AND_DAY,
    ),
    FLOOR: ("day", "site", "terminal", "language"),
}  # fmt: skip


def band(minutes: int) -> str:
    """Schema 5's duration band of a whole number of minutes: 0-4, 5-10, 11 and more."""
    return "under_5" if minutes < 5 else "5_to_10" if minutes <= 10 else "over_10"


def unique_shares(database: Path, minutes: dict[str, int]) -> dict[str, tuple[float, ...]]:
    """Per quasi-identifier set: (share of all sessions unique, share of completed ones
    unique, share of completed ones whose category is learned, whose whole result is)."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        rows = [dict(r) for r in conn.execute("SELECT * FROM sessions")]
        levels: dict[str, list[tuple[int, str]]] = {}
        for session_id, area, level in conn.execute(
            "SELECT session_id, area, level FROM area_results ORDER BY 1, 2"
        ):
            levels.setdefault(session_id, []).append((area, level))
    finally:
        conn.close()
    for row in rows:
        row["minutes"] = minutes[row["id"]]
        row["band"] = band(row["minutes"])
        row["items_if_abandoned"] = row["items_answered"] if row["status"] == "abandoned" else None
        row["whole_result"] = (row["category"], tuple(levels.get(row["id"], ())))
    completed = sum(r["status"] == "completed" for r in rows)
    shares = {}
    for name, fields in QUASI_IDENTIFIERS.items():
        keys = [tuple(r[f] for f in fields) for r in rows]
        seen = Counter(keys)
        categories: dict[tuple, set] = {}
        results: dict[tuple, set] = {}
        for key, row in zip(keys, rows, strict=True):
            if row["status"] == "completed":
                categories.setdefault(key, set()).add(row["category"])
                results.setdefault(key, set()).add(row["whole_result"])
        alone = [seen[k] == 1 for k in keys]
        done = [
            (k, a) for k, a, r in zip(keys, alone, rows, strict=True) if r["status"] == "completed"
        ]
        alone_completed = sum(a for _, a in done)
        # Learned: every completed session sharing the fields has the same value (a group
        # of one included); abandoned sessions of the group carry no result to confuse.
        category_learned = sum(len(categories[k]) == 1 for k, _ in done)
        result_learned = sum(len(results[k]) == 1 for k, _ in done)
        shares[name] = (
            sum(alone) / len(rows),
            *(
                n / completed if completed else 0.0
                for n in (alone_completed, category_learned, result_learned)
            ),
        )
    return shares


def build_and_measure(
    folder: Path, per_day: int, *, sites: int = 12, days: int = 60, seed: int = 2025
) -> tuple[int, dict[str, tuple[float, ...]]]:
    """A database of about `per_day` sessions per site and day; (sessions, shares)."""
    sys.path.insert(0, str(HERE))
    from build_db import build

    sessions = per_day * sites * days
    minutes: dict[str, int] = {}
    path = folder / f"unique-{per_day}-{sites}-{days}-{seed}.db"
    build(
        path,
        sessions,
        answers=False,
        seed=seed,
        sites=sites,
        days=days,
        durations=minutes.__setitem__,
    )
    return sessions, unique_shares(path, minutes)


def main(argv: list[str] | None = None) -> None:
    """Print one table per traffic level (Markdown, for docs/facilitators.md)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-day", default="1,2,5,10,25,100", help="sessions per site and day")
    parser.add_argument("--sites", type=int, default=12)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    levels = [int(n) for n in args.per_day.split(",")]
    with tempfile.TemporaryDirectory(prefix="skillcheck-unique-") as folder:
        results = [
            build_and_measure(Path(folder), n, sites=args.sites, days=args.days, seed=args.seed)
            for n in levels
        ]
    for (sessions, shares), n in zip(results, levels, strict=True):
        print(f"\n{n} a site a day ({sessions:,} sessions)\n")
        print(
            "| a holder of the database who knows | unique | unique (completed) "
            "| category learned | whole result learned |"
        )
        print("|---|---|---|---|---|")
        for name in QUASI_IDENTIFIERS:
            cells = " | ".join(f"{100 * share:.1f} %" for share in shares[name])
            print(f"| {name} | {cells} |")
    print("\n(learned: every completed session sharing those fields has the same category,")
    print("or the same category and level in every area; a unique session included)")


if __name__ == "__main__":
    main()
