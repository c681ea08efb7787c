"""One area's tick-list: "In the last 3 months, which of these did you do?"

Each activity is a large button that ticks and unticks (its number key does the
same); "None of these" is an explicit choice of its own, so Enter never goes on
before the person said something. The texts come from the core
(`speech.ticklist_texts`), which also reads them aloud.
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Button, Static

from skillcheck.speech import Speech, ticklist_speech, ticklist_texts
from skillcheck.tui.messages import ActivitiesTicked, BackRequested, StopRequested
from skillcheck.tui.screens.base import VisitorScreen
from skillcheck.tui.widgets.answer import relabel
from skillcheck.tui.widgets.bars import roomy
from skillcheck.tui.widgets.hanging import hanging
from skillcheck.tui.widgets.paging import PagedBody
from skillcheck.tui.widgets.progress import ProgressLine

TICKED_MARK, UNTICKED_MARK = "[X]", "[ ]"


class TickButton(Button):
    """One line of the list: `code` is the activity id ("" for "None of these")."""

    DEFAULT_CSS = """
    TickButton {
        width: 100%;
        height: auto;
        min-height: 1;
        padding: 0 1;
        text-align: left;
        content-align: left middle;
        margin: 0 0 1 0;
    }
    TickButton.-even {
        background: $surface-darken-1;
    }
    TickButton.-ticked {
        text-style: bold;
    }
    """

    def __init__(self, number: int, code: str, text: str) -> None:
        super().__init__("", id=f"tick-{number}", compact=True)
        self.set_class(number % 2 == 0, "-even")
        self.number = number
        self.code = code
        self.text = text
        self.room = 0  # the cells a line of its text has (0: not laid out yet)

    def show_ticked(self, ticked: bool) -> None:
        """Draw the box ticked or not (the words say it too, for read aloud); a long
        line wraps under its text, not under the box (a hanging indent)."""
        mark = TICKED_MARK if ticked else UNTICKED_MARK
        self.set_class(ticked, "-ticked")
        relabel(self, hanging(f"{mark} {self.number}  ", self.text, self.room))


class ActivitiesScreen(VisitorScreen):
    """The current area's activities; number keys tick, Enter goes on, Backspace back."""

    DEFAULT_CSS = """
    ActivitiesScreen #area {
        text-style: bold;
        width: 100%;
        margin: 1 0 0 0;
    }
    ActivitiesScreen #question {
        text-style: bold;
        width: 100%;
        margin: 1 0 1 0;
    }
    ActivitiesScreen #go-on {
        width: 100%;
        margin: 0 0 1 0;
    }
    ActivitiesScreen #actions Button {
        height: auto;
        min-height: 1;
        padding: 0 1;
    }
    ActivitiesScreen.-roomy TickButton {
        min-height: 3;
        margin: 0;
    }
    ActivitiesScreen.-roomy #go-on {
        margin: 1 0 1 0;
    }
    ActivitiesScreen.-roomy #actions Button {
        min-height: 3;
    }
    """

    BINDINGS = [
        *(Binding(str(n), f"toggle({n})", show=False) for n in range(1, 10)),
        Binding("enter", "go_on", show=False),
        Binding("backspace", "back", show=False),
        Binding("escape", "stop", show=False),
    ]

    AUTO_FOCUS = None  # Enter goes on; it never presses a focused line

    def __init__(self, area: int, previous: frozenset[str] | None = None) -> None:
        """`area`: whose list; `previous`: what was ticked before (after Back)."""
        super().__init__()
        self.area = area
        # What is chosen on screen: the activities ticked, or "None of these".
        self.ticked: set[str] = set(previous or ())
        self.none_chosen = previous is not None and not previous

    def compose_body(self) -> ComposeResult:
        session = self.kiosk.session
        texts = ticklist_texts(self.kiosk.bank, session, self.t) if session else None
        if texts is None:
            return
        yield Static(Content(texts.heading), id="area")
        yield ProgressLine(id="progress")
        yield Static(Content(texts.question), id="question")
        for number, (code, text) in enumerate(texts.answers, start=1):
            yield TickButton(number, code, text)
        # At the end of the list, as a form's button: the actions row below keeps
        # Back and Stop only, so it fits at 60 columns with the page buttons.
        waiting = self.chosen() is None
        yield Button(
            Content(self.go_on_label(waiting)), id="go-on", variant="primary", disabled=waiting
        )

    def go_on_label(self, waiting: bool) -> str:
        """Go on's words: while nothing is chosen, what to do first."""
        t = self.t
        if not waiting:
            return t.gettext("Go on (Enter)")
        # Translators: Go on, greyed, before anything is ticked ("None of these" is a
        # line too). One line at 60 columns: at most 50 characters.
        return t.gettext("Go on (Enter): first tick a line")

    def compose_actions(self) -> ComposeResult:
        session = self.kiosk.session
        labels = self.action_labels()
        back = labels["back"][0] if session and session.can_go_back else ""
        yield Button(Content(back), id="back", compact=True, disabled=not back)
        yield Button(Content(labels["stop"][0]), id="stop", compact=True)

    def action_labels(self) -> dict[str, tuple[str, str]]:
        """Back and Stop name their keys; at 60 columns beside both page buttons
        ("Zurück (Backspace)" wrapped, issue 24) they give the keys to the key bar."""
        t = self.t
        return {
            "back": (
                t.gettext("Back (Backspace)"),
                # Translators: "Back (Backspace)" without its key, on a narrow screen.
                t.gettext("Back"),
            ),
            "stop": (
                t.gettext("Stop (Esc)"),
                # Translators: "Stop (Esc)" without its key, on a narrow screen.
                t.gettext("Stop"),
            ),
        }

    def on_resize(self, event: events.Resize) -> None:
        super().on_resize(event)
        # From `ROOMY` up the lines, Go on, Back and Stop are three rows tall (touch
        # targets, issue 24); below it one row each, or the list would be pages long.
        tall = roomy(*event.size)
        self.set_class(tall, "-roomy")
        for button in self.query("#actions Button").results(Button):
            button.compact = not tall
        # Wrapped again once the body has its new width.
        self.call_after_refresh(self.show_ticks)

    def compact_page_buttons(self) -> bool:
        return not self.has_class("-roomy")

    def on_mount(self) -> None:
        session = self.kiosk.session
        if session is not None:
            progress = session.progress
            texts = ticklist_texts(self.kiosk.bank, session, self.t)
            if texts is not None:
                line = self.query_one("#progress", ProgressLine)
                line.show(texts.progress, progress.number - 1, progress.at_most)
        self.show_ticks()

    async def retranslate(self) -> None:
        await self.recompose()
        self.on_mount()

    def key_hints(self) -> list[str]:
        t = self.t
        return [
            t.gettext("1 2 3 …: tick"),
            t.gettext("Enter: go on"),
            t.gettext("Backspace: back"),
            t.gettext("Esc: stop"),
        ]

    def show_ticks(self) -> None:
        body = self.query_one(PagedBody)
        for button in self.query(TickButton):
            chosen = button.code in self.ticked if button.code else self.none_chosen
            styles = button.styles
            # The button's padding and Textual's `line-pad` on each side of each line;
            # the page's padding and scroll bar, shown or not (the list is often longer
            # than a screen: a scroll bar that comes must not wrap the lines again).
            edges = styles.padding.width + 2 * styles.line_pad
            page = body.styles.padding.width + body.styles.scrollbar_size_vertical
            button.room = max(0, body.region.width - page - edges)
            button.show_ticked(chosen)
        go_on = self.query_one("#go-on", Button)
        waiting = self.chosen() is None
        if go_on.disabled != waiting:
            go_on.disabled = waiting
            relabel(go_on, self.go_on_label(waiting))

    def chosen(self) -> frozenset[str] | None:
        """The choice on screen: the activities ticked (empty: none), None if none yet."""
        if self.none_chosen:
            return frozenset()
        return frozenset(self.ticked) if self.ticked else None

    def speech(self) -> Speech:
        """The area, progress, question, each line and whether it is ticked (R)."""
        kiosk = self.kiosk
        if kiosk.session is None:
            return Speech()
        return ticklist_speech(
            kiosk.bank, kiosk.session, self.chosen(), self.t, kiosk.pronunciation()
        )

    def action_toggle(self, number: int) -> None:
        for button in self.query(TickButton):
            if button.number == number:
                self.toggle(button.code)
                return

    def toggle(self, code: str) -> None:
        if not code:  # "None of these" clears the ticks
            self.none_chosen = not self.none_chosen
            if self.none_chosen:
                self.ticked.clear()
        elif code in self.ticked:
            self.ticked.discard(code)
        else:
            self.ticked.add(code)
            self.none_chosen = False
        self.show_ticks()

    @on(Button.Pressed, "TickButton")
    def tick_pressed(self, event: Button.Pressed) -> None:
        assert isinstance(event.button, TickButton)
        self.toggle(event.button.code)

    @on(Button.Pressed, "#go-on")
    def action_go_on(self) -> None:
        chosen = self.chosen()
        if chosen is not None:
            self.post_message(ActivitiesTicked(self, self.area, chosen))

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
