"""`skillcheck report`: a one-page PDF for a funder, from the protected figures only.

Every number and chart comes from `reports.build_export` (the cell key method of
`skillcheck.disclosure`), never from true counts: the page may be handed out.
Drawn with matplotlib's object API and its own PDF backend (no pyplot, no GUI).
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlite_utils

from skillcheck.digcomp import AREA_SHORT_NAMES, AREAS, DSI_CAVEAT, DSI_RULE_CAVEAT, N_
from skillcheck.disclosure import DEFAULT_THRESHOLD
from skillcheck.i18n import Translator
from skillcheck.reports import (
    HIDDEN,
    PERCENT_MIN_BASE,
    REGION_LABELS,
    ExportTable,
    Filters,
    build_export,
    notes,
)
from skillcheck.scoring import RULE_NAMES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TITLE = N_("Digital skills self-assessment")
ALL_SITES = N_("all sites")
HEADLINE = N_("{share} of {count} completed visits have at least basic digital skills, by {rule}")
# The official figures beside the headline, each with its series and year printed under
# it (docs/scoring.md gives the sources). Belgium: Eurostat isoc_sk_dskl_i21, indicator
# I_DSK2_BAB, individuals aged 16-74; the regions: Statbel's own publication of the same
# survey (Eurostat's regional table isoc_r_dskl_i was not read, docs/scoring.md).
OFFICIAL_BELGIUM = (0.59, 2023)
OFFICIAL_REGIONS: dict[str, tuple[float, int]] = {
    "brussels": (0.65, 2023),
    "flanders": (0.61, 2023),
    "wallonia": (0.55, 2023),
}
OFFICIAL_LINE = N_("Belgium: {share} ({year})")
OFFICIAL_REGION_LINE = N_("{region}: {share} ({year})")
OFFICIAL_SOURCE = N_(
    "Belgium: Eurostat, series isoc_sk_dskl_i21 (I_DSK2_BAB, people aged 16-74), {year}."
)
OFFICIAL_REGION_SOURCE = N_("{region}: Statbel, the same survey, {year}.")
HEADLINE_HIDDEN = N_("Too few completed visits to show a share (fewer than {base}).")
VISITS_LINE = N_(
    "Visits: {visits} · completed: {completed} ({completion}) · abandoned: {abandoned}"
)
TREND_TITLE = N_("Visits and share with at least basic skills, by month")
LEVELS_TITLE = N_("Level reached per area (completed visits)")
VISITS_AXIS = N_("visits")
SHARE_AXIS = N_("at least basic %")
LEVEL_NAMES = {
    "not_assessed": N_("not assessed (no internet in 3 months)"),
    "none": N_("not yet basic"),
    "basic": N_("basic"),
    "above_basic": N_("above basic"),
}
PARTIAL_NOTE = N_("* partial month (cut by the dates asked for)")


@dataclass(frozen=True)
class ReportFigures:
    """The protected tables the page is drawn from."""

    months: ExportTable
    areas: ExportTable
    # The one region of every session counted (None: several, or unknown).
    region: str | None = None


def report_figures(
    db: sqlite_utils.Database, filters: Filters, min_count: int = DEFAULT_THRESHOLD
) -> ReportFigures:
    """The monthly table and the levels-per-area table, both protected."""
    months = build_export(db, by="month", filters=filters, min_count=min_count)
    areas = build_export(
        db, by="month", group=["area"], filters=months.filters, min_count=min_count
    )
    where, params = months.filters.where()
    regions = [
        r for (r,) in db.execute(f"SELECT DISTINCT region FROM daily_sessions{where}", params)
    ]
    region = regions[0] if len(regions) == 1 and regions[0] in OFFICIAL_REGIONS else None
    return ReportFigures(months, areas, region)


def month_label(month: str, t: Translator) -> str:
    """A "YYYY-MM" period as readers write it: "janv. 2026" (fr), "jan. 2026" (nl)."""
    year, number = month.split("-")
    return t.format_date(dt.date(int(year), int(number), 1), "MMM y")


def day_label(day: str | None, t: Translator) -> str:
    """A "YYYY-MM-DD" bound of the period in words ("1 janvier 2026"); "…" when open."""
    return t.format_date(dt.date.fromisoformat(day), "long") if day else "…"


def _number_ticks(t: Translator):
    """Axis tick labels as numbers in the report's language (decimal comma in nl, fr)."""
    from matplotlib.ticker import FuncFormatter

    # round: a tick at 0.30000000000000004 reads 0,3, not 0,300000000000000004
    return FuncFormatter(lambda value, _: t.format_number(round(float(value), 6)))


