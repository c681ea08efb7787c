"""A text that changes in place without moving what lies below it.

The question screen shows one of a known set of texts (the bank's questions, the
area names). Kept as tall as the tallest of them at the current width, a new text
is only repainted: a text of another height would move the answers and ask
Textual for a new layout of the whole screen, which costs more than everything
else a question change does (issue 8, docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.content import Content
from textual.widgets import Static


class SteadyText(Static):
    """Shows one of `texts` at a time, with room for the tallest of them."""

    def __init__(self, texts: Sequence[str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.texts = {text: Content(text) for text in texts}
        self.heights: dict[str, int] = {}  # each text's height at the current width
        self.reserved = 0  # lines kept free for the tallest text at this width
        # False: as tall as the text shown, no more (a small screen that needs every
        # row for the answers, QuestionScreen.fit_answers); True: room for the tallest.
        self.steady = True

    def on_resize(self, event: events.Resize) -> None:
        width = self.content_size.width
        if width <= 0:
            return
        self.heights = {
            text: content.get_height(self.styles, width) for text, content in self.texts.items()
        }
        lines = max(self.heights.values(), default=1)
        if lines != self.reserved:
            self.reserved = lines
            if self.steady:
                self.styles.min_height = lines

    def height_of(self, text: str) -> int:
        """The lines `text` takes at the current width (0 before the first resize)."""
        if text in self.heights:
            return self.heights[text]
        width = self.content_size.width
        return Content(text).get_height(self.styles, width) if width > 0 else 0

    def hold(self, steady: bool) -> None:
        """Keep room for the tallest text (`steady`) or be only as tall as the text
        shown: the answers below then move when the next text is taller or shorter,
        at the cost of a new layout (issue 8), on a screen too small for both."""
        if steady == self.steady:
            return
        self.steady = steady
        self.styles.min_height = self.reserved if steady else None

    def show(self, text: str) -> None:
        """Show `text`: repainted in place, with a new layout only if its height differs
        (the first time, or a text wider than those given at the start)."""
        content = self.texts.get(text) or Content(text)
        width, height = self.content_size
        if width <= 0:
            self.update(content)
            return
        lines = self.heights.get(text)  # known: no wrapping to measure it again
        if lines is None:
            lines = content.get_height(self.styles, width)
        reserved = self.reserved if self.steady else 0
        self.update(content, layout=max(lines, reserved) != height)
