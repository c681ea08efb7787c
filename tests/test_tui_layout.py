"""Layout at the sizes a kiosk meets: the key hints on one line at 80x24 in every
language (the open dialog's keys while it is open), five offered languages at 80x24,
and the main screens usable at 60x20 (what 1280x800 gives at a large font), with
everything reachable by a tap: no wheel, no arrow keys."""

from __future__ import annotations

import pytest
from textual.widgets import Button

from kiosk_driver import (
    PIN_HASH,
    answer_all,
    assert_fully_visible,
    five_languages,
    in_questions,
    make_app,
    mastered_number,
    run,
    tappable,
    tick_all,
)
from skillcheck.tui.screens.activities import ActivitiesScreen, TickButton
from skillcheck.tui.screens.base import PAGE_ARROWS, KioskModal
from skillcheck.tui.screens.language import LanguageModal
from skillcheck.tui.screens.question import QuestionScreen
from skillcheck.tui.screens.result import ResultScreen
from skillcheck.tui.widgets.answer import AnswerButton
from skillcheck.tui.widgets.bars import KeyBar, TopBar
from skillcheck.tui.widgets.initiative_card import InitiativeCard, UrlLine

LANGUAGES = ["nl", "fr", "en"]


def key_bar_on_one_line(app) -> str:
    """The key hints of what is open: one line at the bottom, whole; returns them."""
    screen = app.screen
    bar = screen.query_one(KeyBar)
    assert bar.region.height == 1, f"key hints on {bar.region.height} lines: {bar.content}"
    assert bar.region.bottom == screen.size.height
    assert_fully_visible(app)
    hints = str(bar.content)
    if app.reads_aloud and not isinstance(screen, KioskModal):
        # Where "R: read aloud" gives way to the other hints, the top bar's button
        # still offers it.
        said = any(hint in hints for hint in bar.droppable)
        assert said or tappable(screen.query_one("#read-aloud-button")), hints
    return hints


@pytest.mark.parametrize("language", LANGUAGES)
def test_key_hints_fit_one_line_at_80x24_and_follow_the_open_dialog(tmp_path, language):
    async def scenario():
        app = make_app(tmp_path, pin_hash=PIN_HASH)  # practice mode: the longest hints
        async with app.run_test(size=(80, 24)) as pilot:
            t = app.translators[language]
            key_bar_on_one_line(app)
            await pilot.press(str(list(app.translators).index(language) + 1))
            await pilot.pause()
            assert t.gettext("Enter: start") in key_bar_on_one_line(app)
            await pilot.press("enter")
            await pilot.pause()
            hints = key_bar_on_one_line(app)
            assert t.gettext("Esc: stop") in hints
            assert t.gettext("Ctrl+Q: quit") in hints  # the way out is never dropped
            dialogs = [
                ("escape", t.gettext("2 or Esc: go on")),
                ("l", t.gettext("Esc: cancel")),
            ]
            for key, hint in dialogs:
                await pilot.press(key)
                await pilot.pause()
                assert isinstance(app.screen, KioskModal)
                assert hint in key_bar_on_one_line(app)
                await pilot.press("escape")
                await pilot.pause()
            app.show_idle_warning()
            await pilot.pause()
            assert t.gettext("Any key: go on") in key_bar_on_one_line(app)
            await pilot.press("space")
            await pilot.press("f12")
            await pilot.pause()
            assert t.gettext("Enter: OK") in key_bar_on_one_line(app)
            await pilot.press("escape")
            await answer_all(pilot, mastered_number, tick_all)
            assert t.gettext("Enter: finish") in key_bar_on_one_line(app)
            await app.workers.wait_for_complete()
            await pilot.press("enter")
            await pilot.pause()
            key_bar_on_one_line(app)
            app.open_facilitator()
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert t.gettext("Esc: back to the kiosk") in key_bar_on_one_line(app)

    run(scenario())


