"""Change the language at any moment; the answers are kept."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button, Static

from skillcheck.tui.screens.base import KioskModal


class LanguageModal(KioskModal[str | None]):
    """Dismisses with the chosen language code, or None (Escape)."""

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="dialog"):
            words = " · ".join(o.gettext("Language") for o in self.kiosk.translators.values())
            yield Static(Content(words), classes="title")
            for number, (code, other) in enumerate(self.kiosk.translators.items(), start=1):
                yield Button(Content(f"{number}   {other.name}"), id=f"lang-{code}")
            yield Button(Content(t.gettext("Cancel (Esc)")), id="cancel")

    def do_choose(self, number: int) -> None:
        codes = list(self.kiosk.translators)
        if 1 <= number <= len(codes):
            self.dismiss(codes[number - 1])

    def do_stop(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button_id = event.button.id or ""
        self.dismiss(button_id.removeprefix("lang-") if button_id.startswith("lang-") else None)
