"""`skillcheck report`: a one-page PDF for a funder, from the protected figures only.

Every number and chart comes from `reports.build_export`, which reads only released
figures (skillcheck.releases), never true counts: the page may be handed out.
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

from skillcheck.digcomp import (
    AREA_RESULTS,
    AREA_SHORT_NAMES,
    AREAS,
    DSI_CAVEAT,
    DSI_RULE_CAVEAT,
    N_,
)
from skillcheck.i18n import Translator
from skillcheck.plain_text import plain
from skillcheck.releases import last_released_period, period_days, period_kind, released_periods
from skillcheck.reports import ExportRow, ExportTable, Filters, build_export, notes
from skillcheck.scoring import RULE_NAMES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TITLE = N_("Digital skills self-assessment")
ALL_SITES = N_("all sites")
HEADLINE = N_("{share} of {count} completed visits have at least basic digital skills, by {rule}")
# The official figure beside the headline, its series and year printed under it
# (docs/scoring.md gives the sources): Eurostat isoc_sk_dskl_i21, indicator I_DSK2_BAB,
# individuals aged 16-74. (i20's regional figures need the released cells by region:
# not drawn on this page yet.)
OFFICIAL_BELGIUM = (0.59, 2023)
OFFICIAL_LINE = N_("Belgium: {share} ({year})")
OFFICIAL_SOURCE = N_(
    "Belgium: Eurostat, series isoc_sk_dskl_i21 (I_DSK2_BAB, people aged 16-74), {year}."
)
VISITS_LINE = N_(
    "Visits: {visits} · completed: {completed} ({completion}) · abandoned: {abandoned}"
)
ONLY_VISITS_LINE = N_("Visits: {visits}")
# The one rule (reports.PERCENT_MIN_BASE) hides the headline, the completion figure and
# the area bars together; this sentence says why, and no hidden number is printed.
TOO_FEW = N_(
    "Too few completed visits in this period to show results (fewer than {base}): "
    "the share, the completion and the levels per area are not shown, so that nobody "
    "can be recognised and the noise does not pass for a result."
)
QUIETER_SITE = N_(
    "A site with few visits gets its figures per quarter or per year: ask for a "
    "quarter or for the whole year {year}."
)
NOTHING_PUBLISHED = N_(
    "Nothing has been published for this period yet. Figures are published only for "
    "closed periods ({grace} days after their last day), once, with `skillcheck publish`."
)
EARLIER_RULE = N_(
    "Figures of scoring version {version}; visits scored by another version are not counted here."
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
QUARTER_LABEL = N_("Q{quarter} {year}")


@dataclass(frozen=True)
class ReportFigures:
    """The released tables the page is drawn from: the period asked for (visits and
    levels per area) and the months of its year (the trend)."""

    period: str
    site: str | None
    visits: ExportTable
    areas: ExportTable
    months: ExportTable
    released: bool

    @property
    def scoring_version(self) -> str | None:
        """The latest scoring version of the period (figures never mix versions)."""
        versions = {row.key[1] for row in self.visits.rows}
        return max(versions, key=int) if versions else None

    def row(self, table: ExportTable, area: int | None = None) -> ExportRow | None:
        """The period's row of a table for the report's scoring version."""
        for row in table.rows:
            if (
                row.key[0] == self.period
                and row.key[1] == self.scoring_version
                and (area is None or row.key[-1] == str(area))
            ):
                return row
        return None


def report_figures(
    db: sqlite_utils.Database,
    period: str | None = None,
    site: str | None = None,
    min_count: int | None = None,
) -> ReportFigures:
    """The released tables for one period (default: the latest released month)."""
    period = period or last_released_period(db) or dt.date.today().isoformat()[:7]
    kind = period_kind(period)
    first, last = period_days(period)
    filters = Filters(since=first, until=last, site=site)
    visits = build_export(db, by=kind, filters=filters, min_count=min_count)
    areas = build_export(db, by=kind, group=["area"], filters=filters, min_count=min_count)
    year = Filters(since=f"{period[:4]}-01-01", until=last, site=site)
    months = build_export(db, by="month", filters=year, min_count=min_count)
    return ReportFigures(period, site, visits, areas, months, period in released_periods(db))


def month_label(month: str, t: Translator) -> str:
    """A "YYYY-MM" period as readers write it: "janv. 2026" (fr), "jan. 2026" (nl)."""
    year, number = month.split("-")
    return t.format_date(dt.date(int(year), int(number), 1), "MMM y")


def period_label(period: str, t: Translator) -> str:
    """A period in words: "mars 2026", "T1 2026", "2026"."""
    kind = period_kind(period)
    if kind == "year":
        return period
    if kind == "quarter":
        return t.gettext(QUARTER_LABEL).format(quarter=period[-1], year=period[:4])
    return t.format_date(dt.date.fromisoformat(period + "-01"), "MMMM y")


def _number_ticks(t: Translator):
    """Axis tick labels as numbers in the report's language (decimal comma in nl, fr)."""
    from matplotlib.ticker import FuncFormatter

    # round: a tick at 0.30000000000000004 reads 0,3, not 0,300000000000000004
    return FuncFormatter(lambda value, _: t.format_number(round(float(value), 6)))


