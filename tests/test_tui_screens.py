"""Every screen in every language at 80x24 and 120x40: each text is painted whole,
nothing is wider than the screen, and the high-contrast theme reaches 7:1."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Button

from kiosk_driver import (
    PIN_HASH,
    SIZES,
    answer_all,
    answer_step,
    assert_fully_visible,
    in_questions,
    make_app,
    mastered_number,
    run,
    tick_all,
)
from skillcheck.tui.screens.activities import ActivitiesScreen
from skillcheck.tui.screens.confirm_stop import ConfirmStopModal
from skillcheck.tui.screens.facilitator import FacilitatorScreen
from skillcheck.tui.screens.idle_warning import IdleWarningModal
from skillcheck.tui.screens.intro import IntroScreen
from skillcheck.tui.screens.language import LanguageModal
from skillcheck.tui.screens.pin import PinModal
from skillcheck.tui.screens.question import QuestionScreen
from skillcheck.tui.screens.result import ResultScreen
from skillcheck.tui.screens.thanks import ThanksScreen
from skillcheck.tui.screens.welcome import WelcomeScreen

LANGUAGES = ["nl", "fr", "en", "de"]
# The four shipped languages, offered together (German is offered only when listed).
FOUR = ("nl", "fr", "de", "en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_rotating_variant_fits(tmp_path, language):
    """Each variant of the rotation, on the question screen at 80x24, painted whole."""
    from session_driver import session_at
    from skillcheck.tui.visit import Visit

    async def scenario():
        languages = FOUR if language == "de" else ("nl", "fr", "en")
        app = make_app(tmp_path, languages=languages)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press(str(list(app.translators).index(language) + 1))
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, QuestionScreen)
            shown = set()
            for item in [i for i in app.bank.items if i.rotation]:
                session = session_at(app.bank, item.id)  # the path up to the variant
                app.visit = Visit(session, language)
                screen.show(session)
                await pilot.pause()
                painted = " ".join(" ".join(t.split()) for t in assert_fully_visible(app))
                assert " ".join(app.t.pgettext(item.id, item.text).split()) in painted
                shown.add(item.id)
            assert shown == {i.id for i in app.bank.items if i.rotation}

    run(scenario())


def _t_in(app, *messages: str) -> None:
    """The screen is in the app's language: these UI strings appear translated."""
    painted = " ".join(" ".join(t.split()) for t in assert_fully_visible(app))
    for message in messages:
        assert " ".join(app.t.gettext(message).split()) in painted, message


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_screen_fits(tmp_path, language, size):
    async def scenario():
        languages = FOUR if language == "de" else ("nl", "fr", "en")
        app = make_app(tmp_path, pin_hash=PIN_HASH, languages=languages)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, WelcomeScreen)
            texts = assert_fully_visible(app)
            for other in app.translators.values():  # every language at once
                invite = other.gettext("How good are you with computers and phones?")
                assert any(invite in text for text in texts), invite

            await pilot.press("f12")
            assert isinstance(app.screen, PinModal)
            assert_fully_visible(app)
            await pilot.press("escape")

            await pilot.press(str(list(app.translators).index(language) + 1))
            await pilot.pause()
            assert isinstance(app.screen, IntroScreen)
            _t_in(app, "Before you start", "Start (Enter)")

            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("escape")
            assert isinstance(app.screen, ConfirmStopModal)
            _t_in(app, "Do you want to stop?")
            await pilot.press("escape", "l")
            assert isinstance(app.screen, LanguageModal)
            assert_fully_visible(app)
            await pilot.press("escape")
            app.show_idle_warning()
            await pilot.pause()
            assert isinstance(app.screen, IdleWarningModal)
            _t_in(app, "Are you still there?")
            await pilot.press("space")
            await pilot.pause()

            # Every step of this visit: the internet question, each tick-list, each
            # question (the other variants of the rotation:
            # test_every_rotating_variant_fits).
            seen = lists = 0
            while in_questions(app):
                await pilot.pause()
                if isinstance(app.screen, ActivitiesScreen):
                    _t_in(app, "None of these", "Stop (Esc)")
                    lists += 1
                else:
                    _t_in(app, "Stop (Esc)")
                await answer_step(pilot, mastered_number, tick_all)
                seen += 1
            assert lists == 5 and seen == len(app.session.path)
            await pilot.pause()
            assert isinstance(app.screen, ResultScreen)
            _t_in(app, "Your result", "Where you can learn more", "Finish (Enter)")
            await app.workers.wait_for_complete()

            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ThanksScreen)
            _t_in(app, "Thank you!")

            app.open_facilitator()
            await pilot.pause()
            assert isinstance(app.screen, FacilitatorScreen)
            await app.workers.wait_for_complete()
            await pilot.pause()
            _t_in(app, "For staff", "Leave the kiosk")

    run(scenario())


