"""Facilitator reporting: the terminal summary, aggregate exports for funders
(protected by the cell key method of `skillcheck.disclosure`), CSV/JSON writers
(merge and backup: copies.py; the PDF: funder_report.py).

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

import sqlite_utils

from skillcheck.digcomp import (
    AREA_RESULTS,
    AREA_SHORT_NAMES,
    AREAS,
    DSI_CAVEAT,
    DSI_RULE_CAVEAT,
    N_,
    NOT_ASSESSED,
)
from skillcheck.digcomp import CATEGORIES_HIGH_FIRST as CATEGORIES
from skillcheck.disclosure import DEFAULT_THRESHOLD, MAX_NOISE, MIN_THRESHOLD, PerturbationTable
from skillcheck.errors import InputError
from skillcheck.i18n import SOURCE_LANGUAGE, Translator, discover_languages, load_translator
from skillcheck.paths import LOCALES_DIR
from skillcheck.store import open_database


class OptionError(InputError, ValueError):
    """An export or report option that cannot be used (one line, exit 2 on the CLI)."""


PERIODS = ("day", "week", "month")
GROUPS = ("site", "terminal", "region", "language", "area")
TOTAL = "total"  # the key of total rows, in place of a period or group value


SESSION_COLUMNS = ("sessions", "completed", "abandoned", *CATEGORIES)
AREA_COLUMNS = ("completed", *AREA_RESULTS)


@dataclass(frozen=True)
class Filters:
    """Which sessions a report covers: days inclusive (YYYY-MM-DD strings), one site,
    one scoring rule (`scoring_version`: a figure never mixes two rules; None until
    `with_rule` picks the newest rule in the data)."""

    since: str | None = None
    until: str | None = None
    site: str | None = None
    rule: int | None = None

    def where(self, prefix: str = "") -> tuple[str, list[str]]:
        """A WHERE clause (possibly empty) and its parameters."""
        clauses, params = [], []
        if self.rule is not None:
            clauses.append(f"{prefix}scoring_version = ?")
            params.append(self.rule)
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
    """Sessions, completed sessions and those with at least basic skills, for one
    language, site or region."""

    name: str
    sessions: int
    completed: int
    at_least_basic: int = 0

    @property
    def headline(self) -> float | None:
        """Share of completed visits with at least basic skills (None without any)."""
        return self.at_least_basic / self.completed if self.completed else None


AT_LEAST_BASIC = ("basic", "above_basic")  # the overall categories counted as "at least basic"


def rules_in(db: sqlite_utils.Database, filters: Filters) -> dict[int, int]:
    """Sessions per scoring rule within the dates and site of `filters` (any rule)."""
    where, params = replace(filters, rule=None).where()
    rows = db.execute(
        f"SELECT scoring_version, sum(sessions) FROM daily_sessions{where} GROUP BY 1", params
    )
    return {int(rule): int(count) for rule, count in rows}


def with_rule(db: sqlite_utils.Database, filters: Filters) -> Filters:
    """`filters` with its scoring rule: the one asked for, else the newest in the data
    (the current rule when there is none). Every figure is of one rule."""
    if filters.rule is not None:
        return filters
    from skillcheck.scoring import SCORING_VERSION

    return replace(filters, rule=max(rules_in(db, filters), default=SCORING_VERSION))


RULE_LINE = N_(
    "These figures are of sessions scored by {rule}; sessions scored by another rule "
    "are counted apart, never mixed in."
)


def rule_line(rule: int, t: Translator) -> str:
    """The line that says which scoring rule made the figures."""
    from skillcheck.scoring import RULE_NAMES

    name = t.gettext(RULE_NAMES[rule]) if rule in RULE_NAMES else f"rule {rule}"
    return t.gettext(RULE_LINE).format(rule=name)


@dataclass(frozen=True)
class Summary:
    """Everything `skillcheck stats` prints; true counts, not for publication."""

    first_day: str | None
    last_day: str | None
    sessions: int
    completed: int
    categories: Mapping[str, int]
    levels: Mapping[int, Mapping[str, int]]
    by_language: tuple[Breakdown, ...]
    by_site: tuple[Breakdown, ...]
    by_region: tuple[Breakdown, ...] = ()
    # The scoring rule of every figure above, and the sessions of other rules (apart).
    rule: int = 0
    other_rules: Mapping[int, int] = field(default_factory=dict)

    @property
    def completion_rate(self) -> float:
        """Completed sessions as a share of all sessions (0 when there are none)."""
        return self.completed / self.sessions if self.sessions else 0.0

    @property
    def headline(self) -> float | None:
        """Share of completed visits with at least basic skills (None without any)."""
        if not self.completed:
            return None
        return sum(self.categories[c] for c in AT_LEAST_BASIC) / self.completed


def check_site(db: sqlite_utils.Database, filters: Filters) -> None:
    """Raise ValueError naming the known sites when --site matches none of them."""
    if filters.site is None:
        return
    sites = [row[0] for row in db.execute("SELECT DISTINCT site FROM daily_sessions ORDER BY 1")]
    if filters.site not in sites:
        known = ", ".join(sites) or "none: the database has no sessions"
        raise OptionError(f"--site {filters.site!r}: no such site (known sites: {known})")


def summarise(db: sqlite_utils.Database, filters: Filters = Filters()) -> Summary:
    """Counts for the terminal summary, in two GROUP BY queries over the daily tables.

    Of one scoring rule (`filters.rule`, else the newest in the data); the sessions
    of other rules are only counted in `other_rules`."""
    check_site(db, filters)
    filters = with_rule(db, filters)
    other_rules = {r: n for r, n in rules_in(db, filters).items() if r != filters.rule}
    where, params = filters.where()
    rows = db.execute(
        "SELECT site, region, language, status, category, sum(sessions), min(day), max(day) "
        f"FROM daily_sessions{where} GROUP BY site, region, language, status, category",
        params,
    ).fetchall()
    categories = dict.fromkeys(CATEGORIES, 0)
    languages: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    sites: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    regions: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    days: list[str] = []
    sessions = completed = 0
    for site, region, language, status, category, count, first, last in rows:
        done = count if status == "completed" else 0
        good = done if category in AT_LEAST_BASIC else 0
        sessions += count
        completed += done
        if done and category in categories:
            categories[category] += count
        for bucket in (languages[language], sites[site], regions[region]):
            bucket[0] += count
            bucket[1] += done
            bucket[2] += good
        days += [first, last]

    levels = {area: dict.fromkeys(AREA_RESULTS, 0) for area in AREAS}
    level_rows = db.execute(
        f"SELECT area, level, sum(sessions) FROM daily_levels{where} GROUP BY 1, 2", params
    )
    for area, level, count in level_rows:
        if area in levels and level in levels[area]:
            levels[area][level] += count

    def breakdown(table: dict[str, list[int]]) -> tuple[Breakdown, ...]:
        ordered = sorted(table.items(), key=lambda item: (-item[1][0], item[0]))
        return tuple(Breakdown(name, *counts) for name, counts in ordered)

    return Summary(
        first_day=min(days) if days else None,
        last_day=max(days) if days else None,
        sessions=sessions,
        completed=completed,
        categories=categories,
        levels=levels,
        by_language=breakdown(languages),
        by_site=breakdown(sites),
        by_region=breakdown(regions),
        rule=filters.rule or 0,
        other_rules=other_rules,
    )


# --- exports: sums of perturbed base cells (skillcheck.disclosure) --------------

# A share is shown only when its published base is at least this many times the
# threshold: a share of 10 perturbed sessions would say more about the noise than
# about the visitors.
PERCENT_MIN_BASE = 10
HIDDEN = N_("hidden")
PARTIAL = N_("partial")

# Column headers of the CSV and the PDF, translated by --lang (JSON keeps the codes).
COLUMN_LABELS: dict[str, str] = {
    "period": N_("period"),
    "partial": N_("partial period"),
    "site": N_("site"),
    "terminal": N_("terminal"),
    "region": N_("region"),
    "language": N_("language"),
    "area": N_("area"),
    "sessions": N_("visits"),
    "completed": N_("completed"),
    "abandoned": N_("abandoned"),
    "above_basic": N_("above basic"),
    "basic": N_("basic"),
    "low": N_("low"),
    "narrow": N_("narrow"),
    "limited": N_("limited"),
    "none": N_("none"),
    NOT_ASSESSED: N_("not assessed"),
    "completion_percent": N_("completion %"),
    "at_least_basic_percent": N_("at least basic %"),
}
REGION_LABELS: dict[str, str] = {
    "brussels": N_("Brussels"),
    "flanders": N_("Flanders"),
    "wallonia": N_("Wallonia"),
    "unknown": N_("unknown region"),
}
TOTAL_LABEL = N_("total")
# Context for the headline figure, never a comparison (the caveat says why).
# (The shares are placeholders, formatted for the language: a "%" in a msgid would make
# gettext read it as a Python format directive.)
CONTEXT_LINES = (
    (
        N_(
            "Context, not a comparison: Belgium's official 2023 figure is {share} of people "
            "aged 16-74 with at least basic digital skills (Eurostat, isoc_sk_dskl_i21)."
        ),
        0.59,
    ),
    (N_("Context, not a comparison: the EU's target for 2030 is {share}."), 0.80),
)


def context_lines(t: Translator) -> list[str]:
    """The two context lines (Belgium 2023, EU 2030 target) in the translator's language."""
    return [t.gettext(text).format(share=t.format_percent(share)) for text, share in CONTEXT_LINES]


