"""Anchor 1, the floor: what any Textual app pays to show the next question.

It stands for the least a kiosk built on Textual could do: one screen with a title,
a progress line and five answer buttons, where a digit key changes only the progress
line, in place (one `Static.update`). benchmarks/outside_in.py times `skillcheck run`
against it, for start to first paint and for key to repaint; the kiosk can come near
this, never under it.

Written for skillcheck's benchmarks; run alone with `python bare_app.py` (ctrl+q quits).
"""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Button, Static

ANSWERS = 5
MOST = 25


class FloorAnchor(App[None]):
    """A title, a progress line, five buttons; digits move the progress line on."""

    def __init__(self) -> None:
        super().__init__()
        self.number = 1

    def compose(self) -> ComposeResult:
        yield Static("Anchor: one line changes")
        yield Static(self.progress(), id="progress")
        for answer in range(1, ANSWERS + 1):
            yield Button(f"{answer}  Answer number {answer}")

    def progress(self) -> str:
        return f"Question {self.number} of at most {MOST}"

    def on_key(self, event: events.Key) -> None:
        if event.character is not None and event.character.isdigit():
            self.number += 1
            self.query_one("#progress", Static).update(self.progress())


if __name__ == "__main__":
    FloorAnchor().run()
