"""A large numbered answer button: the digit chooses it, and so does a click or touch."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Button


class AnswerButton(Button):
    """One answer; `code` is what the session stores, `number` the key that picks it.

    A button the current question does not use (the fifth under a four-answer
    question) stays in its place, blank (no label, fully transparent) and inert,
    rather than leaving the layout: `display` and `visibility` both ask Textual for
    a new layout of the whole screen (textual 8.2.8), and a CSS class for a new
    style pass over the button; opacity is only repainted (issue 8).
    """

    DEFAULT_CSS = """
    AnswerButton.answer {
        width: 100%;
        height: auto;
        min-height: 1;
        padding: 0 1;
        text-align: left;
        content-align: left middle;
        margin: 0 0 1 0;
    }
    """

    def __init__(self, number: int) -> None:
        super().__init__("", id=f"answer-{number}", classes="answer", compact=True)
        self.number = number
        self.code: str | None = None

    def show_answer(self, code: str, text: str, chosen_note: str | None) -> None:
        """Show this answer; `chosen_note` marks the one given before (after Back)."""
        self.code = code
        self.can_focus = True
        self.end_press_effect()
        label = f"{self.number}   {text}"
        if chosen_note:
            label = f"{label}   ({chosen_note})"
        self.set_class(bool(chosen_note), "-chosen")
        self.styles.opacity = None  # seen again (after `hide`)
        relabel(self, label)

    def hide(self) -> None:
        """Not used by this question (it has fewer answers): blank, inert, in place."""
        self.code = None
        if self.has_focus:
            self.blur()
        self.can_focus = False  # Tab skips it
        self.end_press_effect()
        self.set_class(False, "-chosen")
        self.styles.opacity = 0
        relabel(self, "")

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
