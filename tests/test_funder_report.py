"""The report's charts speak the report's language: months, numbers, period."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from sample_records import make
from skillcheck.funder_report import _number_ticks, draw_report, month_label, report_figures
from skillcheck.releases import publish
from skillcheck.reports import report_translator
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
    publish(db, dt.date(2026, 12, 1))
    try:
        yield report_figures(db, "2026-Q1")
    finally:
        db.close()


EXPECTED = {
    # language: (month ticks, thousands on the visits axis, the period line)
    "fr": (["janv. 2026", "févr. 2026", "mars 2026"], f"2{NNBSP}000", "T1 2026"),
    "nl": (["jan 2026", "feb 2026", "mrt 2026"], "2.000", "1e kwartaal 2026"),
    "de": (["Jan. 2026", "Feb. 2026", "März 2026"], "2.000", "1. Quartal 2026"),
    # English as written in Belgium (en_BE): decimal comma.
    "en": (["Jan 2026", "Feb 2026", "Mar 2026"], "2.000", "Q1 2026"),
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


def _texts(figure) -> str:
    return " ".join(text.get_text() for text in figure.texts)


def test_a_small_period_hides_share_completion_and_bars_together(tmp_path):
    """Issue 23: one rule hides the headline, the completion and the area bars, says why
    in the report's language, and prints no hidden number; no chart is drawn."""
    db = open_database(tmp_path / "small.db")
    save_sessions(db, [make(day=f"2026-01-{1 + i % 28:02d}") for i in range(40)])
    publish(db, dt.date(2026, 12, 1))
    figures = report_figures(db, "2026-01", site="Bibliotheek Gent")
    db.close()
    for language in ("en", "fr", "nl", "de"):
        t = report_translator(language)
        figure = draw_report(figures, t)
        assert figure.axes == []  # no chart
        text = _texts(figure)
        assert t.gettext("Visits: {visits}").split(":")[0] in text
        words = t.gettext(
            "Too few completed visits in this period to show results (fewer than {base}): "
            "the share, the completion and the levels per area are not shown, so that nobody "
            "can be recognised and the noise does not pass for a result."
        )
        assert " ".join(words.split()[:3]) in " ".join(text.split())
        assert t.gettext("hidden") not in text.replace("hidden by", "")


def test_an_empty_database_gives_one_page_that_says_so(tmp_path):
    db = open_database(tmp_path / "empty.db")
    figures = report_figures(db)
    db.close()
    figure = draw_report(figures, report_translator("de"))
    assert figure.axes == []
    assert "skillcheck publish" in _texts(figure)
    assert "…" not in _texts(figure)  # no open-ended period


def test_the_headline_is_the_dsi_share_with_its_n_beside_belgium(tmp_path):
    """The headline names its rule and n; Belgium's official figure stands beside it
    with its series and year, and the caveat says who came."""
    db = open_database(tmp_path / "k.db")
    records = [make(day="2026-01-05", category="basic", scoring_version=3) for _ in range(60)]
    records += [make(day="2026-01-06", category="none", scoring_version=3) for _ in range(60)]
    save_sessions(db, records)
    try:
        publish(db, dt.date(2026, 12, 1))
        figures = report_figures(db, "2026-01")
    finally:
        db.close()
    t = report_translator("en")
    texts = " ".join(text.get_text() for text in draw_report(figures, t).texts)
    flat = " ".join(texts.split())
    assert figures.scoring_version == "3"
    # n is the published (protected) count of completed visits: near 120, never exact.
    match = re.search(
        r"(\d+)% of (\d+) completed visits have at least basic digital skills, by rule 3", flat
    )
    assert match and abs(int(match.group(2)) - 120) <= 10, flat
    assert "Belgium: 59%" in flat and "(2023)" in flat
    assert "isoc_sk_dskl_i21" in flat and "I_DSK2_BAB" in flat
    assert "not a sample of Belgians aged 16-74" in flat


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_nothing_on_the_page_is_drawn_over_anything_else(figures, language):
    """Seen in the German PDF: the headline wraps to three lines and the trend chart's
    title was written over the visits line. Every text block of the page, each chart
    (with its ticks, labels and title) and the legend: no two boxes overlap."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = draw_report(figures, report_translator(language))
    FigureCanvasAgg(figure)
    renderer = figure.canvas.get_renderer()
    figure.draw(renderer)
    trend, share_axis, levels = figure.axes
    boxes = [(text.get_text()[:30], text.get_window_extent(renderer)) for text in figure.texts]
    # The trend and its share axis are one chart (twins share their place).
    chart = trend.get_tightbbox(renderer).union(
        [trend.get_tightbbox(renderer), share_axis.get_tightbbox(renderer)]
    )
    boxes.append(("trend chart", chart))
    # The level chart without its legend (drawn below it), then the legend on its own.
    legend = levels.get_legend()
    legend.set_visible(False)
    boxes.append(("level chart", levels.get_tightbbox(renderer)))
    legend.set_visible(True)
    boxes.append(("legend", legend.get_window_extent(renderer)))
    for i, (name, box) in enumerate(boxes):
        for other, other_box in boxes[i + 1 :]:
            assert not box.overlaps(other_box), (language, name, other)
