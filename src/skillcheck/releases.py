"""Published figures: closed periods only, released once, never changed.

`skillcheck publish` computes the whole **catalogue** of tables for every period that
has closed (its last day plus the network's grace days is in the past) and was not
released yet, perturbs every cell once (skillcheck.disclosure) and stores the values
in the release log (schema version 7). `export`, `report` and the staff screen read
only those stored values, so

- two exports never differ by a visitor who arrived in between (the live-diff
  attack of issue 21): an open period is not published at all, and a late arrival
  in a released period is counted by `stats` but never changes a published figure;
- a figure does not depend on who asks or how: every figure is one catalogue cell.

The catalogue (per period and scoring version; figures never mix scoring versions):

- periods: months, quarters and years (a quiet site's months are too small to show,
  its quarters or years are not: the rule in `reports`);
- groupings: the whole network, each site, each region, each language (never crossed
  with each other, never a day, week or terminal: each split makes cells smaller);
- in each: visits (sessions, completed, abandoned, each overall category) and, per
  DigComp area, completed visits and each level.

The threshold and the grace days belong to the network: stored in `network_settings`
at the first publish, only ever raised (`merge` keeps the highest).

One computation for both engines: a release is computed here, in Python, from plain
SQL with SQLite's `?` placeholders, on an SQLite file or on the central PostgreSQL
database (central.CentralWriter, the owner's login), so the same sessions give the
same released cells on both (issue 22).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlite_utils

from skillcheck.digcomp import AREA_RESULTS, CATEGORIES
from skillcheck.disclosure import (
    DEFAULT_THRESHOLD,
    KEY_RANGE,
    MAX_NOISE,
    MIN_THRESHOLD,
    PerturbationTable,
)
from skillcheck.errors import InputError
from skillcheck.schema import RELEASE_TABLES
from skillcheck.store import write_transaction

if TYPE_CHECKING:
    from skillcheck.central import CentralWriter

PERIOD_KINDS = ("month", "quarter", "year")
GROUPINGS = ("network", "site", "region", "language")
NETWORK = ""  # the group value of the network's own cells
VISIT_MEASURES = ("sessions", "completed", "abandoned", *CATEGORIES)
LEVEL_MEASURES = ("completed", *AREA_RESULTS)
VISITS = 0  # the `area` of the visits table's cells

DEFAULT_GRACE_DAYS = 14  # long enough for a spool flush and a weekly push
THRESHOLD, GRACE_DAYS = "threshold", "grace_days"


class PublishError(InputError, ValueError):
    """A publish option that cannot be used (one line, exit 2 on the CLI)."""


# --- periods ------------------------------------------------------------------------


def period_kind(period: str) -> str:
    """month ("2026-03"), quarter ("2026-Q1") or year ("2026")."""
    if len(period) == 4:
        return "year"
    return "quarter" if "Q" in period else "month"


def period_of(day: str, kind: str) -> str:
    """The period of `kind` a YYYY-MM-DD day falls in."""
    if kind == "month":
        return day[:7]
    if kind == "quarter":
        return f"{day[:4]}-Q{(int(day[5:7]) - 1) // 3 + 1}"
    return day[:4]


def period_days(period: str) -> tuple[str, str]:
    """The first and last day of a period."""
    kind = period_kind(period)
    year = int(period[:4])
    if kind == "year":
        return f"{year}-01-01", f"{year}-12-31"
    if kind == "quarter":
        first_month = 3 * (int(period[-1]) - 1) + 1
        months = 3
    else:
        first_month, months = int(period[5:7]), 1
    first = dt.date(year, first_month, 1)
    after = dt.date(year + (first_month + months - 1) // 12, (first_month + months - 1) % 12 + 1, 1)
    return first.isoformat(), (after - dt.timedelta(days=1)).isoformat()


def parse_period(text: str) -> str:
    """A period as given on the command line (2026-03, 2026-Q1, 2026), checked."""
    text = text.strip().upper()
    try:
        if len(text) == 4 and text.isdigit():
            return text
        if len(text) == 7 and text[4:6] == "-Q" and text[6] in "1234":
            int(text[:4])
            return text
        dt.date.fromisoformat(text + "-01")
        if len(text) == 7:
            return text
    except ValueError:
        pass
    raise PublishError(f"{text!r} is not a period: write 2026-03, 2026-Q1 or 2026")


def is_closed(period: str, today: dt.date, grace_days: int) -> bool:
    """A period is closed once its last day plus the grace days are over."""
    last = dt.date.fromisoformat(period_days(period)[1])
    return last + dt.timedelta(days=grace_days) < today


def periods_between(first_day: str, last_day: str) -> Iterator[str]:
    """Every month, quarter and year that holds a day from first_day to last_day."""
    seen: set[str] = set()
    day = dt.date.fromisoformat(first_day[:7] + "-01")
    end = dt.date.fromisoformat(last_day)
    while day <= end:
        for kind in PERIOD_KINDS:
            period = period_of(day.isoformat(), kind)
            if period not in seen:
                seen.add(period)
                yield period
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


# --- the network's settings --------------------------------------------------------


@dataclass(frozen=True)
class NetworkSettings:
    """The threshold and grace days every release of this database uses."""

    threshold: int = DEFAULT_THRESHOLD
    grace_days: int = DEFAULT_GRACE_DAYS
    stored: bool = False  # False until the first publish

    @property
    def table(self) -> PerturbationTable:
        """The perturbation table of this network."""
        return PerturbationTable(self.threshold, MAX_NOISE)


def network_settings(db: sqlite_utils.Database) -> NetworkSettings:
    """The stored settings, or the defaults before the first publish."""
    rows = dict(db.execute("SELECT name, value FROM network_settings").fetchall())
    if not rows:
        return NetworkSettings()
    return NetworkSettings(
        threshold=int(rows.get(THRESHOLD, DEFAULT_THRESHOLD)),
        grace_days=int(rows.get(GRACE_DAYS, DEFAULT_GRACE_DAYS)),
        stored=True,
    )


def settled_settings(
    current: NetworkSettings, min_count: int | None, grace_days: int | None
) -> NetworkSettings:
    """The settings after a publish asking for `min_count` and `grace_days`: set the
    first time, only raised after that (a lower value is refused with one line)."""
    threshold, grace = current.threshold, current.grace_days
    if min_count is not None:
        if min_count < MIN_THRESHOLD:
            raise PublishError(f"--min-count must be at least {MIN_THRESHOLD}, not {min_count}")
        if current.stored and min_count < current.threshold:
            raise PublishError(
                f"--min-count {min_count}: this network's threshold is {current.threshold}; "
                "it can only be raised"
            )
        threshold = min_count
    if grace_days is not None:
        if grace_days < 1:
            raise PublishError(f"--grace-days must be at least 1, not {grace_days}")
        if current.stored and grace_days < current.grace_days:
            raise PublishError(
                f"--grace-days {grace_days}: this network waits {current.grace_days} days; "
                "it can only be raised"
            )
        grace = grace_days
    return NetworkSettings(threshold, grace, stored=True)


# --- computing the catalogue -------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One cell of the catalogue before it is perturbed."""

    period: str
    scoring_version: int
    grouping: str
    group_value: str
    area: int
    measure: str
    count: int
    key_sum: int