def test_the_check_catches_a_cut_off_translation():
    class Tight(App):
        CSS = "Button { width: 12; text-wrap: nowrap; text-overflow: ellipsis; }"

        def compose(self) -> ComposeResult:
            yield Button("Commencer le questionnaire maintenant")

    async def scenario():
        app = Tight()
        async with app.run_test(size=(80, 24)):
            with pytest.raises(AssertionError, match="does not show its whole text"):
                assert_fully_visible(app)

    run(scenario())


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def lowest_text_contrast(app) -> float:
    """The lowest contrast of any letter or digit painted on the screen."""
    lowest = 21.0
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            style = segment.style
            if not style or not any(ch.isalnum() for ch in segment.text):
                continue
            fg, bg = style.color, style.bgcolor
            if fg is None or bg is None or fg.triplet is None or bg.triplet is None:
                continue
            lowest = min(lowest, contrast(tuple(fg.triplet), tuple(bg.triplet)))
    return lowest


def test_high_contrast_theme_reaches_7_to_1_on_every_screen(tmp_path):
    async def scenario():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("c")
            assert app.theme == "skillcheck-high-contrast"
            await pilot.pause()
            assert lowest_text_contrast(app) >= 7
            await pilot.press("1")
            await pilot.pause()
            await pilot.press("c")  # toggles back, and again
            assert app.theme == "skillcheck"
            await pilot.press("c")
            await pilot.pause()
            assert lowest_text_contrast(app) >= 7
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("tab")  # a focused answer too
            await pilot.pause()
            assert lowest_text_contrast(app) >= 7
            assert isinstance(app.screen, QuestionScreen)  # the internet question
            await pilot.press("1")
            await pilot.pause()
            assert isinstance(app.screen, ActivitiesScreen)
            assert lowest_text_contrast(app) >= 7
            await answer_all(pilot)
            assert isinstance(app.screen, ResultScreen)
            assert lowest_text_contrast(app) >= 7

    run(scenario())


@pytest.mark.parametrize(
    ("line", "theme"), [('theme = "high-contrast"', "skillcheck-high-contrast"), ("", "skillcheck")]
)
def test_a_sites_theme_is_applied_from_the_first_screen(tmp_path, line, theme):
    from skillcheck.config import load_config
    from skillcheck.paths import LOCALES_DIR, QUESTIONS_DIR
    from skillcheck.tui.launch import build_app

    config_path = tmp_path / "site.toml"
    config_path.write_text(f'site = "Bib"\n{line}\n', encoding="utf-8")

    async def scenario():
        app = build_app(
            config=load_config(config_path),
            questions_dir=QUESTIONS_DIR,
            locales_dir=LOCALES_DIR,
            database=tmp_path / "s.db",
            idle_seconds=0,
        )
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.theme == theme
            if theme == "skillcheck-high-contrast":
                assert lowest_text_contrast(app) >= 7
                background = app.screen.styles.background
                assert (background.r, background.g, background.b) == (0, 0, 0)

    run(scenario())


@pytest.mark.parametrize("language", ["nl", "fr", "de", "en"])
def test_the_intro_says_how_to_answer_a_task(tmp_path, language):
    """A can-do line ("Find the opening hours …") is not an order to do it here: the
    intro says so in one sentence, in the visit's language."""
    from skillcheck.tui.screens.intro import HOW_TO_ANSWER_A_TASK

    async def scenario():
        app = make_app(tmp_path, languages=FOUR)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press(str(list(app.translators).index(language) + 1))
            await pilot.pause()
            assert isinstance(app.screen, IntroScreen)
            _t_in(app, HOW_TO_ANSWER_A_TASK)
            assert language == "en" or app.t.gettext(HOW_TO_ANSWER_A_TASK) != HOW_TO_ANSWER_A_TASK

    run(scenario())
