# Anchor for benchmarks/outside_in.py, as given to the project (shared/tools/bare_app.py).
"""The performance anchor: the least a Textual kiosk can do.

One screen: a heading, a question line and five buttons. A digit key moves to the next
question by updating the text in place (no new screen, no recompose): the fastest way
Textual can show the next question.
"""

from textual.app import App, ComposeResult
from textual.widgets import Button, Static


class Bare(App):
    def compose(self) -> ComposeResult:
        yield Static("Bare anchor", id="title")
        yield Static("Question 1 of at most 25", id="q")
        for i in range(1, 6):
            yield Button(f"{i}  Answer number {i}", id=f"b{i}")

    def on_mount(self) -> None:
        self.n = 1

    def on_key(self, event) -> None:
        if event.key.isdigit():
            self.n += 1
            self.query_one("#q", Static).update(f"Question {self.n} of at most 25")


if __name__ == "__main__":
    Bare().run()