def _daily_sums(db, table: str, columns: str, first: str, last: str) -> Iterator[tuple]:
    """One daily count table summed over the days first..last by scoring version,
    place and `columns` (two): (version, place, column 1, column 2, sessions, key sum),
    the place being the four groupings a cell can be published under."""
    rows = db.execute(
        f"SELECT scoring_version, site, region, language, {columns}, sum(sessions), "
        f"sum(key_sum) FROM {table} WHERE day BETWEEN ? AND ? GROUP BY 1, 2, 3, 4, 5, 6",
        [first, last],
    )
    for version, site, region, language, one, two, sessions, key_sum in rows:
        place = (("network", NETWORK), ("site", site), ("region", region), ("language", language))
        # int(): PostgreSQL sums BIGINT key sums as NUMERIC (a Decimal in Python).
        yield version, place, one, two, int(sessions), int(key_sum)


def catalogue_cells(db: sqlite_utils.Database, period: str) -> list[Cell]:
    """Every cell of the catalogue for one period, with true counts and key sums,
    summed from the daily count tables (a key sum of a union is the sum of key sums)."""
    first, last = period_days(period)
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])

    def add(version, place, area, measure, sessions, key_sum):
        for grouping, value in place:
            cell = counts[(version, grouping, value, area, measure)]
            cell[0] += sessions
            cell[1] += key_sum

    for version, place, status, category, sessions, key_sum in _daily_sums(
        db, "daily_sessions", "status, category", first, last
    ):
        add(version, place, VISITS, "sessions", sessions, key_sum)
        add(version, place, VISITS, status, sessions, key_sum)
        if status == "completed" and category:
            add(version, place, VISITS, category, sessions, key_sum)
    for version, place, area, level, sessions, key_sum in _daily_sums(
        db, "daily_levels", "area, level", first, last
    ):
        add(version, place, area, "completed", sessions, key_sum)
        add(version, place, area, level, sessions, key_sum)
    return [
        Cell(period, version, grouping, value, area, measure, count, key_sum)
        for (version, grouping, value, area, measure), (count, key_sum) in counts.items()
    ]


