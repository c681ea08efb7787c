"""Read aloud in the kiosk (Pilot): R starts one speech process, R again or any other
key stops it, leaving the screen stops it; the control is hidden without espeak-ng.
And the welcome with four languages at 80x24 and 60x20.

The speech engine is a fake `espeak-ng` (a shell script that waits): the test sees
each process the kiosk starts (its command line is the text sent) and whether it is
still running; no sound, no timing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk_driver import (
    PIN_HASH,
    TWO_IN_A_ROW,
    answer_all,
    answer_step,
    assert_fully_visible,
    make_app,
    mastered_number,
    rendered_text,
    run,
    start_visit,
    tick_all,
)
from skillcheck.session import ITEM
from skillcheck.speech import Speaker
from skillcheck.tui.screens.activities import ActivitiesScreen
from skillcheck.tui.screens.idle_warning import IdleWarningModal
from skillcheck.tui.screens.intro import IntroScreen
from skillcheck.tui.screens.question import QuestionScreen
from skillcheck.tui.screens.result import ResultScreen
from skillcheck.tui.screens.welcome import WelcomeScreen
from skillcheck.tui.widgets.bars import KeyBar, TopBar

FOUR = ("nl", "fr", "de", "en")


class RecordingSpeaker(Speaker):
    """A Speaker that keeps every process it started."""

    def __init__(self, program: str) -> None:
        super().__init__(program=program)
        self.started = []

    def say(self, speech) -> None:
        super().say(speech)
        if self._process is not None:
            self.started.append(self._process)

    def running(self) -> list:
        return [p for p in self.started if p.poll() is None]


@pytest.fixture
def fake_espeak(tmp_path) -> Path:
    program = tmp_path / "bin" / "espeak-ng"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\nexec sleep 600\n")
    program.chmod(0o755)
    return program


def sent(process) -> str:
    """The SSML the kiosk gave espeak-ng (its last argument)."""
    return process.args[-1]


def test_r_reads_the_screen_and_r_again_or_another_key_stops_it(tmp_path, fake_espeak):
    speaker = RecordingSpeaker(str(fake_espeak))

    async def scenario():
        app = make_app(tmp_path, languages=FOUR, speaker=speaker)
        async with app.run_test(size=(80, 24)) as pilot:
            assert isinstance(app.screen, WelcomeScreen)
            await pilot.press("r")
            assert len(speaker.started) == 1 and len(speaker.running()) == 1
            welcome = sent(speaker.started[0])
            # every language in its own voice, in the order offered
            assert welcome.index('name="nl"') < welcome.index('name="fr-be"')
            assert welcome.index('name="fr-be"') < welcome.index('name="de"')
            assert "Wie gut kennen Sie sich mit Computern und Handys aus?" in welcome
            await pilot.press("r")  # R again: stops, starts nothing
            assert len(speaker.started) == 1 and speaker.running() == []

            await pilot.press("r")
            assert len(speaker.running()) == 1
            await pilot.press("3")  # another key (it picks German): the reading stops
            await pilot.pause()
            assert isinstance(app.screen, IntroScreen)
            assert len(speaker.started) == 2 and speaker.running() == []

            await pilot.press("r")
            assert "Bevor Sie beginnen" in sent(speaker.started[-1])
            await pilot.press("enter")  # the question screen replaces the intro
            await pilot.pause()
            assert isinstance(app.screen, QuestionScreen) and speaker.running() == []

            await pilot.press("r")
            question = sent(speaker.started[-1])  # the internet question
            assert "eins: Ja, in den letzten 3 Monaten." in question
            await pilot.press("1")  # yes: area 1's tick-list, read aloud with its lines
            await pilot.pause()
            assert isinstance(app.screen, ActivitiesScreen) and speaker.running() == []
            await pilot.press("2", "r")
            ticks = sent(speaker.started[-1])
            assert "Welche dieser Dinge haben Sie in den letzten 3 Monaten gemacht?" in ticks
            assert "(angekreuzt)" in ticks and "sechs: Nichts davon." in ticks
            await pilot.press("2", str(len(app.session.activities(1)) + 1), "enter")
            await pilot.pause()
            assert isinstance(app.screen, QuestionScreen)
            await pilot.press("r")
            question = sent(speaker.started[-1])
            assert "eins: Ich weiß nicht, wie das geht." in question
            assert "vier: Ich kann das und könnte jemand anderem helfen." in question
            assert len(speaker.running()) == 1
            # the top bar's button does what R does (a touch: the mouse, not a key)
            await pilot.click("#read-aloud-button")
            await pilot.pause()
            assert speaker.running() == []
            app.screen.query_one("#read-aloud-button").press()  # a second touch
            await pilot.pause()
            assert len(speaker.running()) == 1

            app.show_idle_warning()  # the idle warning covers the screen: silence
            await pilot.pause()
            assert isinstance(app.screen, IdleWarningModal) and speaker.running() == []
            await pilot.press("space")
            await pilot.pause()

            await answer_all(pilot, mastered_number, tick_all)
            assert isinstance(app.screen, ResultScreen)
            await pilot.press("r")
            result = sent(speaker.started[-1])
            assert result.index("Ihr Ergebnis.") < result.index("Wo Sie mehr lernen können.")
            assert "Sicher, gesund, verantwortungsvoll: Mehr als Grundkenntnisse." in result
            assert "In den letzten 3 Monaten haben Sie:" in result
            assert "Fragen Sie das Personal hier." in result  # the help desk, always last
            await app.workers.wait_for_complete()
        # the kiosk ended: nothing keeps talking
        assert speaker.running() == []
        # never more than one at a time: each start stopped the one before
        assert all(p.poll() is not None for p in speaker.started)

    run(scenario())


def test_the_idle_reset_stops_the_reading(tmp_path, fake_espeak):
    speaker = RecordingSpeaker(str(fake_espeak))

    async def scenario():
        app = make_app(tmp_path, languages=FOUR, speaker=speaker)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_visit(pilot, "fr")
            await pilot.press("r")
            assert len(speaker.running()) == 1
            app.reset_to_welcome()  # what the idle warning does at zero
            await pilot.pause()
            assert isinstance(app.screen, WelcomeScreen) and speaker.running() == []

    run(scenario())


@pytest.mark.parametrize("setting", ["no espeak-ng", "read_aloud = false"])
def test_without_espeak_or_switched_off_there_is_no_control(tmp_path, fake_espeak, setting):
    if setting == "no espeak-ng":
        speaker = RecordingSpeaker(str(tmp_path / "missing" / "espeak-ng"))
        options = {}
    else:
        speaker = RecordingSpeaker(str(fake_espeak))
        options = {"read_aloud": False}

    async def scenario():
        app = make_app(tmp_path, languages=FOUR, speaker=speaker, **options)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert not app.screen.query("#read-aloud-button")
            assert "R:" not in " ".join(assert_fully_visible(app))
            await pilot.press("r")
            await start_visit(pilot, "de")
            assert not app.screen.query("#read-aloud-button")
            assert "R: vorlesen" not in " ".join(assert_fully_visible(app))
            await pilot.press("r")
            assert speaker.started == []

    run(scenario())


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_welcome_offers_four_languages_above_the_fold(tmp_path, fake_espeak, size):
    width, height = size
    speaker = RecordingSpeaker(str(fake_espeak))

    async def scenario():
        site = "Bibliotheek Gent – De Krook"
        app = make_app(tmp_path, languages=FOUR, speaker=speaker, site=site)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            assert_fully_visible(app)
            for code in FOUR:
                button = app.screen.query_one(f"#lang-{code}")
                region = button.region
                assert region.bottom <= height and region.right <= width, (code, region)
            if size == (80, 24):
                # where you are: the whole site name on one line of the top bar
                where = app.screen.query_one("#where")
                lines = [line.strip() for line in rendered_text(where).splitlines()]
                assert [line for line in lines if line] == ["Bibliotheek Gent – De Krook"]
            await pilot.press("3")
            await pilot.pause()
            assert isinstance(app.screen, IntroScreen) and app.language == "de"

    run(scenario())


@pytest.mark.parametrize("language", FOUR)
def test_read_aloud_costs_no_row_at_80x24(tmp_path, fake_espeak, language):
    """The button sits in the top bar, three rows tall like the bar's other buttons
    (a touch target, issue 24), and the hint in the key bar, one line."""

    async def scenario():
        speaker = RecordingSpeaker(str(fake_espeak))
        app = make_app(tmp_path, languages=FOUR, speaker=speaker, kiosk=True, pin_hash=PIN_HASH)
        async with app.run_test(size=(80, 24)) as pilot:
            for step in range(3):  # welcome, before you start, the first question
                bars = [app.screen.query_one(TopBar), app.screen.query_one(KeyBar)]
                assert [bar.region.height for bar in bars] == [3, 1], (language, step)
                assert app.screen.query_one("#read-aloud-button").region.height == 3
                number = FOUR.index(language) + 1
                await pilot.press(str(number) if step == 0 else "enter")
                await pilot.pause()
            assert isinstance(app.screen, QuestionScreen)

    run(scenario())


def test_a_touch_that_changes_the_screen_stops_the_reading(tmp_path, fake_espeak):
    """An answer, Back or a page tapped (a click, not a key) stops the reading: it
    went on reading the old question over the new one (issue 24)."""
    speaker = RecordingSpeaker(str(fake_espeak))

    async def scenario():
        app = make_app(tmp_path, languages=FOUR, speaker=speaker)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.click("#lang-fr")  # a touch on the welcome
            await pilot.pause()
            await pilot.click("#start")
            await pilot.pause()
            assert isinstance(app.screen, QuestionScreen)
            # On to two items in a row: an answer then shows the next question.
            while not (
                app.session.next_screen == ITEM and app.session.current.area == TWO_IN_A_ROW
            ):
                await answer_step(pilot)
            for target in ("#answer-2", "#back", "#answer-3"):
                await pilot.press("r")
                assert len(speaker.running()) == 1
                before = app.session.progress.number
                await pilot.click(target)
                await pilot.pause()
                assert app.session.progress.number != before, target
                assert speaker.running() == [], target
            # the top bar's button still starts and stops it
            await pilot.click("#read-aloud-button")
            await pilot.pause()
            assert len(speaker.running()) == 1
            app.screen.query_one("#read-aloud-button").press()
            await pilot.pause()
            assert speaker.running() == []

    run(scenario())