METHOD_NOTE = N_(
    "Counts are protected by the cell key method: each is a sum of daily counts; a small "
    "daily count is published as 0 or {threshold}, any other changed by at most {noise}. "
    "So no count lies between 1 and {below}, and a zero may hide a small count. Totals are "
    "sums of the rows. '{hidden}' marks a share whose base is under {base} visits; "
    "'{partial}' a period cut by the dates asked for."
)


@dataclass(frozen=True)
class ExportRow:
    """One line of an export: its keys and its published (perturbed) counts."""

    key: tuple[str, ...]
    counts: tuple[int, ...]
    is_total: bool
    partial: bool = False

    def share(self, columns: Sequence[str], part: Sequence[str], whole: str, min_base: int):
        """The share of `part` columns in `whole` in percent; None when `whole` is 0,
        HIDDEN when it is under `min_base`."""
        cell = dict(zip(columns, self.counts, strict=True))
        base = cell[whole]
        if base == 0:
            return None
        if base < min_base:
            return HIDDEN
        return round(100 * sum(cell[c] for c in part) / base, 1)


@dataclass(frozen=True)
class ExportTable:
    """An aggregate table ready to write; see docs/facilitators.md for its shape."""

    by: str
    group: tuple[str, ...]
    min_count: int
    filters: Filters
    key_columns: tuple[str, ...]
    count_columns: tuple[str, ...]
    percent_columns: tuple[str, ...]
    rows: tuple[ExportRow, ...] = field(default_factory=tuple)

    @property
    def with_area(self) -> bool:
        """Levels per area (True) or sessions by status and category (False)."""
        return "area" in self.group

    def percents(self, row: ExportRow) -> tuple:
        """The row's shares, in the order of `percent_columns`."""
        base = PERCENT_MIN_BASE * self.min_count
        columns = self.count_columns
        if self.with_area:
            return (row.share(columns, ("basic", "above_basic"), "completed", base),)
        return (
            row.share(columns, ("completed",), "sessions", base),
            row.share(columns, ("above_basic", "basic"), "completed", base),
        )


