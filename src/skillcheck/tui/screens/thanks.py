"""Thank you: goes back to the welcome screen by itself after a few seconds."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Button, Static

from skillcheck.tui.messages import StartOver
from skillcheck.tui.screens.base import VisitorScreen


class ThanksScreen(VisitorScreen):
    """Nothing of the visit is shown here; the session is already dropped."""

    BINDINGS = [Binding("enter", "start_over", show=False)]

    IDLE_RESET = False

    def where(self) -> str:
        return self.t.gettext("Thank you")

    def compose_body(self) -> ComposeResult:
        t = self.t
        yield Static(Content(t.gettext("Thank you!")), classes="title")
        yield Static(
            Content(t.gettext("Good luck with your next step. It is never too late to learn.")),
            classes="text",
        )
        yield Static(
            Content(t.gettext("This screen goes back to the start in a few seconds.")),
            classes="text",
        )

    def compose_actions(self) -> ComposeResult:
        yield Button(Content(self.t.gettext("Back to the start (Enter)")), id="home")

    def on_mount(self) -> None:
        self.set_timer(self.kiosk.thanks_seconds, self.action_start_over)

    @on(Button.Pressed, "#home")
    def action_start_over(self) -> None:
        self.post_message(StartOver(self))
