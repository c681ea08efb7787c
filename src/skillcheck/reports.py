"""Facilitator reporting: the terminal summary (true counts, staff only) and the
exports of released figures for funders (skillcheck.releases: closed periods,
published once, protected by the cell key method of `skillcheck.disclosure`),
CSV/JSON writers (merge and backup: copies.py; the PDF: funder_report.py).

The summary sums the per-day tables `daily_sessions` and `daily_levels` in SQL;
exports read only the release log, never a fresh count.
"""

from __future__ import annotations

import csv
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
    LEVELS,
    N_,
    NOT_ASSESSED,
)
from skillcheck.digcomp import CATEGORIES_HIGH_FIRST as CATEGORIES
from skillcheck.disclosure import PerturbationTable
from skillcheck.errors import InputError
from skillcheck.i18n import SOURCE_LANGUAGE, Translator, discover_languages, load_translator
from skillcheck.paths import LOCALES_DIR
from skillcheck.plain_text import plain, spreadsheet_cell
from skillcheck.releases import (
    PERIOD_KINDS,
    VISITS,
    network_settings,
    period_days,
    period_kind,
    read_cells,
    released_periods,
)
from skillcheck.store import count_implausible


class OptionError(InputError, ValueError):
    """An export or report option that cannot be used (one line, exit 2 on the CLI)."""


PERIODS = PERIOD_KINDS
GROUPS = ("site", "region", "language", "area")
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
    # Sessions whose kiosk clock was implausible, in the whole database: in no figure.
    implausible: int = 0
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

    implausible = count_implausible(db)
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
        implausible=implausible,
        rule=filters.rule or 0,
        other_rules=other_rules,
    )


# --- exports: released figures only (skillcheck.releases) -----------------------

# The one rule of what is too small to show: a group's figures (completed, abandoned,
# categories, levels and every share) are shown only when its published completed
# visits are at least this many times the threshold; below it only its visits are
# shown. A share of a few dozen noisy visits would say more about the noise (and about
# the few people in it) than about the visitors.
PERCENT_MIN_BASE = 10
HIDDEN = N_("hidden")


def is_shown(measure: str, area: int, completed: int, threshold: int) -> bool:
    """The one rule: is a released cell printed, given its group's published completed
    visits (of the same period, scoring version, group and area)? A visits count always
    is; every other figure only in a group of at least PERCENT_MIN_BASE x threshold."""
    return (area == VISITS and measure == "sessions") or completed >= PERCENT_MIN_BASE * threshold


