"""The one place the kiosk reaches into Textual's private API: unexpected errors.

Textual 8 has no public hook for an exception raised in a handler, timer or worker:
every one goes to the private `App._handle_exception`, which ends the app and prints
a Rich traceback with `show_locals=True` (it could print a visitor's answers). We
override that one method: the App's `handle_crash(error)` logs and records the visit,
then Textual's own method ends the app, given an error that renders as one plain
line (Textual prints objects with `__rich__` instead of a traceback).

Pinned: `tests/test_tui_crash.py` checks the Textual version and the behaviour.
When Textual changes, check `App._handle_exception` and move `TESTED_TEXTUAL`.
"""

from __future__ import annotations

from textual.app import App

# The Textual versions this adapter was read against (pyproject pins textual<9).
TESTED_TEXTUAL = ("8.2",)


class KioskError(Exception):
    """An unexpected error, shown (if at all) as one line without locals."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.error = error

    def __rich__(self) -> str:
        return "skillcheck: an unexpected error was written to the log; starting again."


class CrashAdapter(App[None]):
    """Base of the kiosk App: routes Textual's unhandled errors to `handle_crash`."""

    def handle_crash(self, error: BaseException) -> None:
        """Called once per unhandled error before the app ends; override."""

    def _handle_exception(self, error: Exception) -> None:  # Textual's private hook
        try:
            self.handle_crash(error)
        finally:
            super()._handle_exception(KioskError(error))
