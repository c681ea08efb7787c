"""The questions: one screen for the whole visit, updated in place on every answer.

Updating the widgets takes ~3 ms; rebuilding them ~40 ms (docs/performance.md),
so the screen is rebuilt only when the language changes. The App calls `show`
with the session after each answer; the screen posts what the person does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Button

from skillcheck.speech import Speech, question_speech, step_texts
from skillcheck.tui.messages import Answered, BackRequested, StopRequested
from skillcheck.tui.screens.base import VisitorScreen
from skillcheck.tui.widgets.answer import AnswerButton, relabel
from skillcheck.tui.widgets.bars import TopBar, roomy
from skillcheck.tui.widgets.paging import PagedBody
from skillcheck.tui.widgets.progress import ProgressLine
from skillcheck.tui.widgets.steady_text import SteadyText

if TYPE_CHECKING:
    from skillcheck.session import Session


class QuestionScreen(VisitorScreen):
    """Area name, "Question 4 of at most N", the question and numbered answers."""

    # Five layouts, the roomiest that shows the question and every answer at once
    # (`fit_answers`); the row counts in `LAYOUTS` are those of the CSS below.
    # From 80x24 up (`ROOMY`) the top bar's buttons are three rows tall and the area
    # is said there, beside them (`-area-in-bar`), not in a row of its own: the two
    # rows the bar grew by come back from the area's row and the blank line above the
    # question, so a can-do question still gets the roomy layout and a knowledge
    # check's five answers stay three rows tall (issue 24).
    #   -roomy:   answers and Back / Stop three rows tall (touch targets), a blank
    #             line around the question (a can-do question at 80x24);
    #   -tall:    answers three rows tall, Back / Stop one row (five answers at 80x24);
    #   -close:   the same without the blank line under the question;
    #   -spaced:  answers one row a line, a blank line after each;
    #   -compact: answers one row a line, no blank lines (60x20: five answers three
    #             rows tall do not fit).
    DEFAULT_CSS = """
    QuestionScreen #area {
        text-style: bold;
        width: 100%;
    }
    QuestionScreen #question {
        text-style: bold;
        width: 100%;
    }
    QuestionScreen.-roomy #question {
        margin: 1 0 1 0;
    }
    QuestionScreen.-area-in-bar #area {
        display: none;
    }
    QuestionScreen.-area-in-bar.-roomy #question {
        margin: 0 0 1 0;
    }
    QuestionScreen.-tall #question, QuestionScreen.-spaced #question {
        margin: 0 0 1 0;
    }
    QuestionScreen.-roomy AnswerButton.answer,
    QuestionScreen.-tall AnswerButton.answer,
    QuestionScreen.-close AnswerButton.answer {
        min-height: 3;
    }
    QuestionScreen.-spaced AnswerButton.answer {
        margin: 0 0 1 0;
    }
    QuestionScreen #actions Button {
        height: auto;
        min-height: 3;
        padding: 0 1;
    }
    QuestionScreen #actions Button.-textual-compact {
        min-height: 1;
    }
    """

    # Per layout: blank lines around the question, the rows an answer takes at
    # least, blank lines after each answer, the rows of the actions row, and whether
    # Back and Stop are compact (one row, `Button.compact`).
    LAYOUTS = {
        "-roomy": (2, 3, 0, 3, False),
        "-tall": (1, 3, 0, 1, True),
        "-close": (0, 3, 0, 1, True),
        "-spaced": (1, 1, 1, 1, True),
        "-compact": (0, 1, 0, 1, True),
    }

    BINDINGS = [
        *(Binding(str(n), f"choose({n})", show=False) for n in range(1, 10)),
        Binding("enter", "confirm", show=False),
        Binding("backspace", "back", show=False),
        Binding("escape", "stop", show=False),
    ]

    AUTO_FOCUS = None  # nothing pre-selected: Enter alone never picks a new answer

    def __init__(self) -> None:
        super().__init__()
        self.item_id: str | None = None
        # The answer given before to this question (after Back): Enter keeps it.
        self.marked: str | None = None
        self.area_name: str | None = None  # what #area shows

    def compose_body(self) -> ComposeResult:
        t, bank = self.t, self.kiosk.bank
        most = max(len(item.answers) for item in bank.items)
        question = bank.survey.filter if bank.survey else None
        headings = [t.pgettext(area.context, area.name) for area in bank.areas]
        questions = [t.pgettext(item.id, item.text) for item in bank.items]
        if question is not None:  # the internet question shows on this screen too
            headings.append(t.gettext("Before the questions"))
            questions.append(t.pgettext(question.id, question.text))
        # Room for the longest area name and question: the answers keep their place.
        yield SteadyText(headings, id="area")
        yield ProgressLine(id="progress")
        yield SteadyText(questions, id="question")
        for number in range(1, most + 1):
            yield AnswerButton(number)

    def compose_actions(self) -> ComposeResult:
        t = self.t
        yield Button(Content(t.gettext("Back (Backspace)")), id="back")
        yield Button(Content(t.gettext("Stop (Esc)")), id="stop")

    def on_mount(self) -> None:
        self.find_parts()
        if self.kiosk.session is not None:
            self.show(self.kiosk.session)

    def find_parts(self) -> None:
        """The widgets each answer updates, looked up once (a query walks the screen)."""
        self.area_text = self.query_one("#area", SteadyText)
        self.progress_line = self.query_one("#progress", ProgressLine)
        self.question_text = self.query_one("#question", SteadyText)
        self.answer_buttons = list(self.query(AnswerButton))
        self.back_button = self.query_one("#back", Button)
        self.body = self.query_one(PagedBody)
        self.top_bar = self.query_one(TopBar)
        self.layout_name: str | None = None
        self.compact_actions = False

    def fit_answers(self, labels: list[str], question_text: str = "") -> None:
        """The roomiest layout (`LAYOUTS`) in which the question and these answers all
        fit the screen without paging: touch targets three rows tall where they fit,
        compact rows on a small screen (60x20), never an answer out of sight."""
        width, height = self.size
        if not width or not height:
            return
        body = self.body
        others = sum(
            widget.outer_size.height
            for widget in self.children
            if widget is not body and widget.id != "actions" and widget.display
        )
        area_in_bar = self.has_class("-area-in-bar")
        head = self.progress_line.outer_size.height
        if not area_in_bar:
            head += self.area_text.outer_size.height
        question = self.question_text
        steady = question.reserved or question.outer_size.height
        # Each label is wrapped already (`hanging`): a line of text is a row.
        lines = [label.count("\n") + 1 for label in labels]
        chosen, hold = "-compact", True
        for name, (blank, least, gap, actions, _) in self.LAYOUTS.items():
            if area_in_bar and name == "-roomy":
                blank -= 1  # the bar's edge stands for the line above the question
            needed = head + steady + blank + sum(max(least, n) + gap for n in lines)
            # Below 80 columns a layout is not taken to its last row: a page button
            # shown for a moment (a first measure, before the answers were wrapped)
            # wraps a one-row Back to two rows, and the last answer went below the
            # fold for good (tried at 60x20 in German and Dutch).
            room = height - others - actions - (width < 80 and actions == 1)
            if needed <= room:
                chosen = name
                break
        else:
            # Not even compact rows fit under room for the longest question (a long
            # knowledge check at 60x20 in French): the question as tall as itself,
            # so every answer stays in view; the next question may move them.
            own = question.height_of(question_text) or steady
            hold = head + own + sum(lines) > height - others - self.LAYOUTS[chosen][3]
        question.hold(hold)
        if chosen == self.layout_name:
            return
        self.layout_name = chosen
        compact_actions = self.LAYOUTS[chosen][-1]
        if any(self.has_class(name) != (name == chosen) for name in self.LAYOUTS):
            for name in self.LAYOUTS:
                self.set_class(name == chosen, name, update=False)
            # Restyled: only the widgets these classes style (DEFAULT_CSS above), once.
            # A class set on the screen restyles it and every widget on it (top bar,
            # key bar), twice per change: the heaviest part of an answer that changes
            # the layout (issue 25).
            actions = self.query("#actions Button").results(Button)
            for widget in (self.question_text, *self.answer_buttons, *actions):
                widget.update_node_styles()
        self.compact_actions = compact_actions
        self.fit_action_buttons()

    def fit_action_buttons(self) -> None:
        """Back, Stop and the page buttons (added when needed) one row tall or three."""
        for button in self.query("#actions Button").results(Button):
            button.compact = self.compact_actions

    def compact_page_buttons(self) -> bool:
        return self.compact_actions

    def answer_room(self) -> int:
        """The cells an answer's text has on a line (0 before the first layout)."""
        styles = self.answer_buttons[0].styles
        # The button's padding and Textual's `line-pad` on each side of each line;
        # the body's padding and its scroll bar, shown or not: a scroll bar shown for
        # a moment (a first measure) wrapped the labels again, under their number,
        # and the answers stayed a row too tall for good (tried at 60x20).
        edges = styles.padding.width + 2 * styles.line_pad
        body = self.body
        if not body.region.width:
            return 0
        page = body.styles.padding.width + body.styles.scrollbar_size_vertical
        return max(0, body.region.width - page - edges)

    def on_resize(self, event: events.Resize) -> None:
        super().on_resize(event)
        self.set_class(roomy(*event.size), "-area-in-bar")
        self.area_name = None  # said again, in the bar or below it
        # Wrapped and measured again once the body has its new width.
        self.layout_name = None
        self.call_after_refresh(self.show_again)

    def show_again(self) -> None:
        if self.kiosk.session is not None:
            self.show(self.kiosk.session)

    async def retranslate(self) -> None:
        """The one time this screen is rebuilt: a new language."""
        await self.recompose()
        self.find_parts()
        self.area_name = None
        if self.kiosk.session is not None:
            self.show(self.kiosk.session)

    def key_hints(self) -> list[str]:
        t = self.t
        return [
            t.gettext("1 2 3 …: answer"),
            t.gettext("Backspace: back"),
            t.gettext("Esc: stop"),
        ]

    def show(self, session: Session) -> None:
        """Show the session's current question in place (the fast path on each answer)."""
        texts = step_texts(self.kiosk.bank, session, self.t)
        if texts is None:
            return
        t = self.t
        progress = session.progress
        self.item_id = session.current.key  # type: ignore[union-attr]
        self.marked = session.previous_answer()
        # Only what differs from the last question is touched (issue 8): the area
        # and the answer scale often stay; the progress line, the area and the
        # question keep their height and are only repainted; the fifth answer
        # button stays in place, blank, under a four-answer question; everything
        # lands in one frame.
        with self.app.batch_update():
            area_name = texts.heading
            if area_name != self.area_name:
                self.area_name = area_name
                self.area_text.show(area_name)
                in_bar = self.has_class("-area-in-bar")
                self.top_bar.show_where(area_name if in_bar else self.where())
            self.progress_line.show(texts.progress, progress.number - 1, progress.at_most)
            self.question_text.show(texts.question)
            answers = texts.answers
            labels = []
            room = self.answer_room()
            for button in self.answer_buttons:
                if button.number <= len(answers):
                    code, text = answers[button.number - 1]
                    note = t.gettext("your previous answer") if code == self.marked else None
                    labels.append(button.show_answer(code, text, note, room))
                else:
                    button.hide()
            self.fit_answers(labels, texts.question)
            back = self.back_button
            if back.disabled == session.can_go_back:
                # Blank but in place on the first question (see skillcheck.tcss).
                back.disabled = not session.can_go_back
                relabel(back, t.gettext("Back (Backspace)") if session.can_go_back else "")
            self.set_focus(None)
            if self.body.scroll_y:
                self.body.scroll_home(animate=False)

    def speech(self) -> Speech:
        """The question, then each answer with its spoken number (read aloud, R)."""
        kiosk = self.kiosk
        if kiosk.session is None:
            return Speech()
        return question_speech(kiosk.bank, kiosk.session, self.t, kiosk.pronunciation())

    def answer(self, code: str | None) -> None:
        if code is not None and self.item_id is not None:
            self.post_message(Answered(self, self.item_id, code))

    def action_choose(self, number: int) -> None:
        for button in self.answer_buttons:
            if button.number == number:
                self.answer(button.code)
                return

    def action_confirm(self) -> None:
        """Enter: keep the marked earlier answer and go on (nothing when none is marked)."""
        self.answer(self.marked)

    @on(Button.Pressed, "AnswerButton")
    def answer_pressed(self, event: Button.Pressed) -> None:
        assert isinstance(event.button, AnswerButton)
        self.answer(event.button.code)

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.post_message(BackRequested(self))

    @on(Button.Pressed, "#stop")
    def action_stop(self) -> None:
        from skillcheck.tui.screens.confirm_stop import ConfirmStopModal

        def stop(confirmed: bool | None) -> None:
            if confirmed:
                self.post_message(StopRequested(self))

        self.app.push_screen(ConfirmStopModal(), stop)
