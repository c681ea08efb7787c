"""The facilitator PIN, with a growing lock-out after wrong tries (config.PinLock)."""

from __future__ import annotations

from time import monotonic

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button, Input, Static

from skillcheck.config import verify_pin
from skillcheck.tui.screens.base import KioskModal


class PinModal(KioskModal[bool]):
    """Dismisses with True after the right PIN; Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", show=False)]

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="dialog"):
            yield Static(Content(t.gettext("For staff: enter the PIN")), classes="title")
            yield Input(password=True, max_length=12, id="pin", restrict=r"[0-9]*")
            yield Static(id="pin-message", classes="text")
            yield Button(Content(t.gettext("OK")), id="ok")
            yield Button(Content(t.gettext("Cancel (Esc)")), id="cancel")
        yield from self.compose_hints()

    def key_hints(self) -> list[str]:
        t = self.t
        return [t.gettext("Enter: OK"), t.gettext("Esc: cancel")]

    def on_mount(self) -> None:
        self.show_lock()
        self.set_interval(1.0, self.show_lock)

    def show_lock(self) -> None:
        left = self.kiosk.pin_lock.seconds_left(monotonic())
        pin_input = self.query_one("#pin", Input)
        message = self.query_one("#pin-message", Static)
        if left:
            message.update(
                Content(
                    self.t.ngettext(
                        "Wrong PIN. Try again in {count} second.",
                        "Wrong PIN. Try again in {count} seconds.",
                        left,
                    ).format(count=left)
                )
            )
            pin_input.disabled = True
        elif pin_input.disabled:
            message.update("")
            pin_input.disabled = False
            pin_input.focus()
        elif self.focused is None:
            pin_input.focus()

    @on(Input.Submitted, "#pin")
    @on(Button.Pressed, "#ok")
    def try_pin(self) -> None:
        now = monotonic()
        kiosk = self.kiosk
        if kiosk.pin_lock.seconds_left(now):
            return
        pin_input = self.query_one("#pin", Input)
        pin = pin_input.value
        pin_input.value = ""
        if verify_pin(pin, kiosk.config.pin_hash):
            kiosk.pin_lock = kiosk.pin_lock.after_success()
            self.dismiss(True)
            return
        kiosk.pin_lock = kiosk.pin_lock.after_failure(now)
        self.show_lock()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
