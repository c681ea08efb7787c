"""Whole visits in one kiosk process, for the leak test and the soak benchmark."""

from __future__ import annotations

import gc

from textual.widget import Widget

from kiosk_driver import answer_all, beginner_number
from skillcheck.tui.screens.question import QuestionScreen
from skillcheck.tui.screens.welcome import WelcomeScreen


def live_widgets() -> int:
    """Widgets still in memory after a full garbage collection."""
    gc.collect()
    return sum(1 for thing in gc.get_objects() if isinstance(thing, Widget))


async def settle(pilot) -> None:
    """Let closed screens finish closing (pruning takes a few message rounds)."""
    await pilot.app.workers.wait_for_complete()
    for _ in range(3):
        await pilot.pause()


async def one_visit(pilot, number: int, *, switches: bool = True) -> None:
    """A visit that ends one of three ways: stopped (8 in 10), finished (the result
    with its QR codes, then thanks) or timed out idle; with `switches`, every
    seventh one switches the language and the contrast on the way."""
    app = pilot.app
    languages = list(app.translators)
    await pilot.press(str(1 + number % len(languages)))
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, QuestionScreen)
    await pilot.press("1", "2", "3")  # internet: yes; area 1's list, two ticks
    if switches and number % 7 == 3:
        await pilot.press("l", str(1 + (number + 1) % len(languages)), "c")
        await pilot.pause()
    ending = number % 10
    if ending not in (4, 7):  # stop
        await pilot.press("escape", "1")
    elif ending == 4:  # finish: result, thanks, back to the start
        await pilot.press("enter")  # area 1's list answered
        await pilot.pause()
        await answer_all(pilot, beginner_number)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")
    else:  # walked away: the idle warning runs out
        app.show_idle_warning()
        for _ in range(400):  # on a busy machine the push can take many pauses
            await pilot.pause(0.025)
            if hasattr(app.screen, "tick"):
                break
        app.screen.tick()
        app.screen.seconds_left = 1
        app.screen.tick()
    await pilot.pause()
    assert isinstance(app.screen, WelcomeScreen), app.screen
    assert app.visit is None