# Where the trend chart's top is, and the room its title takes above it (page fractions).
TREND_TOP = 0.74
CHART_TITLE = 0.035


def _paragraph(fig_text, y: float, text: str, size: float = 11, width: int = 80) -> float:
    wrapped = textwrap.fill(text, width)
    fig_text(0.07, y, wrapped, fontsize=size, va="top")
    return y - 0.022 * (wrapped.count("\n") + 1) * size / 11 - 0.012


def draw_report(
    figures: ReportFigures,
    t: Translator,
    step: Callable[[], None] = lambda: None,
) -> Figure:
    """The report's page as a matplotlib Figure (A4 portrait); `step` after each part.

    One rule decides what is shown: when the period's published completed visits are
    under the table's minimum (or nothing is published), the page says so in a
    sentence and shows no share, no completion and no chart.
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    visits_table = figures.visits
    row = figures.row(visits_table)
    figure = Figure(figsize=(8.27, 11.69))
    fig_text = figure.text
    scope = plain(figures.site) if figures.site else t.gettext(ALL_SITES)
    fig_text(0.07, 0.955, t.gettext(TITLE), fontsize=18, weight="bold")
    fig_text(
        0.07, 0.93, f"{scope} · {period_label(figures.period, t)}", fontsize=11, color="#333333"
    )
    y = 0.9
    if row is None or row.hidden:
        if row is None:
            text = t.gettext(NOTHING_PUBLISHED).format(grace=visits_table.grace_days)
            y = _paragraph(fig_text, y, text, 12)
        else:
            visits = row.value(visits_table.count_columns, "sessions") or 0
            line = t.gettext(ONLY_VISITS_LINE).format(visits=t.format_number(visits))
            y = _paragraph(fig_text, y, line, 12)
            y = _paragraph(fig_text, y, t.gettext(TOO_FEW).format(base=visits_table.min_base))
            if figures.site and period_kind(figures.period) != "year":
                y = _paragraph(fig_text, y, t.gettext(QUIETER_SITE).format(year=figures.period[:4]))
        for _ in range(3):
            step()
        _notes(fig_text, visits_table, t, min(y - 0.02, 0.6))
        return figure

    columns = visits_table.count_columns
    completion, headline = visits_table.percents(row)
    share = t.format_percent(headline / 100) if isinstance(headline, float) else "–"
    rule = int(figures.scoring_version or 0)
    text = t.gettext(HEADLINE).format(
        share=share,
        count=t.format_number(row.value(columns, "completed") or 0),
        rule=t.gettext(RULE_NAMES[rule]) if rule in RULE_NAMES else f"rule {rule}",
    )
    text = textwrap.fill(text, 70)
    fig_text(0.07, y, text, fontsize=13, weight="bold", va="top")
    # Beside it, Belgium's figure with its series and year, and the caveat: the same
    # questions and rule, not the same people.
    y -= 0.022 * (text.count("\n") + 1) + 0.004
    official = t.gettext(OFFICIAL_LINE).format(
        share=t.format_percent(OFFICIAL_BELGIUM[0]), year=OFFICIAL_BELGIUM[1]
    )
    fig_text(0.07, y, official, fontsize=11, weight="bold", va="top")
    small = textwrap.fill(t.gettext(OFFICIAL_SOURCE).format(year=OFFICIAL_BELGIUM[1]), 118)
    caveat = DSI_RULE_CAVEAT if rule >= 3 else DSI_CAVEAT
    small += "\n" + textwrap.fill(t.gettext(caveat), 118)
    fig_text(0.07, y - 0.02, small, fontsize=7.5, va="top", color="#333333")
    y -= 0.02 + 0.0115 * (small.count("\n") + 1) + 0.008
    visits = t.gettext(VISITS_LINE).format(
        visits=t.format_number(row.value(columns, "sessions") or 0),
        completed=t.format_number(row.value(columns, "completed") or 0),
        completion=t.format_percent(completion / 100) if isinstance(completion, float) else "–",
        abandoned=t.format_number(row.value(columns, "abandoned") or 0),
    )
    fig_text(0.07, y, visits, fontsize=10.5, va="top")
    y -= 0.022
    if len({r.key[1] for r in visits_table.rows}) > 1:
        fig_text(
            0.07, y,
            t.gettext(EARLIER_RULE).format(version=figures.scoring_version),
            fontsize=9, va="top", color="#555555",
        )  # fmt: skip
        y -= 0.02
    # A longer headline (German wraps it to three lines) moves the charts and notes
    # down rather than writing the trend's title over the visits line.
    shift = max(0.0, TREND_TOP + CHART_TITLE - y)
    step()

    # Trend: the released months of the period's year, visits as bars, the headline share
    # as a line on its own axis where the month is large enough to show it.
    trend = figure.add_axes((0.1, TREND_TOP - 0.16 - shift, 0.78, 0.16))
    months = [
        r for r in figures.months.rows if not r.is_total and r.key[1] == figures.scoring_version
    ]
    labels = [month_label(r.key[0], t) for r in months]
    trend.bar(
        labels, [r.value(figures.months.count_columns, "sessions") for r in months], color="#9ecae1"
    )
    trend.yaxis.set_major_locator(MaxNLocator(integer=True))  # visits are whole
    trend.yaxis.set_major_formatter(_number_ticks(t))
    trend.set_ylabel(t.gettext(VISITS_AXIS))
    trend.set_title(t.gettext(TREND_TITLE), fontsize=11, loc="left")
    trend.tick_params(axis="x", labelrotation=45 if len(months) > 6 else 0, labelsize=8)
    shares = [figures.months.percents(r)[1] for r in months]
    share_axis = trend.twinx()
    points = [(i, s) for i, s in enumerate(shares) if isinstance(s, float)]
    if points:
        share_axis.plot([i for i, _ in points], [s for _, s in points], color="#08519c", marker="o")
    share_axis.set_ylim(0, 100)
    share_axis.yaxis.set_major_formatter(_number_ticks(t))
    share_axis.set_ylabel(t.gettext(SHARE_AXIS))
    step()

    # Levels per area: one stacked horizontal bar per area, in percent.
    levels = figure.add_axes((0.3, 0.39 - shift, 0.6, 0.15))
    area_columns = figures.areas.count_columns
    names = [t.gettext(AREA_SHORT_NAMES[a]) for a in AREAS]
    left = [0.0] * len(AREAS)
    # Lowest first; more colours than levels, so a longer scale (scoring v3) still draws.
    palette = ("#fdae6b", "#9ecae1", "#3182bd", "#08519c", "#6baed6", "#c6dbef")
    colours = {level: palette[i % len(palette)] for i, level in enumerate(AREA_RESULTS)}
    for level in AREA_RESULTS:
        widths = []
        for area in AREAS:
            area_row = figures.row(figures.areas, area)
            # Shares of the published levels' sum: each cell is perturbed on its own,
            # so the levels need not add up to the area's completed visits, and a bar
            # of shares that stops short of 100 would look like missing people.
            counts = (
                [area_row.value(area_columns, lv) or 0 for lv in AREA_RESULTS] if area_row else []
            )
            count = area_row.value(area_columns, level) or 0 if area_row else 0
            widths.append(100 * count / sum(counts) if sum(counts) else 0.0)
        levels.barh(
            names, widths, left=left, color=colours[level],
            label=t.gettext(LEVEL_NAMES.get(level, level)),
        )  # fmt: skip
        left = [a + b for a, b in zip(left, widths, strict=True)]
    levels.set_xlim(0, 100)
    levels.xaxis.set_major_formatter(_number_ticks(t))
    levels.invert_yaxis()
    levels.set_title(t.gettext(LEVELS_TITLE), fontsize=11, loc="left")
    levels.legend(loc="lower center", bbox_to_anchor=(0.4, -0.5), ncol=3, fontsize=8, frameon=False)
    step()
    _notes(fig_text, visits_table, t, 0.28 - shift)
    return figure


def _notes(fig_text, table: ExportTable, t: Translator, y: float) -> None:
    """The notes (how far from the truth, caveat, context), wrapped to the page."""
    for line in notes(table, t, marks=False):
        wrapped = textwrap.fill(line, 128)
        fig_text(0.07, y, wrapped, fontsize=7.5, va="top", color="#222222")
        y -= 0.0115 * (wrapped.count("\n") + 1) + 0.006


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
