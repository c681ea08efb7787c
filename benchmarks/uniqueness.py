"""How many stored sessions someone could single out: the share unique on what they know.

    .venv/bin/python benchmarks/uniqueness.py [--per-day 5,10,25,100] [--sites 12] [--days 60]

Builds realistic databases with benchmarks/build_db.py (--per-day sessions per site and
day on average, weekends lighter) and counts, for each set of quasi-identifiers below,
the share of sessions that no other session shares. A unique session is one whose
result (category, levels, answers) anyone holding the database can read off once they
know those fields about a person. Schema 4 kept the exact `duration_minutes` (issue 11
measured 87.5 % on 200,000 sessions), schema 5 a band (under 5, 5 to 10, over 10
minutes), schema 6 no duration; the generator hands over each session's minutes for
the older ones. docs/facilitators.md ("How unique is a stored session?") has the
figures.
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


def unique_shares(database: Path, minutes: dict[str, int]) -> dict[str, tuple[float, float]]:
    """Per quasi-identifier set: (share of all sessions, share of completed ones) unique."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        rows = [dict(r) for r in conn.execute("SELECT * FROM sessions")]
    finally:
        conn.close()
    for row in rows:
        row["minutes"] = minutes[row["id"]]
        row["band"] = band(row["minutes"])
        row["items_if_abandoned"] = row["items_answered"] if row["status"] == "abandoned" else None
    completed = sum(r["status"] == "completed" for r in rows)
    shares = {}
    for name, fields in QUASI_IDENTIFIERS.items():
        keys = [tuple(r[f] for f in fields) for r in rows]
        seen = Counter(keys)
        alone = [seen[k] == 1 for k in keys]
        pairs = zip(alone, rows, strict=True)
        alone_completed = sum(a for a, r in pairs if r["status"] == "completed")
        shares[name] = (sum(alone) / len(rows), alone_completed / completed if completed else 0.0)
    return shares


def build_and_measure(
    folder: Path, per_day: int, *, sites: int = 12, days: int = 60, seed: int = 2025
) -> tuple[int, dict[str, tuple[float, float]]]:
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
    parser.add_argument("--per-day", default="5,10,25,100", help="sessions per site and day")
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
    header = " | ".join(f"{n}/site/day ({s:,})" for n, (s, _) in zip(levels, results, strict=True))
    print(f"| unique on | {header} |")
    print("|---|" + "---|" * len(levels))
    for name in QUASI_IDENTIFIERS:
        cells = " | ".join(
            f"{100 * shares[name][0]:.1f} % ({100 * shares[name][1]:.1f} %)"
            for _, shares in results
        )
        print(f"| {name} | {cells} |")
    print("(in brackets: the share of completed sessions, the ones that carry a result)")


if __name__ == "__main__":
    main()
