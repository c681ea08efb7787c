"""Are you still there? Counts down; any key or touch continues and does nothing else."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from skillcheck.tui.screens.base import KioskModal


class IdleWarningModal(KioskModal[bool]):
    """Dismisses with True at zero (the App starts over), False when someone is there.

    `answers_at_stake`: whether answers would be deleted (a visit under way). Before
    the first answer and on the result nothing is deleted, and the warning says so.
    """

    DEFAULT_CSS = """
    IdleWarningModal #countdown {
        text-style: bold;
        width: 100%;
        margin: 1 0 0 0;
    }
    IdleWarningModal .dialog {
        padding: 0 2 1 2;
    }
    """

    def __init__(self, seconds: float, answers_at_stake: bool = True) -> None:
        super().__init__()
        self.seconds_left = max(1, round(seconds))
        self.answers_at_stake = answers_at_stake

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="dialog"):
            yield Static(Content(t.gettext("Are you still there?")), classes="title")
            yield Static(Content(self.countdown_text()), id="countdown")
            yield Static(
                Content(t.gettext("Press any key or touch the screen to go on.")),
                classes="text",
            )
        yield from self.compose_hints()

    def key_hints(self) -> list[str]:
        return [self.t.gettext("Any key: go on")]

    def countdown_text(self) -> str:
        if self.answers_at_stake:
            text = self.t.ngettext(
                "The test stops in {count} second and your answers are deleted.",
                "The test stops in {count} seconds and your answers are deleted.",
                self.seconds_left,
            )
        else:
            text = self.t.ngettext(
                "The screen goes back to the start in {count} second.",
                "The screen goes back to the start in {count} seconds.",
                self.seconds_left,
            )
        return text.format(count=self.seconds_left)

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        self.seconds_left -= 1
        if self.seconds_left <= 0:
            self.dismiss(True)
            return
        self.query_one("#countdown", Static).update(Content(self.countdown_text()))

    def on_key(self, event: events.Key) -> None:
        # Any key continues and is used up here: a digit does not answer.
        event.stop()
        event.prevent_default()
        self.dismiss(False)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        event.stop()
        self.dismiss(False)
