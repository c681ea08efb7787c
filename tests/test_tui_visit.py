"""Pilot tests: whole visits in each language, back and forth, language switch,
idle, stop, kiosk escape attempts, the PIN lock-out and the rows saved."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from kiosk_driver import (
    PIN,
    PIN_HASH,
    TWO_IN_A_ROW,
    answer_all,
    answer_step,
    beginner_number,
    in_questions,
    item_answers,
    make_app,
    mastered_number,
    run,
    start_visit,
    tick_all,
    to_internet_question,
    visible_texts,
)
from skillcheck.scoring import AREAS_AT_LEAST_BASIC_WORDS
from skillcheck.session import ITEM
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
from skillcheck.tui.widgets.answer import AnswerButton

LANGUAGES = ["nl", "fr", "en"]


def rows(tmp_path, sql: str) -> list[tuple]:
    with sqlite3.connect(tmp_path / "sessions.db") as db:
        return db.execute(sql).fetchall()


def joined(app) -> str:
    return " ".join(" ".join(text.split()) for text in visible_texts(app))


@pytest.mark.parametrize("language", LANGUAGES)
def test_beginner_visit_is_short_saved_and_leaves_nothing(tmp_path, language):
    async def scenario():
        # 3 s, not 1: on a loaded machine 1 s passed before the thank-you was seen
        app = make_app(tmp_path, thanks_seconds=3.0)
        async with app.run_test(size=(80, 24)) as pilot:
            assert isinstance(app.screen, WelcomeScreen)
            await start_visit(pilot, language)
            answered = await answer_all(pilot, beginner_number)
            assert answered < len(app.bank.items)  # harder items were skipped
            assert isinstance(app.screen, ResultScreen)
            t = app.translators[language]
            assert " ".join(t.gettext(AREAS_AT_LEAST_BASIC_WORDS[0]).split()) in joined(app)
            await app.workers.wait_for_complete()
            await pilot.press("enter")  # Finish
            await pilot.pause()
            assert isinstance(app.screen, ThanksScreen)
            assert app.visit is None
            for _ in range(150):  # the thank-you screen returns by itself after 3 s
                await pilot.pause(0.1)
                if isinstance(app.screen, WelcomeScreen):
                    break
            assert isinstance(app.screen, WelcomeScreen)
            await pilot.press("backspace")
            assert isinstance(app.screen, WelcomeScreen)
        return answered

    answered = run(scenario())
    saved = rows(tmp_path, "SELECT language, status, items_answered, category FROM sessions")
    # and the internet question and area 1's list, answered by start_visit
    assert saved == [(language, "completed", answered + 2, "none")]


def test_expert_visit_sees_every_question_and_is_above_basic(tmp_path):
    async def scenario():
        app = make_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await to_internet_question(pilot, "en")
            answered = await answer_all(pilot, mastered_number, tick_all)
            # The internet question, five lists, at most one check per area.
            assert answered == len(app.session.path) <= 1 + 5 + 5
            assert app.screen.result.category == "above_basic"
            assert "Above basic" in joined(app)
            await app.workers.wait_for_complete()

    run(scenario())
    assert rows(tmp_path, "SELECT status, category FROM sessions") == [("completed", "above_basic")]
    assert rows(tmp_path, "SELECT count(*) FROM area_results") == [(5,)]


def test_back_shows_the_earlier_answer_and_it_can_be_changed(tmp_path):
    async def scenario():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await to_internet_question(pilot, "fr")
            assert app.screen.query_one("#back").disabled  # nothing before the first step
            await pilot.press("1")  # yes: area 1's list
            await pilot.press(str(len(app.session.activities(1)) + 1), "enter")  # none
            await pilot.pause()
            assert not app.screen.query_one("#back").disabled  # back to the list
            # On to the area whose first item is followed by another item.
            while app.session.current.area != TWO_IN_A_ROW or app.session.next_screen != ITEM:
                await answer_step(pilot)
            first = app.session.current
            number = app.session.progress.number
            assert not app.screen.query_one("#back").disabled  # back to the list
            await pilot.press("2")
            await pilot.press("3")
            await pilot.press("backspace", "backspace")
            assert app.session.current == first
            chosen = [b.number for b in app.screen.query(AnswerButton) if b.has_class("-chosen")]
            assert chosen == [2]
            await pilot.press("4")  # change the answer
            assert app.session.given[first.key] == "3"
            assert app.session.progress.number == number + 1
            await pilot.click("#back")  # and by mouse
            assert app.session.current == first

    run(scenario())


def test_language_switch_midway_keeps_the_answers(tmp_path):
    async def scenario():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_visit(pilot, "en", TWO_IN_A_ROW)
            answered = item_answers(app)
            await pilot.press("3")
            before = dict(app.session.given)
            await pilot.press("l")
            assert isinstance(app.screen, LanguageModal)
            await pilot.press(str(list(app.translators).index("nl") + 1))
            await pilot.pause()
            assert isinstance(app.screen, QuestionScreen)
            assert app.language == "nl" and app.visit.language == "nl"
            assert dict(app.session.given) == before
            nl = app.translators["nl"]
            item = app.session.current.item
            assert " ".join(nl.pgettext(item.id, item.text).split()) in joined(app)
            await pilot.press("3")
            assert item_answers(app) == answered + 2

    run(scenario())


def test_idle_warning_then_any_key_continues_and_does_nothing_else(tmp_path):
    async def scenario():
        app = make_app(tmp_path, warning_seconds=20)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_visit(pilot, "nl", TWO_IN_A_ROW)
            answered = item_answers(app)
            await pilot.press("3")
            app.show_idle_warning()
            await pilot.pause()
            assert isinstance(app.screen, IdleWarningModal)
            await pilot.press("1")  # continues; does not answer
            await pilot.pause()
            assert isinstance(app.screen, QuestionScreen)
            assert item_answers(app) == answered + 1
            app.show_idle_warning()
            await pilot.pause()
            await pilot.click(offset=(1, 1))  # a touch continues too
            await pilot.pause()
            assert isinstance(app.screen, QuestionScreen)

    run(scenario())


def test_idle_warning_says_answers_are_deleted_only_when_there_are_some(tmp_path):
    """Before the first answer and on the result nothing would be deleted: say so."""

    async def scenario():
        app = make_app(tmp_path, warning_seconds=20)
        seen = []
        async with app.run_test(size=(80, 24)) as pilot:

            async def warning_text() -> str:
                app.show_idle_warning()
                await pilot.pause()
                assert isinstance(app.screen, IdleWarningModal)
                text = app.screen.countdown_text()
                await pilot.press("space")  # continue
                await pilot.pause()
                return text

            await to_internet_question(pilot, "fr")
            seen.append(await warning_text())  # first question, nothing answered yet
            await pilot.press("1")
            seen.append(await warning_text())  # one answer given
            await answer_all(pilot, beginner_number)
            assert isinstance(app.screen, ResultScreen)
            seen.append(await warning_text())  # saved already: nothing to delete
            t = app.translators["fr"]
        back = t.ngettext(
            "The screen goes back to the start in {count} second.",
            "The screen goes back to the start in {count} seconds.",
            20,
        ).format(count=20)
        deleted = t.ngettext(
            "The test stops in {count} second and your answers are deleted.",
            "The test stops in {count} seconds and your answers are deleted.",
            20,
        ).format(count=20)
        assert seen == [back, deleted, back]
        assert "effacées" in deleted and "effacé" not in back

    run(scenario())


def test_idle_timeout_records_abandoned_and_shows_a_fresh_welcome(tmp_path):
    answered = []

    async def scenario():
        app = make_app(tmp_path, warning_seconds=2)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_visit(pilot, "fr", TWO_IN_A_ROW)
            await pilot.press("3", "2")
            answered.append(app.session.items_answered)
            app.show_idle_warning()
            await pilot.pause()
            warning = app.screen
            assert isinstance(warning, IdleWarningModal)
            warning.tick()
            warning.tick()  # zero (timers are driven by hand here)
            await pilot.pause()
            assert isinstance(app.screen, WelcomeScreen)
            assert app.visit is None and app.language == app.default_language()
            # A fresh welcome, on the first one (kept at the bottom of the stack).
            first, shown = app.screen_stack
            assert isinstance(first, WelcomeScreen) and shown is app.screen is not first
            await pilot.press("backspace", "escape")
            assert isinstance(app.screen, WelcomeScreen)
            await app.workers.wait_for_complete()

    run(scenario())
    # The internet question, three lists, an item each in areas 1 and 2, two in area 3.
    assert answered == [1 + 3 + 1 + 1 + 2]
    assert rows(tmp_path, "SELECT status, items_answered, category FROM sessions") == [
        ("abandoned", answered[0], None)
    ]
    assert rows(tmp_path, "SELECT count(*) FROM answers") == [(0,)]


def test_idle_with_real_short_timers(tmp_path):
    async def scenario():
        # Long enough that a loaded machine still starts the visit before the
        # warning; the visit is then left alone until the kiosk starts over.
        app = make_app(tmp_path, idle_seconds=3, warning_seconds=1)
        async with app.run_test(size=(80, 24)) as pilot:
            await to_internet_question(pilot, "en")
            assert not isinstance(app.screen, WelcomeScreen)
            for _ in range(150):  # at most 15 s; normally about 5 s
                await pilot.pause(0.1)
                if isinstance(app.screen, WelcomeScreen):
                    break
            assert isinstance(app.screen, WelcomeScreen)

    run(scenario())


def test_stop_asks_first(tmp_path):
    async def scenario():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_visit(pilot, "en", TWO_IN_A_ROW)
            answered = item_answers(app)
            await pilot.press("3")
            await pilot.press("escape")
            assert isinstance(app.screen, ConfirmStopModal)
            await pilot.press("escape")  # no
            assert isinstance(app.screen, QuestionScreen)
            await pilot.press("escape", "2")  # no
            assert isinstance(app.screen, QuestionScreen)
            assert item_answers(app) == answered + 1
            await pilot.press("escape", "1")  # yes
            await pilot.pause()
            assert isinstance(app.screen, WelcomeScreen)
            assert app.visit is None
            await app.workers.wait_for_complete()

    run(scenario())
    # The internet question, three lists, an item each in areas 1 and 2, one in area 3.
    assert rows(tmp_path, "SELECT status, items_answered FROM sessions") == [("abandoned", 7)]


ESCAPES = ["ctrl+q", "ctrl+c", "ctrl+z", "ctrl+backslash", "ctrl+p", "ctrl+s", "ctrl+d", "f1"]


def test_kiosk_mode_nothing_typed_leaves_the_app(tmp_path):
    async def scenario():
        app = make_app(tmp_path, kiosk=True, pin_hash=PIN_HASH)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_visit(pilot, "nl")
            await pilot.press("3")
            screen, given = app.screen, dict(app.session.given)
            for key in ESCAPES:
                await pilot.press(key)
                await pilot.pause()
                assert not app._exit and app.return_code is None, key
                assert app.screen is screen, key
            assert dict(app.session.given) == given
            assert "Ctrl+Q" not in joined(app)

    run(scenario())


def test_practice_mode_ctrl_q_quits_and_says_so(tmp_path):
    async def scenario():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            assert "Ctrl+Q" in joined(app)
            await pilot.press("ctrl+q")
            await pilot.pause()
        return app.return_code

    assert run(scenario()) == 0


def test_pin_lock_out_grows_and_the_right_pin_opens_the_staff_screen(tmp_path):
    from dataclasses import replace

    clock = [1000.0]

    async def enter(pilot, app, digits):
        await pilot.press(*digits, "enter")
        # "Checking…" while scrypt runs in a worker thread, then the outcome
        await app.workers.wait_for_complete()
        await pilot.pause()

    (tmp_path / "exports").mkdir()

    async def scenario():
        app = make_app(tmp_path, kiosk=True, pin_hash=PIN_HASH, export_folder=tmp_path / "exports")
        app.pin = replace(app.pin, clock=lambda: clock[0])
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f12")
            assert isinstance(app.screen, PinModal)
            await enter(pilot, app, "111111")
            assert app.pin.seconds_left() == 30
            assert app.screen.query_one("#pin").disabled
            assert "30" in str(app.screen.query_one("#pin-message").content)
            await enter(pilot, app, PIN)  # locked: even the right PIN waits
            assert isinstance(app.screen, PinModal)
            clock[0] += 31
            app.screen.show_lock()
            await pilot.pause()
            await enter(pilot, app, "999999")
            assert app.pin.seconds_left() == 60
            clock[0] += 61
            app.screen.show_lock()
            await pilot.pause()
            await enter(pilot, app, PIN)
            await pilot.pause()
            assert isinstance(app.screen, FacilitatorScreen)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "0" in str(app.screen.query_one("#counts").content)
            # Staff cannot type a path: the file goes to the configured folder, named
            # by site and day, as CSV for Belgian Excel.
            assert not app.screen.query("Input")
            await pilot.click("#export")
            await app.workers.wait_for_complete()
            await pilot.pause()
            (export,) = (tmp_path / "exports").iterdir()
            assert export.name.startswith("skillcheck-bibliotheek-test-")
            assert export.read_bytes().startswith("\ufeff".encode())  # BOM: Excel-BE
            assert str(export) in str(app.screen.query_one("#export-message").content)
            await pilot.click("#leave")
            await pilot.pause()
        return app.return_code

    assert run(scenario()) == 0


def test_the_pin_dialog_says_checking_while_the_pin_is_checked(tmp_path):
    import threading

    from skillcheck.pin import Attempt

    release = threading.Event()

    class SlowGuard:
        is_set = True

        def seconds_left(self) -> int:
            return 0

        def try_pin(self, pin: str):
            release.wait(timeout=30)
            return (Attempt.RIGHT, 0) if pin == PIN else (Attempt.WRONG, 30)

    async def scenario():
        app = make_app(tmp_path, kiosk=True, pin_hash=PIN_HASH)
        app.pin = SlowGuard()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f12", *PIN, "enter")
            await pilot.pause()
            # the screen still answers while scrypt runs: it shows the state
            checking = app.t.gettext("Checking…")
            assert checking != "Checking…"  # the Dutch, the site's first language
            assert checking in str(app.screen.query_one("#pin-message").content)
            assert app.screen.query_one("#pin").disabled
            assert isinstance(app.screen, PinModal)
            release.set()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, FacilitatorScreen)

    run(scenario())


def test_escape_leaves_the_pin_dialog(tmp_path):
    async def scenario():
        app = make_app(tmp_path, kiosk=True, pin_hash=PIN_HASH)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f12")
            await pilot.press("escape")
            assert isinstance(app.screen, WelcomeScreen)

    run(scenario())


def test_saved_rows_after_a_visit_hold_no_time_of_day(tmp_path):
    async def scenario():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_visit(pilot, "nl")
            await answer_all(pilot, mastered_number)
            await app.workers.wait_for_complete()
            # Saved when the result appears: walking away from it still counts.
            assert isinstance(app.screen, ResultScreen)
            # Every answer code (ticks included) and each check's place shown.
            return len(app.session.answers) + len(app.session.shown_positions())

    answered = run(scenario())
    (row,) = rows(tmp_path, "SELECT * FROM sessions")
    assert "nl" in row and "Bibliotheek Test" in row and "t1" in row
    assert not any(isinstance(v, str) and ":" in v for v in row)  # no time of day
    assert rows(tmp_path, "SELECT count(*) FROM answers") == [(answered,)]
    # The terminal's configured region (SiteConfig's default) goes with the session.
    assert rows(tmp_path, "SELECT region FROM sessions") == [("brussels",)]


def test_mouse_alone_does_a_whole_visit(tmp_path):
    async def scenario():
        app = make_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.click("#lang-fr")
            await pilot.pause()
            assert isinstance(app.screen, IntroScreen)
            await pilot.click("#start")
            await pilot.pause()
            while in_questions(app):
                if isinstance(app.screen, ActivitiesScreen):  # tick the first, go on
                    await pilot.click("#tick-1")
                    await pilot.click("#go-on")
                else:
                    await pilot.click("#answer-1")
                await pilot.pause()
            assert isinstance(app.screen, ResultScreen)
            await pilot.click("#contrast-button")
            assert app.theme == "skillcheck-high-contrast"
            app.screen.query_one("#finish").scroll_visible(animate=False)
            await pilot.pause()
            await pilot.click("#finish")
            await pilot.pause()
            assert isinstance(app.screen, ThanksScreen)

    run(scenario())


def test_a_tapped_answer_does_not_look_chosen_on_the_next_question(tmp_path):
    """The question changes in the same buttons: the one just tapped must not carry
    its press effect (drawn like a chosen answer) onto the next question."""

    async def scenario():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_visit(pilot, "fr", TWO_IN_A_ROW)
            first = app.session.current
            # A touch in a browser (xterm.js) or a touch terminal: the pointer moves
            # there, then presses.
            await pilot.hover("#answer-1")
            await pilot.click("#answer-1")
            assert app.session.current != first  # the next question, in place
            pressed = [b.id for b in app.screen.query(AnswerButton) if b.has_class("-active")]
            assert pressed == []
            # On a touch screen the pointer stays where the finger was: the answer
            # under it is drawn as every other answer, not shaded.
            await pilot.pause()
            tapped = app.screen.query_one("#answer-1", AnswerButton)
            assert tapped.is_mouse_over
            other = app.screen.query_one("#answer-2", AnswerButton)
            assert tapped.styles.background == other.styles.background

    run(scenario())


def test_an_unexpected_error_is_logged_not_shown(tmp_path, monkeypatch, caplog):
    from skillcheck.tui.crash import KioskError

    def broken(self, session):
        raise RuntimeError("boom")

    async def scenario():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_visit(pilot, "en", TWO_IN_A_ROW)
            monkeypatch.setattr(QuestionScreen, "show", broken)
            await pilot.press("3")  # area 3's second item is shown by `show`
            await pilot.pause()
        return app

    with caplog.at_level(logging.ERROR, logger="skillcheck.tui"):
        # Pilot re-raises for the test what Textual was given: one line, no locals.
        with pytest.raises(KioskError, match="RuntimeError: boom") as raised:
            run(scenario())
    assert isinstance(raised.value.error, RuntimeError)
    assert "unexpected error in the kiosk" in caplog.text
    # The internet question, three lists, an item each in areas 1 and 2, one in area 3.
    assert rows(tmp_path, "SELECT status, items_answered FROM sessions") == [("abandoned", 7)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_help_desk_is_always_the_last_suggestion(tmp_path, language):
    from skillcheck.initiatives import load_help_desk
    from skillcheck.paths import QUESTIONS_DIR
    from skillcheck.tui.widgets.initiative_card import InitiativeCard

    shipped = load_help_desk(QUESTIONS_DIR / "initiatives.toml")

    async def scenario():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_visit(pilot, language)
            await answer_all(pilot, beginner_number)
            cards = list(app.screen.query(InitiativeCard))
            assert 2 <= len(cards) <= 3
            t = app.translators[language]
            expected = t.pgettext(shipped.id, shipped.name)
            assert cards[-1].initiative_name == expected
            if language != "en":
                assert expected != shipped.name  # translated, not the English

    run(scenario())


def test_the_contrast_button_says_what_c_does_now(tmp_path):
    from textual.widgets import Button

    async def scenario():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_visit(pilot, "en")

            def label() -> str:
                return str(app.screen.query_one("#contrast-button", Button).label)

            assert label() == "C: High contrast"
            await pilot.press("c")
            await pilot.pause()
            assert app.theme == "skillcheck-high-contrast"
            assert label() == "C: Normal contrast"
            await pilot.press("c")
            await pilot.pause()
            assert label() == "C: High contrast"

    run(scenario())


def test_the_sites_theme_is_applied_from_the_first_screen(tmp_path):
    async def scenario():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert "-theme-skillcheck" in app.classes
            assert app.screen.styles.background.hex.upper() == "#FAF8F2"

    run(scenario())


@pytest.mark.parametrize("how", ["exit", "ExitApp", "staff leaves"])
def test_a_visit_ended_by_the_app_ending_is_recorded_as_abandoned(tmp_path, how):
    """The browser's tab closed (textual-serve sends ExitApp), the app told to exit,
    staff leaving mid-visit: the visit is recorded, without answers."""
    from textual.messages import ExitApp

    async def scenario():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_visit(pilot, "fr", TWO_IN_A_ROW)
            await pilot.press("3", "2")
            if how == "exit":
                app.exit()
            elif how == "ExitApp":
                app.post_message(ExitApp())
            else:
                await pilot.press("f12")  # no PIN in practice mode
                await pilot.pause()
                assert isinstance(app.screen, FacilitatorScreen)
                await app.workers.wait_for_complete()
                await pilot.click("#leave")
            await pilot.pause()

    run(scenario())
    # The internet question, three lists, an item each in areas 1 and 2, two in area 3.
    assert rows(tmp_path, "SELECT status, items_answered FROM sessions") == [("abandoned", 8)]
    assert rows(tmp_path, "SELECT count(*) FROM answers") == [(0,)]


def test_enter_after_back_keeps_the_marked_answer_and_goes_on(tmp_path):
    async def scenario():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_visit(pilot, "nl")
            first = app.session.current
            number = app.session.progress.number
            await pilot.press("enter")  # nothing marked yet: Enter picks nothing
            assert app.session.current == first and not item_answers(app)
            await pilot.press("3", "backspace")
            assert app.session.current == first
            await pilot.press("enter")
            await pilot.pause()
            assert app.session.given[first.key] == first.item.answers[2].code
            assert app.session.progress.number == number + 1

    run(scenario())


def test_the_intro_promises_the_same_most_questions_as_the_progress_line(tmp_path):
    # The bank holds more items than a visit asks (rotating variants): the intro
    # once said "at most 32" and the first question "1 of at most 25".
    async def scenario():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("3")  # English: the intro
            await pilot.pause()
            assert isinstance(app.screen, IntroScreen)
            intro = " ".join(visible_texts(app))
            await pilot.press("enter")
            await pilot.pause()
            at_most = app.session.progress.at_most
            assert at_most < len(app.bank.items)
            assert f"at most {at_most} short questions" in " ".join(intro.split())

    run(scenario())


@pytest.mark.parametrize("start_language", [None, "fr"])
def test_back_to_languages_shows_the_languages(tmp_path, start_language):
    """The intro's "Back to languages (Esc)" shows the language buttons, also on a
    kiosk that starts on the intro (`skillcheck run --lang fr`), where it showed the
    same intro again; after a visit such a kiosk starts on its intro again."""

    async def scenario():
        app = make_app(tmp_path, language=start_language)
        async with app.run_test(size=(80, 24)) as pilot:
            if start_language is None:
                await pilot.press("2")  # Français
                await pilot.pause()
            assert isinstance(app.screen, IntroScreen) and app.language == "fr"
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, WelcomeScreen)
            await pilot.press("3")  # English
            await pilot.pause()
            assert isinstance(app.screen, IntroScreen) and app.language == "en"
            await pilot.press("enter")
            await pilot.pause()
            app.reset_to_welcome()  # as the idle timer, or the thank-you screen, does
            await pilot.pause()
            start = IntroScreen if start_language else WelcomeScreen
            assert isinstance(app.screen, start)

    run(scenario())


def test_the_staff_export_makes_its_default_folder_and_speaks_the_screens_language(
    tmp_path, monkeypatch
):
    """Out of the box (no export_folder) the export works: the default folder is made,
    private (0700). Every message the staff screen shows is in its language, a failure
    too (a configured USB stick that is not plugged in)."""
    from skillcheck.tui.screens.facilitator import FacilitatorScreen

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    default = tmp_path / "data" / "skillcheck" / "exports"
    missing = tmp_path / "usb-stick"

    async def export(folder):
        app = make_app(
            tmp_path, languages=("nl", "fr", "de", "en"), language="de", export_folder=folder
        )
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.open_facilitator()
            await pilot.pause()
            assert isinstance(app.screen, FacilitatorScreen)
            await app.workers.wait_for_complete()
            await pilot.click("#export")
            await app.workers.wait_for_complete()
            await pilot.pause()
            return app, str(app.screen.query_one("#export-message").content)

    assert not default.exists()
    app, message = run(export(None))
    (written,) = default.iterdir()
    assert default.stat().st_mode & 0o777 == 0o700
    assert message == app.t.gettext("Written: {path}").format(path=str(written))
    assert message.startswith("Geschrieben")

    app, message = run(export(missing))
    assert not missing.exists()  # a stick not plugged in is not made on the kiosk's disk
    wanted = app.t.gettext("Export failed: the folder {folder} is not there.")
    assert message == wanted.format(folder=str(missing))
    assert "does not exist" not in message and message.startswith("Export fehlgeschlagen")


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        ("database or disk is full", "the disk is full"),
        ("[Errno 28] No space left on device", "the disk is full"),
        ("attempt to write a readonly database", "the disk or the file is read-only"),
        (
            "/var/lib/k.db: the database file is gone; sessions are spooled",
            "the database file is gone",
        ),
        ("database is locked", "the database is busy"),
        ("something else entirely", "the details are in the kiosk's log"),
    ],
)
def test_the_staff_screen_names_a_database_problem_in_its_language(error, reason):
    from skillcheck.i18n import load_translators
    from skillcheck.paths import LOCALES_DIR
    from skillcheck.tui.screens.facilitator import database_problem

    for code, t in load_translators(LOCALES_DIR).items():
        shown = database_problem(t, error)
        assert shown == t.gettext(reason)
        assert code == "en" or shown != reason, code
        assert error not in shown


def test_a_long_lock_out_is_shown_in_minutes(tmp_path):
    """ "Probeer opnieuw over 15 minuten", not "900 seconden" (issue 24)."""

    class LockedGuard:
        is_set = True

        def __init__(self, left: int) -> None:
            self.left = left

        def seconds_left(self) -> int:
            return self.left

    async def scenario():
        app = make_app(tmp_path, kiosk=True, pin_hash=PIN_HASH)
        shown = {}
        async with app.run_test(size=(80, 24)) as pilot:
            for left in (900, 61, 59):
                app.pin = LockedGuard(left)
                await pilot.press("f12")
                await pilot.pause()
                assert isinstance(app.screen, PinModal)
                shown[left] = str(app.screen.query_one("#pin-message").content)
                await pilot.press("escape")
                await pilot.pause()
        return shown

    shown = run(scenario())
    assert "15 minuten" in shown[900] and "900" not in shown[900]
    assert "2 minuten" in shown[61]
    assert "59 seconden" in shown[59]


def test_f2_and_f3_do_nothing_the_key_bar_does_not_say(tmp_path):
    """Contrast is C and the language dialog L, as the key bar and the top bar say;
    F2 and F3 did the same without a word anywhere (issue 24)."""

    async def scenario():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_visit(pilot, "nl")
            theme = app.theme
            await pilot.press("f2", "f3")
            await pilot.pause()
            assert app.theme == theme and isinstance(app.screen, QuestionScreen)
            await pilot.press("c")
            await pilot.pause()
            assert app.theme != theme

    run(scenario())