def draw_report(
    figures: ReportFigures,
    t: Translator,
    step: Callable[[], None] = lambda: None,
) -> Figure:
    """The report's page as a matplotlib Figure (A4 portrait); `step` after each part."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    months = figures.months
    filters = months.filters
    total = next((r for r in months.rows if r.is_total), None)
    cell = dict(zip(months.count_columns, total.counts, strict=True)) if total else {}
    completion, headline = months.percents(total) if total else (None, None)

    figure = Figure(figsize=(8.27, 11.69))
    fig_text = figure.text
    scope = filters.site or t.gettext(ALL_SITES)
    period = f"{day_label(filters.since, t)} – {day_label(filters.until, t)}"
    fig_text(0.07, 0.955, t.gettext(TITLE), fontsize=18, weight="bold")
    fig_text(0.07, 0.93, f"{scope} · {period}", fontsize=11, color="#333333")
    if isinstance(headline, float):
        share = t.format_percent(headline / 100)
        text = t.gettext(HEADLINE).format(
            share=share,
            count=t.format_number(cell.get("completed", 0)),
            rule=t.gettext(RULE_NAMES.get(filters.rule or 0, "?")),
        )
        size = 13
    else:
        text, size = t.gettext(HEADLINE_HIDDEN).format(base=PERCENT_MIN_BASE * months.min_count), 12
    # Long in French: wrapped to the page, the visits line below it.
    text = textwrap.fill(text, 70)
    fig_text(0.07, 0.905, text, fontsize=size, weight="bold", va="top")
    # Beside it, the official figures, their series and year printed under them, and
    # the caveat: the same questions and rule, not the same people.
    official = [
        t.gettext(OFFICIAL_LINE).format(
            share=t.format_percent(OFFICIAL_BELGIUM[0]), year=OFFICIAL_BELGIUM[1]
        )
    ]
    sources = [t.gettext(OFFICIAL_SOURCE).format(year=OFFICIAL_BELGIUM[1])]
    if figures.region:
        name = t.gettext(REGION_LABELS[figures.region])
        value, year = OFFICIAL_REGIONS[figures.region]
        official.append(
            t.gettext(OFFICIAL_REGION_LINE).format(
                region=name, share=t.format_percent(value), year=year
            )
        )
        sources.append(t.gettext(OFFICIAL_REGION_SOURCE).format(region=name, year=year))
    lines = text.count("\n") + 1
    y = 0.905 - 0.022 * lines - 0.004
    fig_text(0.07, y, " · ".join(official), fontsize=11, weight="bold", va="top")
    small = textwrap.fill(" ".join(sources), 118)
    caveat = DSI_RULE_CAVEAT if (filters.rule or 0) >= 3 else DSI_CAVEAT
    small += "\n" + textwrap.fill(t.gettext(caveat), 118)
    fig_text(0.07, y - 0.02, small, fontsize=7.5, va="top", color="#333333")
    visits_y = y - 0.02 - 0.0115 * (small.count("\n") + 1) - 0.008
    visits = t.gettext(VISITS_LINE).format(
        visits=t.format_number(cell.get("sessions", 0)),
        completed=t.format_number(cell.get("completed", 0)),
        completion=t.format_percent(completion / 100)
        if isinstance(completion, float)
        else t.gettext(HIDDEN),
        abandoned=t.format_number(cell.get("abandoned", 0)),
    )
    fig_text(0.07, visits_y, visits, fontsize=10.5, va="top")
    step()

    # Trend: visits as bars, the headline share as a line on its own axis. Months and
    # numbers are written in the report's language ("janv. 2026", "1 234").
    trend = figure.add_axes((0.1, 0.5, 0.78, 0.2))
    rows = [r for r in months.rows if not r.is_total]
    labels = [month_label(r.key[0], t) + ("*" if r.partial else "") for r in rows]
    visit_counts = [r.counts[0] for r in rows]
    trend.bar(labels, visit_counts, color="#9ecae1")
    trend.yaxis.set_major_locator(MaxNLocator(integer=True))  # visits are whole
    trend.yaxis.set_major_formatter(_number_ticks(t))
    trend.set_ylabel(t.gettext(VISITS_AXIS))
    trend.set_title(t.gettext(TREND_TITLE), fontsize=11, loc="left")
    trend.tick_params(axis="x", labelrotation=45 if len(rows) > 6 else 0, labelsize=8)
    shares = [months.percents(r)[1] for r in rows]
    share_axis = trend.twinx()
    points = [(i, s) for i, s in enumerate(shares) if isinstance(s, float)]
    if points:
        share_axis.plot([i for i, _ in points], [s for _, s in points], color="#08519c", marker="o")
    share_axis.set_ylim(0, 100)
    share_axis.yaxis.set_major_formatter(_number_ticks(t))
    share_axis.set_ylabel(t.gettext(SHARE_AXIS))
    if any(r.partial for r in rows):
        fig_text(0.1, 0.455, t.gettext(PARTIAL_NOTE), fontsize=8, color="#555555")
    step()

    # Levels per area: one stacked horizontal bar per area, in percent.
    levels = figure.add_axes((0.3, 0.29, 0.6, 0.14))
    area_totals = {int(r.key[-1]): r for r in figures.areas.rows if r.is_total}
    names = [t.gettext(AREA_SHORT_NAMES[a]) for a in AREAS]
    left = [0.0] * len(AREAS)
    colours = {
        "not_assessed": "#d9d9d9",
        "none": "#fdae6b",
        "basic": "#9ecae1",
        "above_basic": "#3182bd",
    }
    for level in colours:
        widths = []
        for area in AREAS:
            row = area_totals.get(area)
            counts = dict(zip(figures.areas.count_columns, row.counts, strict=True)) if row else {}
            done = counts.get("completed", 0)
            widths.append(100 * counts.get(level, 0) / done if done else 0.0)
        levels.barh(
            names, widths, left=left, color=colours[level], label=t.gettext(LEVEL_NAMES[level])
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    levels.set_xlim(0, 100)
    levels.xaxis.set_major_formatter(_number_ticks(t))
    levels.invert_yaxis()
    levels.set_title(t.gettext(LEVELS_TITLE), fontsize=11, loc="left")
    levels.legend(loc="lower center", bbox_to_anchor=(0.3, -0.5), ncol=4, fontsize=7, frameon=False)
    step()

    # The notes: method, caveat, context, wrapped to the page's width.
    y = 0.2
    for line in notes(months, t):
        wrapped = textwrap.fill(line, 118)
        fig_text(0.07, y, wrapped, fontsize=8, va="top", color="#222222")
        y -= 0.0125 * (wrapped.count("\n") + 1) + 0.008
    return figure


def render_pdf(
    figures: ReportFigures,
    t: Translator,
    step: Callable[[], None] = lambda: None,
) -> bytes:
    """The report as PDF bytes (A4 portrait); `step` is called after each part."""
    figure = draw_report(figures, t, step)
    buffer = io.BytesIO()
    figure.savefig(
        buffer, format="pdf", metadata={"Title": t.gettext(TITLE), "Creator": "skillcheck"}
    )
    step()
    return buffer.getvalue()


REPORT_STEPS = 4  # the calls to `step` in render_pdf
