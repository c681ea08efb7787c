"""The report's charts speak the report's language: months, numbers, period."""

from __future__ import annotations

import re

import pytest

from sample_records import make
from skillcheck.funder_report import _number_ticks, draw_report, month_label, report_figures
from skillcheck.reports import Filters, report_translator
from skillcheck.store import open_database, save_sessions

NNBSP = "\u202f"  # the group separator of fr_BE


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "k.db"
    db = open_database(path)
    # Enough visits in January for thousands on the visits axis.
    days = [f"2026-01-{1 + i % 31:02d}" for i in range(3000)]
    days += [f"2026-02-{1 + i % 28:02d}" for i in range(600)]
    days += [f"2026-03-{1 + i % 20:02d}" for i in range(400)]
    save_sessions(db, [make(day=day) for day in days])
    try:
        yield report_figures(db, Filters(since="2026-01-01", until="2026-03-20"))
    finally:
        db.close()


EXPECTED = {
    # language: (month ticks, thousands on the visits axis, the period line)
    "fr": (
        ["janv. 2026", "févr. 2026", "mars 2026*"],
        f"2{NNBSP}000",
        "1 janvier 2026 – 20 mars 2026",
    ),
    "nl": (["jan 2026", "feb 2026", "mrt 2026*"], "2.000", "1 januari 2026 – 20 maart 2026"),
    "de": (["Jan. 2026", "Feb. 2026", "März 2026*"], "2.000", "1. Januar 2026 – 20. März 2026"),
    # English as written in Belgium (en_BE): day first, decimal comma.
    "en": (["Jan 2026", "Feb 2026", "Mar 2026*"], "2.000", "1 January 2026 – 20 March 2026"),
}


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_chart_ticks_are_in_the_reports_language(figures, language):
    months, thousands, period = EXPECTED[language]
    t = report_translator(language)
    figure = draw_report(figures, t)
    figure.draw_without_rendering()  # tick labels are made when the figure is drawn
    trend, share_axis, levels = figure.axes
    assert [label.get_text() for label in trend.get_xticklabels()] == months
    visits = [label.get_text() for label in trend.get_yticklabels()]
    assert thousands in visits
    assert visits == [t.format_number(round(value)) for value in trend.get_yticks()]
    assert [label.get_text() for label in share_axis.get_yticklabels()][-1] == "100"
    assert [label.get_text() for label in levels.get_xticklabels()][:2] == ["0", "20"]
    assert any(period in text.get_text() for text in figure.texts)


@pytest.mark.parametrize(
    "language, expected",
    [("fr", f"1{NNBSP}234,5"), ("nl", "1.234,5"), ("de", "1.234,5"), ("en", "1.234,5")],
)
def test_axis_numbers_use_the_languages_decimal_mark(language, expected):
    assert _number_ticks(report_translator(language))(1234.5, 0) == expected
    assert _number_ticks(report_translator(language))(0.30000000000000004, 0) == "0,3"


def test_month_label():
    assert month_label("2026-01", report_translator("fr")) == "janv. 2026"


def test_the_headline_is_the_dsi_share_with_its_n_beside_belgium_and_the_region(tmp_path):
    """The headline names its rule and n; Belgium's and the region's official figures
    stand beside it with their series and year, and the caveat says who came."""
    db = open_database(tmp_path / "k.db")
    records = [make(day="2026-12-01", category="basic", scoring_version=3) for _ in range(60)]
    records += [make(day="2026-12-02", category="none", scoring_version=3) for _ in range(60)]
    save_sessions(db, records)
    try:
        figures = report_figures(db, Filters())
    finally:
        db.close()
    t = report_translator("en")
    texts = " ".join(text.get_text() for text in draw_report(figures, t).texts)
    flat = " ".join(texts.split())
    assert figures.months.filters.rule == 3 and figures.region == "flanders"
    # n is the published (protected) count of completed visits: near 120, never exact.
    match = re.search(
        r"(\d+)% of (\d+) completed visits have at least basic digital skills, by rule 3", flat
    )
    assert match and abs(int(match.group(2)) - 120) <= 10, flat
    assert "Belgium: 59%" in flat and "Flanders: 61%" in flat and "(2023)" in flat
    assert "isoc_sk_dskl_i21" in flat and "I_DSK2_BAB" in flat
    assert "not a sample of Belgians aged 16-74" in flat
