"""Stop? A yes/no question; Escape and "No" go back to the question."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button, Static

from skillcheck.tui.screens.base import KioskModal


class ConfirmStopModal(KioskModal[bool]):
    """Dismisses with True to stop, False to go on."""

    BINDINGS = [
        Binding("1", "stop", show=False),
        Binding("2,escape", "go_on", show=False),
    ]

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="dialog"):
            yield Static(Content(t.gettext("Do you want to stop?")), classes="title")
            yield Static(
                Content(t.gettext("If you stop, your answers are deleted.")), classes="text"
            )
            yield Button(Content(t.gettext("1   Yes, stop")), id="yes")
            yield Button(Content(t.gettext("2   No, go on (Esc)")), id="no")
        yield from self.compose_hints()

    def key_hints(self) -> list[str]:
        t = self.t
        return [t.gettext("1: stop"), t.gettext("2 or Esc: go on")]

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed, "#yes")
    def action_stop(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_go_on(self) -> None:
        self.dismiss(False)
