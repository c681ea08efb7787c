"""Before you start: how it works, how long, what is (not) stored; one Start button."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Button, Static

from skillcheck.digcomp import N_
from skillcheck.records import WHAT_WE_KEEP
from skillcheck.tui.messages import LanguagesRequested, StartRequested
from skillcheck.tui.screens.base import VisitorScreen

# A can-do line names a task ("Find the opening hours of …"): read as an order, it
# sends people looking for a browser on the kiosk. One sentence says how to answer it.
HOW_TO_ANSWER_A_TASK = N_(
    "When a question names a task (such as finding the opening hours of a shop), "
    "choose how well you can do it: you do not do it here."
)


class IntroScreen(VisitorScreen):
    """Enter or the Start button begins; Escape goes back to the languages."""

    BINDINGS = [
        Binding("enter", "start", show=False),
        Binding("escape", "back_to_languages", show=False),
    ]

    def where(self) -> str:
        return self.t.gettext("Before you start")

    def compose_body(self) -> ComposeResult:
        t = self.t
        # The longest visit the Session can make (skillcheck.session), not the bank.
        from skillcheck.session import longest_visit

        at_most = longest_visit(self.kiosk.bank)
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
            t.gettext(HOW_TO_ANSWER_A_TASK),
            t.gettext(
                "At the end you see what you can already do, what to learn next, "
                "and where you can learn it."
            ),
            t.gettext(WHAT_WE_KEEP),
        ]
        yield Static(Content(t.gettext("Before you start")), classes="title")
        for text in paragraphs:
            yield Static(Content(text), classes="text")

    def compose_actions(self) -> ComposeResult:
        t = self.t
        yield Button(Content(t.gettext("Start (Enter)")), id="start")
        yield Button(Content(t.gettext("Back to languages (Esc)")), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#start", Button).focus()

    def key_hints(self) -> list[str]:
        t = self.t
        return [t.gettext("Enter: start"), t.gettext("Esc: back to languages")]

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        self.post_message(StartRequested(self))

    @on(Button.Pressed, "#cancel")
    def action_back_to_languages(self) -> None:
        self.post_message(LanguagesRequested(self))
