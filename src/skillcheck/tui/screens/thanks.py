"""Thank you: goes back to the welcome screen by itself after a few seconds."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from skillcheck.tui.screens.base import KioskScreen

THANKS_SECONDS = 8


class ThanksScreen(KioskScreen):
    """Nothing of the visit is shown here; the session is already dropped."""

    IDLE_RESET = False

    def where(self) -> str:
        return self.t.gettext("Thank you")

    def compose_body(self) -> ComposeResult:
        t = self.t
        with VerticalScroll(classes="body"):
            yield Static(Content(t.gettext("Thank you!")), classes="title")
            yield Static(
                Content(t.gettext("Good luck with your next step. It is never too late to learn.")),
                classes="text",
            )
            yield Static(
                Content(t.gettext("This screen goes back to the start in a few seconds.")),
                classes="text",
            )
            with Horizontal(classes="row"):
                yield Button(Content(t.gettext("Back to the start (Enter)")), id="home")

    def on_mount(self) -> None:
        self.set_timer(self.kiosk.thanks_seconds, self.kiosk.reset_to_welcome)

    def do_confirm(self) -> None:
        self.kiosk.reset_to_welcome()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "home":
            self.do_confirm()
