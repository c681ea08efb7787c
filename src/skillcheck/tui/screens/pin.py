"""The facilitator PIN dialog; the check and its lock-out are `skillcheck.pin.PinGuard`'s."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button, Input, Static

from skillcheck.pin import MAX_PIN_DIGITS, Attempt
from skillcheck.tui.screens.base import KioskModal


class PinModal(KioskModal[bool]):
    """Dismisses with True after the right PIN; Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", show=False)]

    checking = False

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="dialog"):
            yield Static(Content(t.gettext("For staff: enter the PIN")), classes="title")
            yield Input(password=True, max_length=MAX_PIN_DIGITS, id="pin", restrict=r"[0-9]*")
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

    def show_lock(self, left: int | None = None) -> None:
        """Show the lock-out read from disk (another tab's wrong PINs count too)."""
        if self.checking:
            return
        if left is None:
            left = self.kiosk.pin.seconds_left()
        pin_input = self.query_one("#pin", Input)
        message = self.query_one("#pin-message", Static)
        if left:
            message.update(Content(self.wait_words(left)))
            pin_input.disabled = True
        elif pin_input.disabled:
            message.update("")
            pin_input.disabled = False
            pin_input.focus()
        elif self.focused is None:
            pin_input.focus()

    def wait_words(self, left: int) -> str:
        """How long until the next try: seconds under a minute, else whole minutes
        rounded up ("15 minutes", never "900 seconds")."""
        t = self.t
        if left < 60:
            return t.ngettext(
                "Wrong PIN. Try again in {count} second.",
                "Wrong PIN. Try again in {count} seconds.",
                left,
            ).format(count=left)
        minutes = -(-left // 60)
        return t.ngettext(
            "Wrong PIN. Try again in {count} minute.",
            "Wrong PIN. Try again in {count} minutes.",
            minutes,
        ).format(count=minutes)

    @on(Input.Submitted, "#pin")
    @on(Button.Pressed, "#ok")
    def try_pin(self) -> None:
        pin_input = self.query_one("#pin", Input)
        if self.checking or pin_input.disabled:
            return
        pin = pin_input.value
        pin_input.value = ""
        self.checking = True
        pin_input.disabled = True
        self.query_one("#pin-message", Static).update(Content(self.t.gettext("Checking…")))
        self.check_pin(pin)

    @work(thread=True, exclusive=True)
    def check_pin(self, pin: str) -> None:
        """scrypt takes a moment: off the screen's thread, so the screen never freezes."""
        attempt, left = self.kiosk.pin.try_pin(pin)
        self.app.call_from_thread(self.pin_checked, attempt, left)

    def pin_checked(self, attempt: Attempt, left: int) -> None:
        self.checking = False
        if self.app.screen is not self:
            return  # cancelled while checking
        if attempt is Attempt.RIGHT:
            self.dismiss(True)
            return
        self.show_lock(left)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
