"""SVG snapshots of every kiosk screen in Dutch, French and English at 80×24
(pytest-textual-snapshot): a change to what a visitor sees shows up as a failing
test with a side-by-side picture in `snapshot_report.html`.

After an intended change, look at the report, then accept the new pictures with
`.venv/bin/pytest tests/test_tui_snapshots.py --snapshot-update` and commit them.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from kiosk_driver import (
    PIN,
    PIN_HASH,
    answer_all,
    beginner_number,
    make_app,
    start_visit,
    to_internet_question,
)

LANGUAGES = ("nl", "fr", "en")
SIZE = (80, 24)


class FixedDate(dt.date):
    """The result's QR code holds the day: a fixed one keeps the picture the same."""

    @classmethod
    def today(cls):
        return cls(2026, 3, 2)


@pytest.fixture
def kiosk(tmp_path, monkeypatch):
    monkeypatch.setattr("skillcheck.tui.screens.result.date", FixedDate)
    # A seeded form: every run asks the same variant of each rotating question.
    return make_app(
        tmp_path,
        pin_hash=PIN_HASH,
        # The staff screen shows this folder; a temporary one would differ every run.
        export_folder=Path("/var/lib/skillcheck/exports"),
        rng=random.Random(2026),
    )


async def choose_language(pilot, language):
    number = list(pilot.app.translators).index(language) + 1
    await pilot.press(str(number))
    await pilot.pause()


async def internet_question(pilot, language):
    await to_internet_question(pilot, language)


async def tick_list(pilot, language):
    await to_internet_question(pilot, language)
    await pilot.press("1", "2", "4")  # internet: yes; two activities ticked
    await pilot.pause()


async def first_question(pilot, language):
    await start_visit(pilot, language)


async def second_question(pilot, language):
    await start_visit(pilot, language)
    await pilot.press("2")
    await pilot.pause()


async def language_dialog(pilot, language):
    await start_visit(pilot, language)
    await pilot.press("l")
    await pilot.pause()


async def stop_dialog(pilot, language):
    await second_question(pilot, language)
    await pilot.press("escape")
    await pilot.pause()


async def idle_warning(pilot, language):
    await second_question(pilot, language)
    app = pilot.app
    app.show_idle_warning()
    await pilot.pause()
    # The countdown ticks each second: on a busy machine one may pass before the
    # picture is taken. Set it back to where it starts, so the picture is the same.
    app.screen.seconds_left = app.warning_seconds + 1
    app.screen.tick()
    await pilot.pause()


async def result(pilot, language):
    await start_visit(pilot, language)
    await answer_all(pilot, beginner_number)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def thanks(pilot, language):
    await result(pilot, language)
    await pilot.press("enter")
    await pilot.pause()


async def pin_entry(pilot, language):
    await choose_language(pilot, language)
    await pilot.press("f12")
    await pilot.pause()


async def staff_screen(pilot, language):
    await pin_entry(pilot, language)
    await pilot.press(*PIN, "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


SCREENS = {
    "intro": choose_language,
    "internet": internet_question,
    "tick-list": tick_list,
    "question": first_question,
    "question-2": second_question,
    "language": language_dialog,
    "stop": stop_dialog,
    "idle-warning": idle_warning,
    "result": result,
    "thanks": thanks,
    "pin": pin_entry,
    "staff": staff_screen,
}


def test_welcome(snap_compare, kiosk):
    assert snap_compare(kiosk, terminal_size=SIZE)


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_screen(snap_compare, kiosk, screen, language):
    async def run_before(pilot):
        await SCREENS[screen](pilot, language)

    assert snap_compare(kiosk, terminal_size=SIZE, run_before=run_before)
