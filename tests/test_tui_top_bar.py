"""The top bar at 60×20 (a large font in the browser) and 80×24, in every shipped
language and both contrasts: no word cut, no button label cut, nothing past the edge.

At 60 columns where you are and the buttons do not fit on one line: where you are
takes its own line (wrapped between words) and the buttons the next; at 80 columns
the bar stays one line with a short site name (test_tui_read_aloud checks that); this
long one takes two there too on question screens.
"""

from __future__ import annotations

import pytest

from kiosk_driver import assert_fully_visible, make_app, rendered_text, run
from skillcheck.tui.widgets.bars import TopBar

FOUR = ("nl", "fr", "de", "en")
SITE = "Bibliotheek Gent – De Krook"


def check_bar(app, label: str) -> None:
    bar = app.screen.query_one(TopBar)
    width = app.screen.size.width
    assert bar.region.right <= width, label
    where = bar.query_one("#where")
    painted = rendered_text(where).split()
    # Every word whole: a word cut across two lines would show as two other words.
    assert painted == bar.where.split(), (label, rendered_text(where))
    for button in bar.query(".top-button"):
        text = rendered_text(button)
        assert text.strip() == button.label.plain, (label, text, button.label.plain)
        assert button.region.height == 1 and button.region.right <= width, label
    # One line, or two when where you are (this long site name) needs its own.
    assert bar.region.height <= 2, (label, bar.region)
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