def top_bar_on_one_line(app) -> TopBar:
    """The top bar of the screen shown at 80x24: as tall as its buttons (three rows,
    issue 24), where you are beside them, never on a line of its own."""
    bar = app.screen.query_one(TopBar)
    assert bar.region.height == 3, f"top bar on {bar.region.height} rows: {bar.where}"
    assert not bar.has_class("-stacked")
    return bar


@pytest.mark.parametrize("language", [*LANGUAGES, "de"])
def test_the_top_bar_is_one_row_on_every_screen_at_80x24(tmp_path, language):
    """Where you are never takes a row from the text at 80 columns ("Avant de /
    commencer" did): beside the three-row buttons it may wrap over their rows; the
    language button's words give way to the languages' codes where they leave no
    room, and only there."""
    codes = ("nl", "fr", "en", "de") if language == "de" else ("nl", "fr", "en")

    async def scenario():
        app = make_app(tmp_path, languages=codes, site="skillcheck")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.click(f"#lang-{language}")
            await pilot.pause()
            labels = {}
            for step in ("intro", "question"):
                bar = top_bar_on_one_line(app)
                labels[step] = str(bar.query_one("#language-button", Button).label)
                await pilot.press("enter")
                await pilot.pause()
            await answer_all(pilot, mastered_number, tick_all)
            top_bar_on_one_line(app)  # the result
            await app.workers.wait_for_complete()
            await pilot.press("enter")
            await pilot.pause()
            top_bar_on_one_line(app)  # thanks
            app.open_facilitator()
            await pilot.pause()
            await app.workers.wait_for_complete()
            top_bar_on_one_line(app)
            return labels

    labels = run(scenario())
    translators = make_app(tmp_path, languages=codes).translators
    words = " · ".join(translators[code].gettext("Language") for code in codes)
    # With three languages the words fit beside where you are (wrapped over the
    # bar's three rows); with four they leave it too little room.
    if len(codes) == 3:
        assert words in labels["question"], labels
        assert words in labels["intro"], labels
    else:
        assert " · ".join(c.upper() for c in codes) in labels["intro"], labels


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_actions_row_keeps_its_height_when_paging_at_80x24(tmp_path, language):
    """The intro's buttons never wrap when the page buttons come and go: in German
    "Zurück zu den Sprachen (Esc)" wrapped once "↑ Zurück nach oben" appeared, the
    row grew a line and every button jumped. Where the words do not fit, the page
    buttons show their arrows only; where they do (English), their words."""
    codes = ("nl", "fr", "en", "de")

    async def scenario():
        app = make_app(tmp_path, languages=codes)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.click(f"#lang-{language}")
            await pilot.pause()
            screen = app.screen
            heights, labels = set(), []
            for key in ("pagedown", "pagedown", "pageup"):
                heights.add(screen.query_one("#actions").region.height)
                for button in screen.query("#actions Button").results(Button):
                    if button.display:
                        assert button.region.height == 3, (str(button.label), button.region)
                        labels.append(str(button.label))
                await pilot.press(key)
                await pilot.pause()
            return heights, labels

    heights, labels = run(scenario())
    assert heights == {3}
    t = make_app(tmp_path, languages=codes).translators[language]
    assert t.gettext("Back to languages (Esc)") in labels
    if language == "en":
        assert t.gettext("More ↓ (PgDn)") in labels and t.gettext("↑ Back up (PgUp)") in labels
    else:
        assert PAGE_ARROWS["page-up"] in labels


def test_five_languages_at_80x24(tmp_path):
    codes = ("nl", "fr", "en", "de", "it")  # "it": a stand-in carrying the French texts

    async def scenario():
        app = make_app(tmp_path, locales_dir=five_languages(tmp_path), languages=codes)
        async with app.run_test(size=(80, 24)) as pilot:
            assert list(app.translators) == list(codes)
            for code in codes:
                assert tappable(app.screen.query_one(f"#lang-{code}", Button)), code
            await pilot.click("#lang-de")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, QuestionScreen)
            key_bar_on_one_line(app)
            assert tappable(app.screen.query_one("#language-button"))
            await pilot.click("#language-button")
            await pilot.pause()
            assert isinstance(app.screen, LanguageModal)
            for code in codes:
                assert tappable(app.screen.query_one(f"#lang-{code}", Button)), code
            assert tappable(app.screen.query_one("#cancel", Button))
            key_bar_on_one_line(app)
            await pilot.click("#lang-it")
            await pilot.pause()
            assert app.language == "it" and isinstance(app.screen, QuestionScreen)

    run(scenario())


