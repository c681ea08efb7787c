"""Anchor 2, a whole question change done the plain way.

It stands for what a question screen costs when everything on it changes: the
progress line, a progress bar, the question's text and all five answers' labels, set
in one `batch_update` on each digit key, with no cleverness. Beside bare_app.py (one
line changes) it shows how much of the kiosk's key-to-paint time is simply the amount
it redraws, and how much is its own work.

Written for skillcheck's benchmarks; run alone with `python plain_app.py` (ctrl+q quits).
"""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Button, ProgressBar, Static

ANSWERS = 5
MOST = 25


class QuestionAnchor(App[None]):
    """A question screen whose every text changes on a digit key."""

    def __init__(self) -> None:
        super().__init__()
        self.number = 1

    def compose(self) -> ComposeResult:
        yield Static("Anchor: the whole question changes")
        yield Static(self.progress(), id="progress")
        yield ProgressBar(total=MOST, show_eta=False, id="bar")
        yield Static(self.question(), id="question")
        for answer in range(1, ANSWERS + 1):
            yield Button(f"{answer}  Answer number {answer}", id=f"answer-{answer}")

    def progress(self) -> str:
        return f"Question {self.number} of at most {MOST}"

    def question(self) -> str:
        return f"Question {self.number}: how often did you do this online in the last month?"

    def on_key(self, event: events.Key) -> None:
        if event.character is None or not event.character.isdigit():
            return
        self.number += 1
        with self.batch_update():
            self.query_one("#progress", Static).update(self.progress())
            self.query_one("#bar", ProgressBar).advance(1)
            self.query_one("#question", Static).update(self.question())
            for answer in range(1, ANSWERS + 1):
                label = f"{answer}  Answer {answer} to question {self.number}"
                self.query_one(f"#answer-{answer}", Button).label = label


if __name__ == "__main__":
    QuestionAnchor().run()
