"""Random keys, clicks, resizes and walk-aways against the kiosk, checking after each
event what must always hold (the test and benchmarks/fuzz.py use it)."""

from __future__ import annotations

import random

from skillcheck.tui.screens.facilitator import FacilitatorScreen
from skillcheck.tui.screens.question import QuestionScreen
from skillcheck.tui.screens.result import ResultScreen
from skillcheck.tui.screens.welcome import WelcomeScreen

# Everything a visitor's keyboard can send that means something somewhere, the keys
# that must do nothing in kiosk mode, and some that mean nothing at all.
KEYS = [
    *"123456789",
    *["enter"] * 4,
    *["backspace"] * 2,
    *["escape"] * 2,
    "l",
    "c",
    "f2",
    "f3",
    "f12",
    "tab",
    "shift+tab",
    "space",
    "up",
    "down",
    "pageup",
    "pagedown",
    "home",
    "end",
    "ctrl+q",
    "ctrl+c",
    "ctrl+z",
    "ctrl+backslash",
    "ctrl+p",
    "ctrl+s",
    "ctrl+d",
    "f1",
    "a",
    "q",
    "x",
]


class Fuzz:
    """One kiosk, one seed; `step` sends one random event and checks the invariants."""

    def __init__(self, pilot, seed: int) -> None:
        self.pilot = pilot
        self.app = pilot.app
        self.random = random.Random(seed)
        self.width, self.height = self.app.size
        self.visits_started = 0
        self.resets = 0
        self._visit = None

    async def step(self) -> str:
        app, pilot, rnd = self.app, self.pilot, self.random
        roll = rnd.random()
        if roll < 0.70:
            event = rnd.choice(KEYS)
            await pilot.press(event)
        elif roll < 0.90:
            x, y = rnd.randrange(self.width), rnd.randrange(self.height)
            event = f"click {x},{y}"
            await pilot.click(offset=(x, y))
        elif roll < 0.97:
            self.width, self.height = rnd.randint(40, 140), rnd.randint(12, 50)
            event = f"resize {self.width}x{self.height}"
            await pilot.resize_terminal(self.width, self.height)
        else:
            event = "walk away"
            base = app.base
            if base is not None and base.IDLE_RESET and not app.idle_warning_open:
                app.show_idle_warning()
                await pilot.pause()
                warning = app.screen
                warning.seconds_left = 1
                warning.tick()
        await pilot.pause()
        self.check(event)
        return event

    def check(self, event: str) -> None:
        app = self.app
        assert app.crashed_with is None, (event, app.crashed_with)
        assert app.is_running and app.return_code is None, f"the kiosk ended after {event}"
        stack = app.screen_stack
        assert not any(isinstance(s, FacilitatorScreen) for s in stack), (
            f"staff screen without the PIN after {event}"
        )
        if app.visit is not None and app.visit is not self._visit:
            if self._visit is None or app.visit.started != self._visit.started:
                self.visits_started += 1
            self._visit = app.visit
        if isinstance(app.base, WelcomeScreen):
            if self._visit is not None:
                self.resets += 1
                self._visit = None
            # A fresh start: nothing of an earlier visit under it or kept.
            assert app.visit is None and app.questions is None, event
            assert not any(isinstance(s, QuestionScreen | ResultScreen) for s in stack), (
                f"an earlier visit is still on the screen stack after {event}"
            )
