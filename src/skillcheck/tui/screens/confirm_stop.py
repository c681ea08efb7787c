"""Stop? A yes/no question; Escape and "No" go back to the question."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button, Static

from skillcheck.tui.screens.base import KioskModal


class ConfirmStopModal(KioskModal[bool]):
    """Dismisses with True to stop, False to go on."""

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="dialog"):
            yield Static(Content(t.gettext("Do you want to stop?")), classes="title")
            yield Static(
                Content(t.gettext("If you stop, your answers are deleted.")), classes="text"
            )
            yield Button(Content(t.gettext("1   Yes, stop")), id="yes")
            yield Button(Content(t.gettext("2   No, go on (Esc)")), id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def do_choose(self, number: int) -> None:
        if number in (1, 2):
            self.dismiss(number == 1)

    def do_stop(self) -> None:
        self.dismiss(False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")
