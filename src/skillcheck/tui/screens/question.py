"""The questions: one screen for the whole visit, updated in place on every answer.

Updating the widgets takes ~3 ms; rebuilding them ~40 ms (docs/performance.md),
so the screen is rebuilt only when the language changes.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, ProgressBar, Static

from skillcheck.tui.screens.base import KioskScreen
from skillcheck.tui.widgets.answer import AnswerButton


class QuestionScreen(KioskScreen):
    """Area name, "Question 4 of at most N", the question and numbered answers."""

    AUTO_FOCUS = None  # nothing pre-selected: Enter alone never answers

    def area_name(self) -> str:
        session = self.kiosk.session
        item = session.current if session else None
        if item is None:
            return ""
        area = self.kiosk.bank.area(item.area)
        return self.t.pgettext(area.context, area.name)

    def compose_body(self) -> ComposeResult:
        t = self.t
        most = max(len(item.answers) for item in self.kiosk.bank.items)
        with VerticalScroll(classes="body", id="question-body"):
            yield Static(id="area")
            with Horizontal(id="progress-row"):
                yield Static(id="progress-text")
                yield ProgressBar(show_eta=False, show_percentage=False, id="progress")
            yield Static(id="question")
            for number in range(1, most + 1):
                yield AnswerButton(number)
            with Horizontal(classes="row"):
                yield Button(Content(t.gettext("Back (Backspace)")), id="back")
                yield Button(Content(t.gettext("Stop (Esc)")), id="stop")

    def on_mount(self) -> None:
        self.show_current()

    def retranslate(self) -> None:
        """The one time this screen is rebuilt: a new language."""

        async def rebuild() -> None:
            await self.recompose()
            self.show_current()

        self.call_later(rebuild)

    def key_hints(self) -> list[str]:
        t = self.t
        return [
            t.gettext("1 2 3 …: answer"),
            t.gettext("Backspace: back"),
            t.gettext("Esc: stop"),
        ]

    def show_current(self) -> None:
        """Show the session's current item in place (the fast path on each answer)."""
        session = self.kiosk.session
        item = session.current if session else None
        if session is None or item is None:
            return
        t = self.t
        progress = session.progress
        self.query_one("#area", Static).update(Content(self.area_name()))
        self.query_one("#progress-text", Static).update(
            Content(
                t.ngettext(
                    "Question {number} of at most {total}",
                    "Question {number} of at most {total}",
                    progress.at_most,
                ).format(number=progress.number, total=progress.at_most)
            )
        )
        self.query_one("#progress", ProgressBar).update(
            total=progress.at_most, progress=progress.number - 1
        )
        self.query_one("#question", Static).update(Content(t.pgettext(item.id, item.text)))
        previous = session.previous_answer()
        answers = item.answers
        for button in self.query(AnswerButton):
            if button.number <= len(answers):
                answer = answers[button.number - 1]
                text = (
                    t.pgettext(answer.context, answer.text)
                    if answer.context
                    else t.gettext(answer.text)
                )
                note = t.gettext("your previous answer") if answer.code == previous else None
                button.show_answer(answer.code, text, note)
            else:
                button.hide()
        self.query_one("#back", Button).disabled = not session.can_go_back
        self.set_focus(None)
        self.query_one("#question-body").scroll_home(animate=False)

    def do_choose(self, number: int) -> None:
        for button in self.query(AnswerButton):
            if button.number == number and button.code is not None:
                self.kiosk.answer(button.code)
                return

    def do_back(self) -> None:
        self.kiosk.go_back()

    def do_stop(self) -> None:
        self.kiosk.ask_stop()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if isinstance(event.button, AnswerButton):
            if event.button.code is not None:
                self.kiosk.answer(event.button.code)
        elif event.button.id == "back":
            self.do_back()
        elif event.button.id == "stop":
            self.do_stop()
