"""Facilitator reporting: the terminal summary, aggregate exports for funders with
small-cell suppression, CSV/JSON writers (merge and backup: copies.py).

Every count is summed in SQL from the per-day tables `daily_sessions` and
`daily_levels` (schema version 3, kept up to date by triggers), never from the
million rows of `sessions`; Python only reshapes the grouped rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import sqlite_utils

from skillcheck.digcomp import AREAS, LEVELS
from skillcheck.digcomp import CATEGORIES_HIGH_FIRST as CATEGORIES
from skillcheck.store import open_database

PERIODS = ("day", "week", "month")
GROUPS = ("site", "terminal", "language", "area")
TOTAL = "total"  # the key of total rows, in place of a period or group value


SESSION_COLUMNS = ("sessions", "completed", "abandoned", *CATEGORIES)
AREA_COLUMNS = ("completed", *LEVELS)


@dataclass(frozen=True)
class Filters:
    """Which sessions a report covers: days inclusive (YYYY-MM-DD strings), one site."""

    since: str | None = None
    until: str | None = None
    site: str | None = None

    def where(self, prefix: str = "") -> tuple[str, list[str]]:
        """A WHERE clause (possibly empty) and its parameters."""
        clauses, params = [], []
        if self.since:
            clauses.append(f"{prefix}day >= ?")
            params.append(self.since)
        if self.until:
            clauses.append(f"{prefix}day <= ?")
            params.append(self.until)
        if self.site is not None:
            clauses.append(f"{prefix}site = ?")
            params.append(self.site)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


# --- the terminal summary ------------------------------------------------------


@dataclass(frozen=True)
class Breakdown:
    """Sessions and completed sessions for one language or one site."""

    name: str
    sessions: int
    completed: int


@dataclass(frozen=True)
class Summary:
    """Everything `skillcheck stats` prints; not suppressed (facilitators only)."""

    first_day: str | None
    last_day: str | None
    sessions: int
    completed: int
    categories: Mapping[str, int]
    levels: Mapping[int, Mapping[str, int]]
    by_language: tuple[Breakdown, ...]
    by_site: tuple[Breakdown, ...]

    @property
    def completion_rate(self) -> float:
        """Completed sessions as a share of all sessions (0 when there are none)."""
        return self.completed / self.sessions if self.sessions else 0.0


def summarise(db: sqlite_utils.Database, filters: Filters = Filters()) -> Summary:
    """Counts for the terminal summary, in two GROUP BY queries over the daily tables."""
    where, params = filters.where()
    rows = db.execute(
        "SELECT site, language, status, category, sum(sessions), min(day), max(day) "
        f"FROM daily_sessions{where} GROUP BY site, language, status, category",
        params,
    ).fetchall()
    categories = dict.fromkeys(CATEGORIES, 0)
    languages: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    sites: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    days: list[str] = []
    sessions = completed = 0
    for site, language, status, category, count, first, last in rows:
        done = count if status == "completed" else 0
        sessions += count
        completed += done
        if done and category in categories:
            categories[category] += count
        for bucket in (languages[language], sites[site]):
            bucket[0] += count
            bucket[1] += done
        days += [first, last]

    levels = {area: dict.fromkeys(LEVELS, 0) for area in AREAS}
    level_rows = db.execute(
        f"SELECT area, level, sum(sessions) FROM daily_levels{where} GROUP BY 1, 2", params
    )
    for area, level, count in level_rows:
        if area in levels and level in levels[area]:
            levels[area][level] += count

    def breakdown(table: dict[str, list[int]]) -> tuple[Breakdown, ...]:
        ordered = sorted(table.items(), key=lambda item: (-item[1][0], item[0]))
        return tuple(Breakdown(name, s, c) for name, (s, c) in ordered)

    return Summary(
        first_day=min(days) if days else None,
        last_day=max(days) if days else None,
        sessions=sessions,
        completed=completed,
        categories=categories,
        levels=levels,
        by_language=breakdown(languages),
        by_site=breakdown(sites),
    )


# --- small-cell suppression ----------------------------------------------------


def suppress_small_cells(
    values: Mapping[Hashable, int],
    equations: Iterable[Sequence[Hashable]],
    min_count: int,
) -> frozenset[Hashable]:
    """The cells to hide so that no count below `min_count` can be seen or worked out.

    `values` maps a cell to its count; each equation lists cells where the first is
    the sum of the others (a total and its parts). Primary suppression hides every
    cell with 0 < count < min_count; zeros stay visible (nobody is described by a
    zero). Secondary suppression then repeats until stable: in every equation with
    exactly one hidden cell, also hide its smallest visible non-zero cell (a zero
    only when nothing else is left), so no hidden value equals "total minus the
    visible cells".
    """
    if min_count < 1:
        raise ValueError("min_count must be at least 1")
    hidden = {cell for cell, value in values.items() if 0 < value < min_count}
    equations = [tuple(equation) for equation in equations]
    changed = True
    while changed:
        changed = False
        for equation in equations:
            if sum(cell in hidden for cell in equation) != 1:
                continue
            visible = [cell for cell in equation if cell not in hidden]
            # Smallest non-zero first: it costs the least information to hide.
            visible.sort(key=lambda cell: (values[cell] == 0, values[cell]))
            hidden.add(visible[0])
            changed = True
    return frozenset(hidden)


# --- exports -------------------------------------------------------------------


@dataclass(frozen=True)
class ExportRow:
    """One line of an export: its keys, its counts (None when suppressed)."""

    key: tuple[str, ...]
    counts: tuple[int | None, ...]
    is_total: bool
    percent: float | None  # completion % (sessions table) or at-least-basic % (areas)


@dataclass(frozen=True)
class ExportTable:
    """An aggregate table ready to write; see docs/facilitators.md for its shape."""

    by: str
    group: tuple[str, ...]
    min_count: int
    filters: Filters
    key_columns: tuple[str, ...]
    count_columns: tuple[str, ...]
    percent_column: str
    rows: tuple[ExportRow, ...] = field(default_factory=tuple)

    @property
    def suppressed_marker(self) -> str:
        """What a suppressed cell shows in CSV."""
        return f"<{self.min_count}"


def _period(day: str, by: str) -> str:
    if by == "day":
        return day
    if by == "month":
        return day[:7]
    year, week, _ = dt.date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def _aggregate(
    db: sqlite_utils.Database, by: str, group: Sequence[str], filters: Filters
) -> tuple[tuple[str, ...], dict[tuple, list[int]]]:
    """Raw counts keyed by (period, *group), summed in SQL from the daily tables.

    Months are cut from the day in SQL; weeks are rolled up from days in Python
    (SQLite before 3.46 has no ISO week), over at most one row per day and group.
    """
    plain = [g for g in group if g != "area"]
    with_area = "area" in group
    keys = ["substr(day, 1, 7)" if by == "month" else "day", *plain]
    where, params = filters.where()
    if with_area:
        columns = AREA_COLUMNS
        keys.append("area")
        sums = ["sum(sessions)"] + [f"sum(sessions * (level = '{level}'))" for level in LEVELS]
        table_name = "daily_levels"
    else:
        columns = SESSION_COLUMNS
        done = "status = 'completed'"
        sums = [
            "sum(sessions)",
            f"sum(sessions * ({done}))",
            "sum(sessions * (status = 'abandoned'))",
        ] + [f"sum(sessions * (category = '{c}' AND {done}))" for c in CATEGORIES]
        table_name = "daily_sessions"
    width = len(keys)
    sql = (
        f"SELECT {', '.join(keys)}, {', '.join(sums)} FROM {table_name}{where}"
        f" GROUP BY {', '.join(str(n) for n in range(1, width + 1))}"
    )
    table: dict[tuple, list[int]] = {}
    for row in db.execute(sql, params):
        key = (_period(row[0], by) if by == "week" else row[0],) + tuple(
            str(value) for value in row[1:width]
        )
        counts = [int(value or 0) for value in row[width:]]
        if key in table:
            table[key] = [a + b for a, b in zip(table[key], counts, strict=True)]
        else:
            table[key] = counts
    return columns, table


def build_export(
    db: sqlite_utils.Database,
    *,
    by: str = "month",
    group: Sequence[str] = (),
    filters: Filters = Filters(),
    min_count: int = 10,
) -> ExportTable:
    """Aggregate counts per period (and group), with total rows, suppressed for release.

    Rows are (period, *group) sorted, then one total row per table (per area when
    grouping by area). Suppression covers the row equations (sessions = completed +
    abandoned, completed = sum of categories; or completed = sum of levels) and the
    column equations (each total row = the sum of its rows).
    """
    if by not in PERIODS:
        raise ValueError(f"--by must be one of {', '.join(PERIODS)}")
    unknown = [g for g in group if g not in GROUPS]
    if unknown:
        raise ValueError(f"unknown group {unknown[0]!r}: use {', '.join(GROUPS)}")
    if min_count < 1:
        raise ValueError("--min-count must be at least 1")
    # Area goes last so each area's rows form one block under its own total row.
    group = tuple(dict.fromkeys(g for g in group if g != "area")) + (
        ("area",) if "area" in group else ()
    )
    columns, raw = _aggregate(db, by, group, filters)
    with_area = "area" in group
    key_columns = ("period", *group)

    keys = sorted(raw, key=lambda key: key[:-1] + (int(key[-1]),) if with_area else key)
    totals: dict[tuple, list[int]] = {}
    for key in keys:
        partition = (key[-1],) if with_area else ()
        total_key = (TOTAL,) * (len(key_columns) - len(partition)) + partition
        running = totals.setdefault(total_key, [0] * len(columns))
        totals[total_key] = [a + b for a, b in zip(running, raw[key], strict=True)]
    all_rows = [(key, raw[key], False) for key in keys]
    all_rows += [(key, totals[key], True) for key in sorted(totals)]

    values = {}
    equations: list[list[tuple[int, str]]] = []
    members: dict[tuple, list[int]] = defaultdict(list)
    for index, (key, counts, _) in enumerate(all_rows):
        values.update(
            {(index, column): count for column, count in zip(columns, counts, strict=True)}
        )
        if with_area:
            equations.append([(index, c) for c in columns])
        else:
            equations.append([(index, "sessions"), (index, "completed"), (index, "abandoned")])
            equations.append([(index, "completed")] + [(index, c) for c in CATEGORIES])
        members[key[-1:] if with_area else ()].append(index)
    for indexes in members.values():
        detail = [i for i in indexes if not all_rows[i][2]]
        total_index = next(i for i in indexes if all_rows[i][2])
        for column in columns:
            equations.append([(total_index, column)] + [(i, column) for i in detail])
    hidden = suppress_small_cells(values, equations, min_count)

    rows = []
    for index, (key, counts, is_total) in enumerate(all_rows):
        shown = tuple(
            None if (index, column) in hidden else count
            for column, count in zip(columns, counts, strict=True)
        )
        rows.append(ExportRow(key, shown, is_total, _percent(columns, shown, with_area)))
    return ExportTable(
        by=by,
        group=group,
        min_count=min_count,
        filters=filters,
        key_columns=key_columns,
        count_columns=columns,
        percent_column="at_least_basic_percent" if with_area else "completion_percent",
        rows=tuple(rows),
    )


def _percent(columns: Sequence[str], shown: Sequence[int | None], with_area: bool) -> float | None:
    # A share is only published when both of its inputs are: otherwise it would
    # reveal the hidden one.
    cell = dict(zip(columns, shown, strict=True))
    if with_area:
        part, whole = cell["none"], cell["completed"]
        if part is None or whole is None or whole == 0:
            return None
        return round(100 * (whole - part) / whole, 1)
    part, whole = cell["completed"], cell["sessions"]
    if part is None or whole is None or whole == 0:
        return None
    return round(100 * part / whole, 1)


# --- writers -------------------------------------------------------------------


def export_database(database: Path, **options) -> ExportTable:
    """`build_export` on a database file, opened and closed here (CLI and staff screen)."""
    db = open_database(database, read_only=True)
    try:
        return build_export(db, **options)
    finally:
        db.close()


def write_export(table: ExportTable, out: IO[bytes], fmt: str = "csv", excel: bool = False) -> None:
    """Write an export as CSV (optionally for Belgian Excel) or JSON."""
    if fmt == "csv":
        write_csv(table, out, excel=excel)
    else:
        write_json(table, out)


def write_csv(table: ExportTable, out: IO[bytes], *, excel: bool = False) -> None:
    """CSV with a header row; suppressed cells read "<K".

    `excel=True` writes what Belgian (nl-BE/fr-BE) Excel opens by double-click:
    UTF-8 with a BOM, `;` between fields and a decimal comma.
    """
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow([*table.key_columns, *table.count_columns, table.percent_column])
    marker = table.suppressed_marker
    for row in table.rows:
        counts = [marker if count is None else count for count in row.counts]
        if row.percent is None:
            percent = "" if row.counts[0] == 0 else marker
        else:
            percent = f"{row.percent:.1f}"
            if excel:
                percent = percent.replace(".", ",")
        writer.writerow([*row.key, *counts, percent])
    out.write(text.getvalue().encode("utf-8-sig" if excel else "utf-8"))


def write_json(table: ExportTable, out: IO[bytes]) -> None:
    """JSON: suppressed counts are null and named in the row's "suppressed" list."""
    rows = []
    for row in table.rows:
        item: dict = dict(zip(table.key_columns, row.key, strict=True))
        if "area" in item and item["area"] != TOTAL:
            item["area"] = int(item["area"])
        item["total_row"] = row.is_total
        item.update(zip(table.count_columns, row.counts, strict=True))
        item[table.percent_column] = row.percent
        item["suppressed"] = [
            c for c, v in zip(table.count_columns, row.counts, strict=True) if v is None
        ]
        rows.append(item)
    document = {
        "by": table.by,
        "group": list(table.group),
        "since": table.filters.since,
        "until": table.filters.until,
        "site": table.filters.site,
        "min_count": table.min_count,
        "key_columns": list(table.key_columns),
        "count_columns": list(table.count_columns),
        "rows": rows,
    }
    out.write(json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
