"""A large numbered answer button: the digit chooses it, and so does a click or touch."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Button

from skillcheck.tui.widgets.hanging import hanging


class AnswerButton(Button):
    """One answer; `code` is what the session stores, `number` the key that picks it.

    A button the current question does not use (the fifth under a four-answer
    question) leaves the layout (`display`). It used to stay in place, blank, to
    spare a layout of the whole screen (issue 8); three rows tall (a touch target),
    a blank button would take the room a fourth answer needs at 80x24. The layout
    now happens only when the number of answers changes (a can-do question after a
    knowledge check), and the screen is laid out again then anyway when it changes
    between roomy and compact rows (QuestionScreen.fit_answers).
    """

    DEFAULT_CSS = """
    /* No edges (compact): the answers touch, every other one a shade darker tells
       them apart. One row a line; the question screen makes each at least three
       rows tall where they fit (a touch target, QuestionScreen.fit_answers). */
    AnswerButton.answer {
        width: 100%;
        height: auto;
        min-height: 1;
        padding: 0 1;
        text-align: left;
        content-align: left middle;
        margin: 0;
    }
    AnswerButton.answer.-even {
        background: $surface-darken-1;
    }
    """

    def __init__(self, number: int) -> None:
        # Classes given here, not set afterwards: `set_class` on a widget not yet
        # mounted already matched the whole stylesheet against it (issue 25).
        classes = "answer -even" if number % 2 == 0 else "answer"
        super().__init__("", id=f"answer-{number}", classes=classes, compact=True)
        self.number = number
        self.code: str | None = None

    def show_answer(self, code: str, text: str, chosen_note: str | None, width: int) -> str:
        """Show this answer, wrapped to `width` cells; `chosen_note` marks the one
        given before (after Back). Returns the label shown."""
        self.code = code
        self.can_focus = True
        self.end_press_effect()
        if chosen_note:
            text = f"{text}   ({chosen_note})"
        label = hanging(f"{self.number}   ", text, width)
        self.set_class(bool(chosen_note), "-chosen")
        self.display = True  # seen again (after `hide`)
        relabel(self, label)
        return label

    def hide(self) -> None:
        """Not used by this question (it has fewer answers): out of the layout, inert."""
        self.code = None
        if self.has_focus:
            self.blur()
        self.can_focus = False  # Tab skips it
        self.end_press_effect()
        self.set_class(False, "-chosen")
        self.display = False

    def end_press_effect(self) -> None:
        """A tapped button is drawn pressed for a moment (Textual's `-active`); the
        next question appears in the same buttons at once, and its answer under the
        finger must not look chosen."""
        if self.has_class("-active"):
            self.remove_class("-active")


def relabel(button: Button, label: str) -> None:
    """Give `button` a new label, with a new layout only when it wraps to another
    number of lines (a layout pass costs more than the repaint, issue 8)."""
    if label == button.label.plain:
        # The same scale as the last question (consecutive can-do items):
        # nothing to redraw.
        return
    button.label = Content(label)
    # Button caches its height per width and a new label does not ask for a new
    # layout by itself (textual 8.2.8).
    width, height = button.content_size
    same_height = bool(width) and button.label.get_height(button.styles, width) == height
    button.clear_cached_dimensions()
    button.refresh(layout=not same_height)