def _period(day: str, by: str) -> str:
    if by == "day":
        return day
    if by == "month":
        return day[:7]
    year, week, _ = dt.date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def period_days(period: str, by: str) -> tuple[str, str]:
    """The first and last day of a period key (day, ISO week or month)."""
    if by == "day":
        return period, period
    if by == "month":
        first = dt.date.fromisoformat(period + "-01")
        following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return first.isoformat(), (following - dt.timedelta(days=1)).isoformat()
    year, week = int(period[:4]), int(period[6:])
    first = dt.date.fromisocalendar(year, week, 1)
    return first.isoformat(), (first + dt.timedelta(days=6)).isoformat()


def _is_partial(period: str, by: str, filters: Filters) -> bool:
    first, last = period_days(period, by)
    return bool(
        (filters.since and filters.since > first) or (filters.until and filters.until < last)
    )


def _normalise_group(group: Sequence[str]) -> tuple[str, ...]:
    unknown = [g for g in group if g not in GROUPS]
    if unknown:
        raise OptionError(f"unknown group {unknown[0]!r}: use {', '.join(GROUPS)}")
    chosen = list(dict.fromkeys(g for g in group if g != "area"))
    # A terminal's name is only unique within its site.
    if "terminal" in chosen and "site" not in chosen:
        chosen.insert(chosen.index("terminal"), "site")
    return tuple(chosen) + (("area",) if "area" in group else ())


