"""Every question whole on the smallest supported screen (60x20) and at 80x24, in
every language: all its answers in view without paging, no button broken over
lines, and from 80x24 up answers three rows tall (a touch target)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from textual.widgets import Button

from kiosk_driver import assert_fully_visible, make_app, run, start_visit, tappable
from skillcheck.bank import Item
from skillcheck.session import Progress
from skillcheck.tui.widgets.answer import AnswerButton
from skillcheck.tui.widgets.paging import PagedBody

FOUR = ("nl", "fr", "de", "en")
# A long site name: the top bar takes two rows in some languages.
SITE = "Bibliotheek Gent – De Krook"


@dataclass(frozen=True)
class AtItem:
    """What the question screen reads from a session, at one chosen item: every
    item of the bank can be shown, not only those one visit's path reaches. The
    longest answer is marked as given before (after Back), its longest label."""

    current: Item

    @property
    def progress(self) -> Progress:
        return Progress(number=12, at_most=25)

    can_go_back = True

    def previous_answer(self) -> str | None:
        return max(self.current.answers, key=lambda a: len(a.text)).code


@pytest.mark.parametrize("size", [(60, 20), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", FOUR)
def test_every_question_whole_without_paging(tmp_path, language, size):
    width, height = size

    async def scenario():
        app = make_app(tmp_path, languages=FOUR, site=SITE)
        layouts = {}
        async with app.run_test(size=size) as pilot:
            await start_visit(pilot, language)
            screen = app.screen
            body = screen.query_one(PagedBody)
            for item in app.bank.items:
                screen.show(AtItem(item))
                await pilot.pause()
                await pilot.pause()
                where = f"{language} {width}x{height} {item.id} ({screen.layout_name})"
                assert body.max_scroll_y == 0, f"{where}: the answers need paging"
                assert not screen.query(".page.-shown"), where
                answers = [b for b in screen.query(AnswerButton) if b.display]
                assert len(answers) == len(item.answers), where
                for button in answers:
                    assert tappable(button), f"{where}: answer {button.number} out of reach"
                    if size == (80, 24):
                        assert button.region.height >= 3, f"{where}: {button.region}"
                for button_id in ("#back", "#stop"):
                    button = screen.query_one(button_id, Button)
                    assert tappable(button), f"{where}: {button_id}"
                    # one piece: its label on one line (one row compact, three tall)
                    assert button.region.height in (1, 3), f"{where}: {button.region}"
                assert_fully_visible(app)
                layouts[item.id] = screen.layout_name
        return layouts

    layouts = run(scenario())
    if size == (80, 24):
        assert set(layouts.values()) <= {"-roomy", "-tall", "-close"}, layouts
