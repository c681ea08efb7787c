"""The top bar at 60×20 (a large font in the browser) and from 80×24 up, in every
shipped language and both contrasts: no word cut, no button label cut, nothing past
the edge.

At 60 columns the bar is one row (issue 24; it took two): the language button's
words give way to the languages' codes, then "C: High contrast" to "C: Contrast",
then where you are is cut after a whole word ("Bibliotheek Gent…"). From 80×24 up
its buttons (read aloud, language, contrast) are three rows tall, a touch target
(WCAG 2.2, 2.5.8: 24×24 CSS px; a row is 21 px at 16 px text), with where you are
beside them over those three rows: on the question screen that is the area, so the
bar's two new rows cost the answers nothing (test_tui_small_screens).
"""

from __future__ import annotations

import pytest

from kiosk_driver import (
    answer_step,
    assert_fully_visible,
    in_questions,
    make_app,
    rendered_text,
    run,
    tappable,
    tick_all,
)
from skillcheck.tui.screens.question import QuestionScreen
from skillcheck.tui.widgets.bars import TopBar, roomy

FOUR = ("nl", "fr", "de", "en")
SITE = "Bibliotheek Gent – De Krook"


def check_bar(app, label: str) -> None:
    bar = app.screen.query_one(TopBar)
    width, height = app.screen.size
    assert bar.region.right <= width, label
    where = bar.query_one("#where")
    painted = rendered_text(where).split()
    words = bar.where.split()
    # Every word whole: a word cut across two lines would show as two other words.
    # Where room is short, whole words then "…", never a word cut in two.
    if painted != words:
        assert painted and painted[-1].endswith("…"), (label, painted, words)
        kept = [*painted[:-1], painted[-1].removesuffix("…")]
        kept = [word for word in kept if word]
        assert kept == words[: len(kept)] and len(kept) < len(words), (label, painted)
    tall = roomy(width, height)
    buttons = list(bar.query(".top-button"))
    assert len(buttons) >= 2, label  # read aloud, (language,) contrast
    for button in buttons:
        text = rendered_text(button)
        assert text.strip() == button.label.plain, (label, text, button.label.plain)
        assert button.region.right <= width and tappable(button), (label, button.id)
        # Three rows from 80x24 up: a touch target; one row below, or no room.
        assert button.region.height == (3 if tall else 1), (label, button.id, button.region)
    assert bar.region.height == (3 if tall else 1), (label, bar.region)
    assert_fully_visible(app)


@pytest.mark.parametrize("language", FOUR)
@pytest.mark.parametrize("size", [(60, 20), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_top_bar_cuts_nothing(tmp_path, language, size):
    async def scenario():
        app = make_app(tmp_path, languages=FOUR, site=SITE)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            for step in ("welcome", "before you start", "first question"):
                for contrast in ("normal", "high"):
                    check_bar(app, f"{language} {size} {step} {contrast}")
                    await pilot.press("c")  # the contrast label changes length
                    await pilot.pause()
                number = FOUR.index(language) + 1
                await pilot.press(str(number) if step == "welcome" else "enter")
                await pilot.pause()

    run(scenario())


@pytest.mark.parametrize("language", FOUR)
@pytest.mark.parametrize("size", [(60, 20), (80, 24), (100, 30)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_top_bar_on_every_screen_of_a_visit(tmp_path, language, size):
    """Through a whole visit (welcome, before you start, the internet question,
    every tick-list and question, the result, the thank-you screen): one row at
    60x20, buttons three rows tall from 80x24 up, with the long site name; on the
    question screen from 80x24 up the bar says the area."""

    async def scenario():
        app = make_app(tmp_path, languages=FOUR, site=SITE)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            check_bar(app, f"{language} {size} welcome")
            await pilot.press(str(FOUR.index(language) + 1))
            await pilot.pause()
            check_bar(app, f"{language} {size} intro")
            await pilot.press("enter")
            await pilot.pause()
            steps = 0
            while in_questions(app) and not app.session.finished:
                await pilot.pause()
                where = f"{language} {size} {app.session.current.key}"
                check_bar(app, where)
                bar = app.screen.query_one(TopBar)
                if isinstance(app.screen, QuestionScreen) and roomy(*size):
                    assert app.screen.area_name == bar.where, where
                else:
                    assert bar.where == SITE, where
                await answer_step(pilot, ticker=tick_all)
                steps += 1
            await pilot.pause()
            await app.workers.wait_for_complete()
            check_bar(app, f"{language} {size} result")
            await pilot.press("enter")
            await pilot.pause()
            check_bar(app, f"{language} {size} thanks")
            return steps

    assert run(scenario()) > 5