def _aggregate(
    db: sqlite_utils.Database,
    by: str,
    group: Sequence[str],
    filters: Filters,
    table: PerturbationTable,
) -> tuple[tuple[str, ...], dict[tuple, list[int]]]:
    """Published counts keyed by (period, *group): sums of perturbed daily rows.

    Each row of the daily tables is a base cell, perturbed in SQL by its own count
    and key sum (`PerturbationTable.published_rows`) before anything is added up, so every
    figure of every export is a sum of the same published base values. Months are
    cut from the day in SQL; weeks are rolled up from days in Python.
    """
    plain = [g for g in group if g != "area"]
    with_area = "area" in group
    keys = ["substr(day, 1, 7)" if by == "month" else "day", *plain]
    where, params = filters.where()
    if with_area:
        columns = AREA_COLUMNS
        keys.append("area")
        levels = [f"sum(published * (level = '{level}'))" for level in AREA_RESULTS]
        sums = ["sum(published)", *levels]
        table_name = "daily_levels"
    else:
        columns = SESSION_COLUMNS
        done = "status = 'completed'"
        categories = [f"sum(published * (category = '{c}' AND {done}))" for c in CATEGORIES]
        abandoned = "sum(published * (status = 'abandoned'))"
        sums = ["sum(published)", f"sum(published * ({done}))", abandoned, *categories]
        table_name = "daily_sessions"
    width = len(keys)
    # Each daily row is perturbed once (its own count and key sum), then summed.
    rows = table.published_rows(f"SELECT * FROM {table_name}{where}")
    sql = (
        f"SELECT {', '.join(keys)}, {', '.join(sums)} FROM ({rows})"
        f" GROUP BY {', '.join(str(n) for n in range(1, width + 1))}"
    )
    counts_by_key: dict[tuple, list[int]] = {}
    for row in db.execute(sql, params):
        key = (_period(row[0], by) if by == "week" else row[0],) + tuple(
            str(value) for value in row[1:width]
        )
        counts = [int(value or 0) for value in row[width:]]
        if key in counts_by_key:
            counts_by_key[key] = [a + b for a, b in zip(counts_by_key[key], counts, strict=True)]
        else:
            counts_by_key[key] = counts
    return columns, counts_by_key


def build_export(
    db: sqlite_utils.Database,
    *,
    by: str = "month",
    group: Sequence[str] = (),
    filters: Filters = Filters(),
    min_count: int = DEFAULT_THRESHOLD,
) -> ExportTable:
    """Published counts per period (and group), with total rows; see docs/facilitators.md.

    Rows are (period, *group) sorted, then one total row (per area when grouping by
    area). Every count is a sum of perturbed base cells, totals included, so a total
    is exactly the sum of its rows and the same cell reads the same in every export.
    Rows whose published counts are all zero are left out (like rows without sessions).
    """
    if by not in PERIODS:
        raise OptionError(f"--by must be one of {', '.join(PERIODS)}")
    if min_count < MIN_THRESHOLD:
        raise OptionError(f"--min-count must be at least {MIN_THRESHOLD}, not {min_count}")
    protection = PerturbationTable(threshold=min_count)
    check_site(db, filters)
    filters = with_rule(db, filters)
    group = _normalise_group(group)
    columns, published = _aggregate(db, by, group, filters, protection)
    with_area = "area" in group
    key_columns = ("period", *group)

    keys = sorted(
        (key for key, counts in published.items() if any(counts)),
        key=lambda key: key[:-1] + (int(key[-1]),) if with_area else key,
    )
    totals: dict[tuple, list[int]] = {}
    for key in keys:
        partition = (key[-1],) if with_area else ()
        total_key = (TOTAL,) * (len(key_columns) - len(partition)) + partition
        running = totals.setdefault(total_key, [0] * len(columns))
        totals[total_key] = [a + b for a, b in zip(running, published[key], strict=True)]
    rows = [
        ExportRow(key, tuple(published[key]), False, _is_partial(key[0], by, filters))
        for key in keys
    ]
    rows += [ExportRow(key, tuple(totals[key]), True) for key in sorted(totals)]
    return ExportTable(
        by=by,
        group=group,
        min_count=min_count,
        filters=filters,
        key_columns=key_columns,
        count_columns=columns,
        percent_columns=("at_least_basic_percent",)
        if with_area
        else ("completion_percent", "at_least_basic_percent"),
        rows=tuple(rows),
    )


# --- writers -------------------------------------------------------------------


def export_database(database: Path, **options) -> ExportTable:
    """`build_export` on a database file, opened and closed here (CLI and staff screen)."""
    db = open_database(database, read_only=True)
    try:
        return build_export(db, **options)
    finally:
        db.close()


