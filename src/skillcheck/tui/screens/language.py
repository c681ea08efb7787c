"""Change the language at any moment; the answers are kept."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from skillcheck.tui.screens.base import KioskModal


class LanguageModal(KioskModal[str | None]):
    """Dismisses with the chosen language code, or None (Escape, Cancel).

    The languages scroll if a screen is too small for all of them; Cancel stays
    in view below them.
    """

    DEFAULT_CSS = """
    LanguageModal #choices {
        height: auto;
        max-height: 1fr;
    }
    LanguageModal #choices Button {
        margin: 0;
    }
    LanguageModal .dialog #cancel {
        margin: 1 0 1 0;
    }
    """

    BINDINGS = [
        *(Binding(str(n), f"choose({n})", show=False) for n in range(1, 10)),
        Binding("escape", "cancel", show=False),
    ]

    def compose(self) -> ComposeResult:
        t = self.t
        translators = self.kiosk.translators
        with Vertical(classes="dialog"):
            words = " · ".join(dict.fromkeys(o.gettext("Language") for o in translators.values()))
            yield Static(Content(words), classes="title")
            with VerticalScroll(id="choices"):
                for number, (code, other) in enumerate(translators.items(), start=1):
                    yield Button(Content(f"{number}   {other.name}"), id=f"lang-{code}")
            yield Button(Content(t.gettext("Cancel (Esc)")), id="cancel")
        yield from self.compose_hints()

    def key_hints(self) -> list[str]:
        t = self.t
        return [t.gettext("1 2 3 …: language"), t.gettext("Esc: cancel")]

    def action_choose(self, number: int) -> None:
        codes = list(self.kiosk.translators)
        if 1 <= number <= len(codes):
            self.dismiss(codes[number - 1])

    @on(Button.Pressed, "#choices Button")
    def chosen(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "").removeprefix("lang-"))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
