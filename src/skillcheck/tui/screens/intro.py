"""Before you start: how it works, how long, what is (not) stored; one Start button."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from skillcheck.tui.screens.base import KioskScreen


class IntroScreen(KioskScreen):
    """Enter or the Start button begins; Escape goes back to the languages."""

    def where(self) -> str:
        return self.t.gettext("Before you start")

    def compose_body(self) -> ComposeResult:
        t = self.t
        at_most = len(self.kiosk.bank.items)
        paragraphs = [
            t.ngettext(
                "You answer at most {count} short question about computers, phones and "
                "the internet. It takes about 5 to 8 minutes.",
                "You answer at most {count} short questions about computers, phones and "
                "the internet. It takes about 5 to 8 minutes.",
                at_most,
            ).format(count=at_most),
            t.gettext(
                "Press the number of your answer, or touch it. Answer honestly: "
                "this is not an exam."
            ),
            t.gettext(
                "At the end you see what you can already do, what to learn next, "
                "and where you can learn it."
            ),
            t.gettext(
                "It is anonymous. We do not ask your name. We keep only your answers "
                "and your result, with the date, to count how many people took the test. "
                "Nobody can see them later on this screen."
            ),
        ]
        with VerticalScroll(classes="body"):
            yield Static(Content(t.gettext("Before you start")), classes="title")
            for text in paragraphs:
                yield Static(Content(text), classes="text")
            with Horizontal(classes="row"):
                yield Button(Content(t.gettext("Start (Enter)")), id="start")
                yield Button(Content(t.gettext("Back to languages (Esc)")), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#start", Button).focus()

    def key_hints(self) -> list[str]:
        t = self.t
        return [t.gettext("Enter: start"), t.gettext("Esc: back to languages")]

    def do_confirm(self) -> None:
        self.kiosk.start_questions()

    def do_stop(self) -> None:
        self.kiosk.reset_to_welcome()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.do_confirm()
        elif event.button.id == "cancel":
            self.do_stop()