# --- publishing -------------------------------------------------------------------


@dataclass(frozen=True)
class PublishResult:
    """What one `skillcheck publish` released."""

    release: int | None  # None when nothing was closed and unreleased
    periods: tuple[str, ...]
    cells: int
    settings: NetworkSettings
    waiting: tuple[str, ...]  # periods with sessions that are not closed yet


def publish(
    db: sqlite_utils.Database | CentralWriter,
    today: dt.date,
    *,
    min_count: int | None = None,
    grace_days: int | None = None,
) -> PublishResult:
    """Release every closed, unreleased period's whole catalogue once, in one transaction.

    `db` is an SQLite file or the central database as its owner
    (central.open_for_publishing gives either); both run the same statements here.
    A period with sessions is released when it has closed; its cells never change
    afterwards. Returns what was released (nothing is an answer, not an error).
    """
    with _writing(db) as conn:
        # Read in the transaction (after the central lock): a clock run ahead on the
        # owner's laptop cannot close the server's live month (issue 22).
        today = network_today(db, today)
        settings = settled_settings(network_settings(conn), min_count, grace_days)
        # settled_settings refused a lower value, in this same transaction: the new
        # value is the highest (SQLite's max(a, b) is GREATEST on PostgreSQL).
        conn.execute(
            "INSERT INTO network_settings (name, value) VALUES (?, ?), (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            [THRESHOLD, settings.threshold, GRACE_DAYS, settings.grace_days],
        )
        first, last = conn.execute("SELECT min(day), max(day) FROM daily_sessions").fetchone()
        released = {row[0] for row in conn.execute("SELECT period FROM released_periods")}
        due, waiting = [], []
        if first is not None:
            for period in periods_between(first, last):
                if period in released:
                    continue
                (due if is_closed(period, today, settings.grace_days) else waiting).append(period)
        if not due:
            return PublishResult(None, (), 0, settings, tuple(waiting))
        release = conn.execute("SELECT coalesce(max(release), 0) + 1 FROM releases").fetchone()[0]
        conn.execute(
            "INSERT INTO releases (release, released_on, threshold, max_noise, grace_days) "
            "VALUES (?, ?, ?, ?, ?)",
            [release, today.isoformat(), settings.threshold, MAX_NOISE, settings.grace_days],
        )
        table = settings.table
        cells = 0
        for period in due:
            conn.execute(
                "INSERT INTO released_periods (period, release) VALUES (?, ?)", [period, release]
            )
            rows = [
                (
                    c.period, c.scoring_version, c.grouping, c.group_value, c.area, c.measure,
                    table.perturb(c.count, c.key_sum), c.key_sum % KEY_RANGE,
                )
                for c in catalogue_cells(conn, period)
            ]  # fmt: skip
            conn.executemany(
                "INSERT INTO released_cells (period, scoring_version, grouping, group_value, "
                "area, measure, value, cell_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            cells += len(rows)
    return PublishResult(release, tuple(due), cells, settings, tuple(waiting))


@contextmanager
def _writing(db: sqlite_utils.Database | CentralWriter) -> Iterator[Any]:
    """One write transaction on either engine; yields what answers `execute` and
    `executemany` with `?` placeholders (SQLite's connection, or the CentralWriter)."""
    if isinstance(db, sqlite_utils.Database):
        with write_transaction(db.conn):
            yield db.conn
    else:
        # The release log locked first: a second publish waits for this one; readers
        # (export, report) go on.
        with db.transaction(locking=RELEASE_TABLES) as writer:
            yield writer


# --- reading what was released -------------------------------------------------------


@dataclass(frozen=True)
class ReleasedCell:
    """A published cell as exports read it."""

    period: str
    scoring_version: int
    grouping: str
    group_value: str
    area: int
    measure: str
    value: int
    cell_key: int


def released_periods(db: sqlite_utils.Database) -> dict[str, int]:
    """Every released period and the release it came with."""
    return dict(db.execute("SELECT period, release FROM released_periods").fetchall())


def release_thresholds(db: sqlite_utils.Database) -> dict[str, int]:
    """The threshold each released period was published with."""
    return dict(
        db.execute(
            "SELECT p.period, r.threshold FROM released_periods p "
            "JOIN releases r ON r.release = p.release"
        ).fetchall()
    )


def read_cells(
    db: sqlite_utils.Database, periods: list[str], groupings: tuple[str, ...]
) -> list[ReleasedCell]:
    """The released cells of these periods and groupings."""
    if not periods:
        return []
    marks = ", ".join("?" * len(periods))
    kinds = ", ".join("?" * len(groupings))
    rows = db.execute(
        "SELECT period, scoring_version, grouping, group_value, area, measure, value, cell_key "
        f"FROM released_cells WHERE period IN ({marks}) AND grouping IN ({kinds}) "
        "ORDER BY 1, 2, 3, 4, 5, 6",
        [*periods, *groupings],
    )
    return [ReleasedCell(*row) for row in rows]


def last_released_period(db: sqlite_utils.Database, kind: str = "month") -> str | None:
    """The latest released period of a kind (None before the first publish)."""
    periods = [p for p in released_periods(db) if period_kind(p) == kind]
    return max(periods) if periods else None


def network_today(db: Any, today: dt.date) -> dt.date:
    """The day that decides which periods have closed: `today` (the caller's clock) on
    an SQLite file; on the central database the earlier of it and the server's
    `current_date`, so a terminal or laptop whose clock runs ahead can never publish
    (or let `items` read) a period that is still live on the server. A server clock
    ahead of a right local one changes nothing either: the earlier date wins."""
    if isinstance(db, sqlite_utils.Database):
        return today
    (server,) = db.execute("SELECT current_date").fetchone()
    return min(today, server)


def closed_until(db: sqlite_utils.Database, today: dt.date) -> str:
    """The last day of the last closed month (for `items`, which reads true answers);
    on the central database by network_today."""
    today = network_today(db, today)
    grace = network_settings(db).grace_days
    month = dt.date(today.year, today.month, 1)
    while not is_closed(month.isoformat()[:7], today, grace):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return period_days(month.isoformat()[:7])[1]