def report_translator(language: str) -> Translator:
    """The Translator for an export's or report's headers, labels and notes."""
    if language == SOURCE_LANGUAGE:
        return Translator(language=language)
    languages = discover_languages(LOCALES_DIR)
    if language not in languages:
        known = ", ".join(sorted({SOURCE_LANGUAGE, *languages}))
        raise OptionError(f"--lang {language!r}: no such language (use {known})")
    return load_translator(language, languages[language])


def key_label(column: str, value: str, t: Translator) -> str:
    """A key cell as a reader sees it: area and region names, "total" translated."""
    if value == TOTAL:
        return t.gettext(TOTAL_LABEL)
    if column == "area":
        return f"{value} {t.gettext(AREA_SHORT_NAMES[int(value)])}"
    if column == "region":
        return t.gettext(REGION_LABELS.get(value, value))
    return value


def notes(table: ExportTable, t: Translator) -> list[str]:
    """The lines that go with every published table: method, caveat, context."""
    method = t.gettext(METHOD_NOTE).format(
        threshold=table.min_count,
        noise=MAX_NOISE,
        below=table.min_count - 1,
        hidden=t.gettext(HIDDEN),
        partial=t.gettext(PARTIAL),
        base=PERCENT_MIN_BASE * table.min_count,
    )
    rule = table.filters.rule or 0
    # Rule 3 is Eurostat's own; the earlier rules only borrowed its category names.
    caveat = DSI_RULE_CAVEAT if rule >= 3 else DSI_CAVEAT
    return [rule_line(rule, t), method, t.gettext(caveat), *context_lines(t)]


def write_export(
    table: ExportTable,
    out: IO[bytes],
    fmt: str = "csv",
    excel: bool = False,
    t: Translator | None = None,
) -> None:
    """Write an export as CSV (optionally for Belgian Excel) or JSON."""
    t = t or Translator()
    if fmt == "csv":
        write_csv(table, out, excel=excel, t=t)
    else:
        write_json(table, out, t=t)


def write_csv(
    table: ExportTable, out: IO[bytes], *, excel: bool = False, t: Translator | None = None
) -> None:
    """CSV: a translated header row, the rows, then one note per row after a blank row.

    `excel=True` writes what Belgian (nl-BE/fr-BE) Excel opens by double-click:
    UTF-8 with a BOM, `;` between fields and a decimal comma. Markers and notes are
    words ("hidden", "partial"), which Excel and LibreOffice keep as text.
    """
    t = t or Translator()
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=";" if excel else ",", lineterminator="\r\n")
    header = [*table.key_columns, "partial", *table.count_columns, *table.percent_columns]
    writer.writerow([t.gettext(COLUMN_LABELS[c]) for c in header])
    for row in table.rows:
        shares = []
        for share in table.percents(row):
            if share is None:
                shares.append("")
            elif share == HIDDEN:
                shares.append(t.gettext(HIDDEN))
            else:
                shares.append(f"{share:.1f}".replace(".", ",") if excel else f"{share:.1f}")
        keys = [key_label(c, v, t) for c, v in zip(table.key_columns, row.key, strict=True)]
        writer.writerow([*keys, t.gettext(PARTIAL) if row.partial else "", *row.counts, *shares])
    writer.writerow([])
    for line in notes(table, t):
        writer.writerow([line])
    out.write(text.getvalue().encode("utf-8-sig" if excel else "utf-8"))


def write_json(table: ExportTable, out: IO[bytes], *, t: Translator | None = None) -> None:
    """JSON with codes as keys; a hidden share is the string "hidden", a missing one null."""
    t = t or Translator()
    rows = []
    for row in table.rows:
        item: dict = dict(zip(table.key_columns, row.key, strict=True))
        if "area" in item and item["area"] != TOTAL:
            item["area"] = int(item["area"])
        item["total_row"] = row.is_total
        item["partial_period"] = row.partial
        item.update(zip(table.count_columns, row.counts, strict=True))
        item.update(zip(table.percent_columns, table.percents(row), strict=True))
        rows.append(item)
    document = {
        "by": table.by,
        "group": list(table.group),
        "since": table.filters.since,
        "until": table.filters.until,
        "site": table.filters.site,
        "scoring_rule": table.filters.rule,
        "min_count": table.min_count,
        "method": "cell key method: sums of perturbed daily counts (docs/facilitators.md)",
        "max_noise_per_daily_count": MAX_NOISE,
        "key_columns": list(table.key_columns),
        "count_columns": list(table.count_columns),
        "notes": notes(table, t),
        "rows": rows,
    }
    out.write(json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
