# Anchor for benchmarks/outside_in.py, as given to the project (shared/tools/plain_app.py).
"""A second anchor: the whole question change done the plainest way Textual allows.

The question label, a progress bar, the question text and five button labels are all
re-set in one batch_update on each digit key. Beside bare_app.py (one label) it shows how
much of a kiosk's key-to-paint time is the cost of what it changes on screen.
"""
from textual.app import App, ComposeResult
from textual.widgets import Button, ProgressBar, Static

class Bare(App):
    def compose(self) -> ComposeResult:
        yield Static("Bare anchor", id="title")
        yield Static("Question 1 of at most 25", id="q")
        yield ProgressBar(total=25, show_eta=False, id="p")
        yield Static("Question text number 1: find the opening hours of your town hall.", id="text")
        for i in range(1, 6):
            yield Button(f"{i}  Answer number {i}", id=f"b{i}")
    def on_mount(self) -> None:
        self.n = 1
    def on_key(self, event) -> None:
        if event.key.isdigit():
            self.n += 1
            with self.batch_update():
                self.query_one("#q", Static).update(f"Question {self.n} of at most 25")
                self.query_one("#p", ProgressBar).advance(1)
                self.query_one("#text", Static).update(f"Question text number {self.n}: something else to do online.")
                for i in range(1, 6):
                    self.query_one(f"#b{i}", Button).label = f"{i}  Answer {self.n}.{i}"
if __name__ == "__main__":
    Bare().run()