# Column headers of the CSV and the PDF, translated by --lang (JSON keeps the codes).
COLUMN_LABELS: dict[str, str] = {
    "period": N_("period"),
    "scoring": N_("scoring version"),
    "site": N_("site"),
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


# The notes say, for the table they go with, how far a figure can be from the truth
# by the noise design (never from the noise drawn, which is secret).
RELEASE_NOTE = N_(
    "Only closed periods are published, once: a published figure never changes, and "
    "visits recorded later are not added to it."
)
ERROR_NOTE = N_(
    "How far a figure can be from the truth: each count was changed once, at random, "
    "when its period was published. A count above {threshold} is at most {noise} from "
    "the true count (typically {typical}); in this table that is at most {worst} of the "
    "smallest such count ({smallest}) and {best} of the largest ({largest})."
)
SMALL_NOTE = N_(
    "A count from 1 to {below} is never shown: it is published as 0 or {threshold}. "
    "So a 0 may hide up to {below} visits, and {threshold} may stand for 1 to {upper}."
)
SHARE_NOTE = N_("The shares in this table are at most {points} percentage points from the truth.")
TOTALS_NOTE = N_("Totals are counted and changed on their own: they are not the sums of the rows.")
HIDDEN_NOTE = N_(
    "'{hidden}' marks the figures of a group with fewer than {base} completed visits: only "
    "its visits are shown. A quiet site's quarter or year is often large enough."
)
EMPTY_NOTE = N_(
    "Nothing is published for these dates yet: a period is published after it has "
    "closed ({grace} days after its last day), with `skillcheck publish`."
)

AT_LEAST_BASIC_LEVELS = LEVELS[1:]  # every level but the lowest ("none")


@dataclass(frozen=True)
class ExportRow:
    """One line of an export: its keys and its published counts (None: hidden)."""

    key: tuple[str, ...]
    counts: tuple[int | None, ...]
    is_total: bool
    hidden: bool = False

    def share(self, columns: Sequence[str], part: Sequence[str], whole: str):
        """The share of `part` columns in `whole` in percent; None when `whole` is 0,
        HIDDEN when the row is hidden."""
        if self.hidden:
            return HIDDEN
        cell = dict(zip(columns, self.counts, strict=True))
        base = cell[whole]
        if not base:
            return None
        return round(100 * sum(cell[c] or 0 for c in part) / base, 1)

    def value(self, columns: Sequence[str], column: str) -> int | None:
        """The published count of one column (None when hidden)."""
        return dict(zip(columns, self.counts, strict=True))[column]


@dataclass(frozen=True)
class ExportTable:
    """A table of released figures ready to write; see docs/facilitators.md."""

    by: str
    group: tuple[str, ...]
    min_count: int
    filters: Filters
    key_columns: tuple[str, ...]
    count_columns: tuple[str, ...]
    percent_columns: tuple[str, ...]
    rows: tuple[ExportRow, ...] = field(default_factory=tuple)
    grace_days: int = 14

    @property
    def with_area(self) -> bool:
        """Levels per area (True) or visits by status and category (False)."""
        return "area" in self.group

    @property
    def min_base(self) -> int:
        """The published completed visits a group needs for its figures to be shown."""
        return PERCENT_MIN_BASE * self.min_count

    def percents(self, row: ExportRow) -> tuple:
        """The row's shares, in the order of `percent_columns`."""
        columns = self.count_columns
        if self.with_area:
            return (row.share(columns, AT_LEAST_BASIC_LEVELS, "completed"),)
        return (
            row.share(columns, ("completed",), "sessions"),
            row.share(columns, AT_LEAST_BASIC, "completed"),
        )


def _normalise_group(group: Sequence[str]) -> tuple[str, ...]:
    unknown = [g for g in group if g not in GROUPS]
    if "terminal" in unknown:
        raise OptionError(
            "figures are not published per terminal (each split makes cells smaller): "
            f"use {', '.join(GROUPS)}"
        )
    if unknown:
        raise OptionError(f"unknown group {unknown[0]!r}: use {', '.join(GROUPS)}")
    chosen = list(dict.fromkeys(g for g in group if g != "area"))
    if len(chosen) > 1:
        raise OptionError(
            f"--group {','.join(chosen)}: the published tables split by one of "
            "site, region or language at a time (crossing them makes cells too small)"
        )
    return tuple(chosen) + (("area",) if "area" in group else ())


def _periods_in(db: sqlite_utils.Database, by: str, filters: Filters) -> list[str]:
    """The released periods of kind `by` lying wholly inside the dates asked for."""
    chosen = []
    for period in sorted(released_periods(db)):
        if period_kind(period) != by:
            continue
        first, last = period_days(period)
        if (filters.since and first < filters.since) or (filters.until and last > filters.until):
            continue
        chosen.append(period)
    return chosen


def build_export(
    db: sqlite_utils.Database,
    *,
    by: str = "month",
    group: Sequence[str] = (),
    filters: Filters = Filters(),
    min_count: int | None = None,
) -> ExportTable:
    """Released figures per period (and group, and area); see docs/facilitators.md.

    Reads only the release log (`skillcheck publish` writes it): periods wholly inside
    the dates asked for, one row per period, scoring version and group value, then the
    network's own total row per period when grouped (a cell of its own, not a sum).
    A group with fewer than `PERCENT_MIN_BASE` x threshold published completed visits
    shows its visits only. `min_count` may raise the network's threshold, never lower it.
    """
    if by not in PERIOD_KINDS:
        raise OptionError(f"--by must be one of {', '.join(PERIOD_KINDS)}")
    settings = network_settings(db)
    threshold = settings.threshold if min_count is None else min_count
    if threshold < settings.threshold:
        raise OptionError(
            f"--min-count {threshold}: this network's threshold is {settings.threshold}; "
            "it can only be raised"
        )
    protection = PerturbationTable(threshold)
    check_site(db, filters)
    group = _normalise_group(group)
    plain = [g for g in group if g != "area"]
    with_area = "area" in group
    if filters.site is not None and plain and plain != ["site"]:
        raise OptionError(
            f"--site with --group {plain[0]}: figures by {plain[0]} are published for "
            "the whole network only"
        )
    grouping = "site" if filters.site is not None else (plain[0] if plain else "network")
    groupings = (grouping,) if grouping == "network" or filters.site else (grouping, "network")
    periods = _periods_in(db, by, filters)
    by_row: dict[tuple, dict[str, int]] = defaultdict(dict)
    for cell in read_cells(db, periods, groupings):
        if (cell.area == VISITS) == with_area:
            continue
        if filters.site is not None and cell.group_value != filters.site:
            continue
        value = cell.value
        if threshold > settings.threshold:
            value = protection.coarsen(value, cell.cell_key, threshold)
        total = cell.grouping != grouping
        values = () if grouping == "network" or filters.site else (cell.group_value,)
        if total:
            values = (TOTAL,)
        area = (str(cell.area),) if with_area else ()
        key = (cell.period, str(cell.scoring_version), *values, *area)
        by_row[(total, key)][cell.measure] = value

    columns = AREA_COLUMNS if with_area else SESSION_COLUMNS
    key_columns = ("period", "scoring", *(() if filters.site else plain), *group[len(plain) :])
    rows = []
    for total, key in sorted(by_row, key=lambda tk: (tk[1][:2], tk[0], _sort_key(tk[1][2:]))):
        measures = by_row[(total, key)]
        counts = [measures.get(c, 0) for c in columns]
        if not any(counts):
            continue
        done = measures.get("completed", 0)
        hidden = not is_shown("completed", VISITS, done, threshold)
        area = int(key[-1]) if with_area else VISITS
        shown = tuple(
            count if is_shown(column, area, done, threshold) else None
            for column, count in zip(columns, counts, strict=True)
        )
        rows.append(ExportRow(key, shown, total, hidden))
    return ExportTable(
        by=by,
        group=group,
        min_count=threshold,
        filters=filters,
        key_columns=key_columns,
        count_columns=columns,
        percent_columns=("at_least_basic_percent",)
        if with_area
        else ("completion_percent", "at_least_basic_percent"),
        rows=tuple(rows),
        grace_days=settings.grace_days,
    )


def _sort_key(values: tuple[str, ...]) -> tuple:
    return tuple((0, int(v)) if v.isdigit() else (1, v) for v in values)


# --- writers -------------------------------------------------------------------


def export_database(database: Path | str, **options) -> ExportTable:
    """`build_export` on a database file or a central database's URL (its release
    tables, as the facilitator role), opened and closed here (CLI and staff screen)."""
    from skillcheck.central import open_for_reading

    db = open_for_reading(database)
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
    return plain(value)  # a site or terminal name from a database: no escape sequence


def share_error_points(table: ExportTable) -> float | None:
    """The largest distance, in percentage points, between a share shown in the table
    and any true share the noise design allows for its published counts (each count's
    `possible_counts`: never the noise drawn, which is secret)."""
    design = PerturbationTable(table.min_count)
    worst = None
    columns = table.count_columns
    for row in table.rows:
        if row.hidden:
            continue
        pairs = [(AT_LEAST_BASIC_LEVELS if table.with_area else AT_LEAST_BASIC, "completed")]
        if not table.with_area:
            pairs.append((("completed",), "sessions"))
        for part_columns, whole_column in pairs:
            whole = row.value(columns, whole_column) or 0
            if not whole:
                continue
            low_whole, high_whole = design.possible_counts(whole)
            ranges = [design.possible_counts(row.value(columns, c) or 0) for c in part_columns]
            low_part, high_part = sum(r[0] for r in ranges), sum(r[1] for r in ranges)
            shown = sum(row.value(columns, c) or 0 for c in part_columns) / whole
            extremes = (
                min(1.0, low_part / max(high_whole, 1)),
                min(1.0, high_part / max(low_whole, 1)),
            )
            distance = 100 * max(abs(e - shown) for e in extremes)
            worst = distance if worst is None else max(worst, distance)
    return worst


def notes(table: ExportTable, t: Translator, marks: bool = True) -> list[str]:
    """The lines that go with every published table: how far its figures can be from
    the truth (by design), what is hidden (`marks`: the table shows the word), the
    caveat and the context."""
    threshold = table.min_count
    design = PerturbationTable(threshold)
    lines = [t.gettext(RELEASE_NOTE)]
    if not table.rows:
        lines.append(t.gettext(EMPTY_NOTE).format(grace=table.grace_days))
    counts = [c for row in table.rows for c in row.counts if c is not None and c > threshold]
    if counts:
        smallest, largest = min(counts), max(counts)
        lines.append(
            t.gettext(ERROR_NOTE).format(
                threshold=threshold,
                noise=design.max_noise,
                typical=t.format_number(round(design.typical_error, 1)),
                worst=t.format_percent(design.max_noise / smallest, 1),
                smallest=t.format_number(smallest),
                best=t.format_percent(design.max_noise / largest, 1),
                largest=t.format_number(largest),
            )
        )
    lines.append(
        t.gettext(SMALL_NOTE).format(
            below=threshold - 1,
            threshold=threshold,
            upper=design.possible_counts(threshold)[1],
        )
    )
    points = share_error_points(table)
    if points is not None:
        lines.append(t.gettext(SHARE_NOTE).format(points=t.format_number(round(points, 1))))
    if any(row.is_total for row in table.rows):
        lines.append(t.gettext(TOTALS_NOTE))
    if marks and any(row.hidden for row in table.rows):
        lines.append(t.gettext(HIDDEN_NOTE).format(hidden=t.gettext(HIDDEN), base=table.min_base))
    # Rule 3 is Eurostat's own; the earlier rules only borrowed its category names.
    rules = {int(row.key[1]) for row in table.rows if row.key[1].isdigit()}
    caveats = [DSI_RULE_CAVEAT] if any(r >= 3 for r in rules) else []
    if not rules or any(r < 3 for r in rules):
        caveats.append(DSI_CAVEAT)
    return [*lines, *(t.gettext(c) for c in caveats), *context_lines(t)]


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

    A text cell that a spreadsheet would run as a formula (= + - @ tab CR first) gets
    a leading `'` (OWASP, CSV injection); site and terminal names lose control
    characters (`key_label`).

    `excel=True` writes what Belgian (nl-BE/fr-BE) Excel opens by double-click:
    UTF-8 with a BOM, `;` between fields and a decimal comma. A hidden figure is the
    word "hidden" (never a number), which Excel and LibreOffice keep as text.
    """
    t = t or Translator()
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=";" if excel else ",", lineterminator="\r\n")
    header = [*table.key_columns, *table.count_columns, *table.percent_columns]
    # A category or level of a newer scoring version without a label keeps its code.
    writer.writerow([spreadsheet_cell(t.gettext(COLUMN_LABELS.get(c, c))) for c in header])
    hidden = t.gettext(HIDDEN)
    for row in table.rows:
        shares = []
        for share in table.percents(row):
            if share is None:
                shares.append("")
            elif share == HIDDEN:
                shares.append(hidden)
            else:
                shares.append(f"{share:.1f}".replace(".", ",") if excel else f"{share:.1f}")
        keys = [key_label(c, v, t) for c, v in zip(table.key_columns, row.key, strict=True)]
        keys = [spreadsheet_cell(key) for key in keys]  # a site named "=HYPERLINK(…)"
        counts = [hidden if c is None else c for c in row.counts]
        writer.writerow([*keys, *counts, *shares])
    writer.writerow([])
    for line in notes(table, t):
        writer.writerow([spreadsheet_cell(line)])
    out.write(text.getvalue().encode("utf-8-sig" if excel else "utf-8"))


def write_json(table: ExportTable, out: IO[bytes], *, t: Translator | None = None) -> None:
    """JSON with codes as keys; a hidden figure is null with "hidden": true."""
    t = t or Translator()
    design = PerturbationTable(table.min_count)
    rows = []
    for row in table.rows:
        item: dict = {c: plain(v) for c, v in zip(table.key_columns, row.key, strict=True)}
        item["scoring"] = int(item["scoring"])
        if "area" in item:
            item["area"] = int(item["area"])
        item["total_row"] = row.is_total
        item["hidden"] = row.hidden
        item.update(zip(table.count_columns, row.counts, strict=True))
        shares = [None if s == HIDDEN else s for s in table.percents(row)]
        item.update(zip(table.percent_columns, shares, strict=True))
        rows.append(item)
    document = {
        "by": table.by,
        "group": list(table.group),
        "since": table.filters.since,
        "until": table.filters.until,
        "site": table.filters.site,
        "method": "cell key method on the cells of released tables (docs/facilitators.md)",
        "threshold": table.min_count,
        "max_noise": design.max_noise,
        "typical_error": round(design.typical_error, 2),
        "totals_are_sums_of_rows": False,
        "min_completed_shown": table.min_base,
        "key_columns": list(table.key_columns),
        "count_columns": list(table.count_columns),
        "notes": notes(table, t),
        "rows": rows,
    }
    out.write(json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