async def page_to(pilot, widget) -> int:
    """Tap "More ↓" until `widget` can be tapped; returns the taps needed."""
    for taps in range(30):
        if tappable(widget):
            return taps
        more = pilot.app.screen.query_one("#page-down", Button)
        assert tappable(more), f"{widget!r} is out of reach and there is no More ↓ to tap"
        await pilot.click("#page-down")
        await pilot.pause()
    raise AssertionError(f"{widget!r} never came into reach")


@pytest.mark.parametrize("language", [*LANGUAGES, "de"])
def test_main_screens_usable_at_60x20_with_four_languages(tmp_path, language):
    codes = ("nl", "fr", "en", "de")  # the four shipped languages

    async def scenario():
        app = make_app(tmp_path, languages=codes)
        async with app.run_test(size=(60, 20)) as pilot:
            for code in codes:
                assert tappable(app.screen.query_one(f"#lang-{code}", Button)), code
            await pilot.click(f"#lang-{language}")
            await pilot.pause()
            assert tappable(app.screen.query_one("#start", Button))
            await pilot.click("#start")
            await pilot.pause()
            assert isinstance(app.screen, QuestionScreen)
            assert tappable(app.screen.query_one("#stop", Button))
            # Every question: each answer in reach (paged by More ↓ if need be), and
            # Back and Stop always in view.
            while in_questions(app):
                screen = app.screen
                if isinstance(screen, ActivitiesScreen):  # every line in reach, too
                    lines = list(screen.query(TickButton))
                    for button in lines:
                        await page_to(pilot, button)
                    await pilot.click(f"#{lines[-1].id}")  # "None of these", in view now
                    await pilot.pause()
                    await page_to(pilot, screen.query_one("#go-on", Button))
                    assert tappable(screen.query_one("#stop", Button))
                    await pilot.click("#go-on")
                    await pilot.pause()
                    continue
                count = len(app.session.current.item.answers) if app.session.current.item else 2
                buttons = [b for b in screen.query(AnswerButton) if b.number <= count]
                for button in buttons:
                    await page_to(pilot, button)
                assert tappable(screen.query_one("#stop", Button))
                if app.session.can_go_back:
                    assert tappable(screen.query_one("#back", Button))
                step = app.session.current
                number = mastered_number(app.session, step.item) if step.item else 1
                await pilot.click(f"#answer-{number}")
                await pilot.pause()
                if app.session is not None and app.session.progress.number == 3:
                    await pilot.click("#language-button")
                    await pilot.pause()
                    dialog = app.screen
                    assert isinstance(dialog, LanguageModal)
                    for code in codes:
                        assert tappable(dialog.query_one(f"#lang-{code}", Button)), code
                    assert tappable(dialog.query_one("#cancel", Button))
                    await pilot.click("#cancel")
                    await pilot.pause()
            assert isinstance(app.screen, ResultScreen)
            await app.workers.wait_for_complete()
            assert tappable(app.screen.query_one("#finish", Button))
            cards = list(app.screen.query(InitiativeCard))
            await page_to(pilot, cards[-1])
            assert tappable(app.screen.query_one("#page-up", Button))
            assert tappable(app.screen.query_one("#finish", Button))

    run(scenario())


