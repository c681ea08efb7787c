"""Random keys, clicks, resizes and walk-aways against the kiosk, checking after each
event what must always hold (the test and benchmarks/fuzz.py use it)."""

from __future__ import annotations

import logging
import random

from skillcheck.tui.screens.base import KioskModal
from skillcheck.tui.screens.facilitator import FacilitatorScreen
from skillcheck.tui.screens.idle_warning import IdleWarningModal
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
    "r",
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
    """One kiosk, one seed; `step` sends one random event and checks the invariants.

    Every event sent is kept in `events` (as text `replay` sends again), and every
    warning or error the kiosk logs in `logged`: the kiosk must log none, since each
    one is an ending, a lost or stuck session, or a broken file that the screen hides.
    Call `close` at the end (it detaches the log handler).
    """

    def __init__(self, pilot, seed: int) -> None:
        self.pilot = pilot
        self.app = pilot.app
        self.random = random.Random(seed)
        self.width, self.height = self.app.size
        self.visits_started = 0
        self.resets = 0
        self.events: list[str] = []
        self.logged: list[str] = []
        self._visit = None
        self._handler = _Collect(self.logged)
        logging.getLogger("skillcheck").addHandler(self._handler)

    def close(self) -> None:
        logging.getLogger("skillcheck").removeHandler(self._handler)

    async def step(self) -> str:
        rnd = self.random
        roll = rnd.random()
        if roll < 0.70:
            event = rnd.choice(KEYS)
        elif roll < 0.90:
            event = f"click {rnd.randrange(self.width)},{rnd.randrange(self.height)}"
        elif roll < 0.97:
            event = f"resize {rnd.randint(40, 140)}x{rnd.randint(12, 50)}"
        else:
            event = "walk away"
        await self.replay(event)
        return event

    async def replay(self, event: str) -> None:
        """Send one event as `step` wrote it in `events`, then check the invariants."""
        app, pilot = self.app, self.pilot
        self.events.append(event)
        kind, _, where = event.partition(" ")
        if kind == "click":
            x, y = (int(n) for n in where.split(","))
            await pilot.click(offset=(x, y))
        elif kind == "resize":
            self.width, self.height = (int(n) for n in where.split("x"))
            await pilot.resize_terminal(self.width, self.height)
        elif event == "walk away":
            base = app.base
            if base is not None and base.IDLE_RESET and not app.idle_warning_open:
                app.show_idle_warning()
                await pilot.pause()
                warning = app.screen
                # On a loaded machine its own 1-second timer may have run out already.
                if isinstance(warning, IdleWarningModal):
                    warning.seconds_left = 1
                    warning.tick()
        else:
            await pilot.press(event)
        await pilot.pause()
        self.check(event)

    def check(self, event: str) -> None:
        app = self.app
        # What the kiosk logged says why it ended (a signal from outside, a crash).
        said = f" (logged: {' | '.join(self.logged)})" if self.logged else ""
        assert app.crashed_with is None, f"crash after {event}: {app.crashed_with!r}{said}"
        assert app.is_running and app.return_code is None, f"the kiosk ended after {event}{said}"
        assert not self.logged, f"a warning or error after {event}{said}"
        stack = app.screen_stack
        assert not any(isinstance(s, FacilitatorScreen) for s in stack), (
            f"staff screen without the PIN after {event}"
        )
        # A kiosk screen is shown, under nothing but its dialogs: never a blank screen.
        # (The first start screen stays at the bottom, under the one shown.)
        assert app.base in stack[:2], f"no kiosk screen after {event}: {stack}"
        above = stack[stack.index(app.base) + 1 :]
        assert all(isinstance(s, KioskModal) for s in above), f"{stack} after {event}"
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


class _Collect(logging.Handler):
    """Keeps the text of every warning and error logged."""

    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record.getMessage())
