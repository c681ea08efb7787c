"""Are you still there? Counts down; any key or touch continues (the App handles that)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from skillcheck.tui.screens.base import KioskModal


class IdleWarningModal(KioskModal[None]):
    """At zero the App drops the visit and shows the welcome screen.

    `answers_at_stake`: whether answers would be deleted (a visit under way). Before
    the first answer and on the result nothing is deleted, and the warning says so.
    """

    def __init__(self, seconds: float, answers_at_stake: bool = True) -> None:
        super().__init__()
        self.seconds_left = max(1, round(seconds))
        self.answers_at_stake = answers_at_stake

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="dialog"):
            yield Static(Content(t.gettext("Are you still there?")), classes="title")
            yield Static(Content(self.countdown_text()), id="countdown")
            yield Static(
                Content(t.gettext("Press any key or touch the screen to go on.")),
                classes="text",
            )

    def countdown_text(self) -> str:
        if self.answers_at_stake:
            text = self.t.ngettext(
                "The test stops in {count} second and your answers are deleted.",
                "The test stops in {count} seconds and your answers are deleted.",
                self.seconds_left,
            )
        else:
            text = self.t.ngettext(
                "The screen goes back to the start in {count} second.",
                "The screen goes back to the start in {count} seconds.",
                self.seconds_left,
            )
        return text.format(count=self.seconds_left)

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        self.seconds_left -= 1
        if self.seconds_left <= 0:
            self.kiosk.idle_timeout()
            return
        self.query_one("#countdown", Static).update(Content(self.countdown_text()))