def test_the_result_is_paged_to_the_end_by_taps_at_80x24(tmp_path):
    async def scenario():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.click("#lang-en")
            await pilot.pause()
            await pilot.click("#start")
            await pilot.pause()
            await answer_all(pilot, mastered_number, tick_all)
            screen = app.screen
            assert not tappable(screen.query_one("#page-up", Button))  # at the top
            # The end of the result: the last place's web address, or the last place
            # itself when the places recommended here have no address.
            ends = list(screen.query(UrlLine)) or list(screen.query(InitiativeCard))
            taps = await page_to(pilot, ends[-1])
            assert taps >= 1
            # No hint promises arrow keys: a touch screen has none.
            assert "Arrow" not in str(screen.query_one(KeyBar).content)
            while tappable(screen.query_one("#page-down", Button)):
                await pilot.click("#page-down")
                await pilot.pause()
            assert tappable(list(screen.query(InitiativeCard))[-1])
            await pilot.click("#page-up")
            await pilot.pause()
            await pilot.click("#finish")
            await pilot.pause()
            assert app.visit is None

    run(scenario())


def test_a_long_site_name_is_not_cut_on_question_screens_at_80x24(tmp_path):
    """A long site name is whole on the welcome; on the question screen the bar says
    the area there instead (issue 24: a row the area's heading took below), whole."""
    name = "Bibliothèque communale de Saint-Josse-ten-Noode"

    async def scenario():
        app = make_app(tmp_path, site=name)
        async with app.run_test(size=(80, 24)) as pilot:
            for language in LANGUAGES:
                bar = app.screen.query_one(TopBar)
                assert name == str(bar.query_one("#where").content)
                assert_fully_visible(app)
                await pilot.press(str(list(app.translators).index(language) + 1))
                await pilot.pause()
                await pilot.press("enter")
                await pilot.pause()
                bar = app.screen.query_one(TopBar)
                area = app.screen.area_name
                assert area and area == str(bar.query_one("#where").content)
                assert_fully_visible(app)
                await pilot.press("escape", "1")
                await pilot.pause()

    run(scenario())


@pytest.mark.parametrize("language", LANGUAGES)
def test_kiosk_mode_keeps_the_read_aloud_hint_at_80x24(tmp_path, language):
    """Without "Ctrl+Q: quit" (kiosk mode) "R: read aloud" fits beside the answer keys."""

    async def scenario():
        app = make_app(tmp_path, kiosk=True, pin_hash=PIN_HASH)
        async with app.run_test(size=(80, 24)) as pilot:
            t = app.translators[language]
            await pilot.press(str(list(app.translators).index(language) + 1))
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, QuestionScreen)
            assert t.gettext("R: read aloud") in key_bar_on_one_line(app)

    run(scenario())


def test_the_welcomes_page_buttons_are_arrows_in_no_language(tmp_path):
    """Before a language is chosen the page buttons say nothing in one language
    ("Meer ↓" was Dutch for everyone): arrows, which read the same in all."""

    async def scenario():
        app = make_app(tmp_path, languages=("nl", "fr", "en", "de"))
        async with app.run_test(size=(60, 20)) as pilot:
            await pilot.pause()
            more = app.screen.query_one("#page-down", Button)
            # the arrow, and the key that does the same (issue 23)
            assert tappable(more) and str(more.label) == "↓ PgDn" == PAGE_ARROWS["page-down"]
            await pilot.click("#page-down")
            await pilot.pause()
            assert str(app.screen.query_one("#page-up", Button).label) == "↑ PgUp"

    run(scenario())


def test_the_page_buttons_follow_a_resize(tmp_path):
    """Narrower, the page buttons give way to arrows and shrink with them; wider
    again, their words come back, each button as wide as its label."""

    async def scenario():
        app = make_app(tmp_path, languages=("nl", "fr", "en", "de"))
        async with app.run_test(size=(100, 24)) as pilot:
            await pilot.click("#lang-de")
            await pilot.pause()
            await pilot.press("pagedown")
            await pilot.pause()
            up = app.screen.query_one("#page-up", Button)
            sizes = []
            for width in (100, 80, 100):
                await pilot.resize_terminal(width, 24)
                await pilot.pause()
                sizes.append((str(up.label), up.region.width))
            return sizes

    (wide, words), (narrow, arrow), (again, words_again) = run(scenario())
    assert wide == again != "↑ PgUp" and narrow == "↑ PgUp"
    assert "(" in wide  # the words name the key too: "↑ Zurück nach oben (Bild↑)"
    assert arrow < words == words_again
