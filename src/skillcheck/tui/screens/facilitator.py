"""For staff, behind the PIN: today's and this month's counts, export, leave the kiosk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Button, Input, Static

from skillcheck.tui.messages import LeaveRequested, StartOver
from skillcheck.tui.screens.base import KioskScreen


def default_export_path() -> Path:
    """Where the staff screen proposes to write the figures."""
    return Path.home() / "skillcheck-export.csv"


def export_figures(database: Path, path: Path) -> Path:
    """Write the aggregate figures (small cells suppressed) to `path`."""
    from skillcheck.reports import export_database, write_export

    table = export_database(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        write_export(table, out)
    return path


class FacilitatorScreen(KioskScreen):
    """Reached only through the PIN (or in practice mode without a PIN)."""

    DEFAULT_CSS = """
    FacilitatorScreen #actions Button {
        height: auto;
        min-height: 1;
        padding: 0 1;
    }
    FacilitatorScreen Input {
        width: 100%;
    }
    """

    BINDINGS = [Binding("escape", "back_to_kiosk", show=False)]

    def where(self) -> str:
        return self.t.gettext("For staff")

    def compose_body(self) -> ComposeResult:
        t = self.t
        config = self.kiosk.config
        yield Static(Content(t.gettext("For staff")), classes="title")
        yield Static(
            Content(
                t.gettext("Site: {site} · terminal: {terminal}").format(
                    site=config.site, terminal=config.terminal
                )
            ),
            classes="text",
        )
        yield Static(Content(t.gettext("Counting …")), id="counts", classes="text")
        yield Static(Content(t.gettext("Export the figures to a file:")), classes="text")
        yield Input(value=str(default_export_path()), id="export-path")
        yield Static(id="export-message", classes="text")

    def compose_actions(self) -> ComposeResult:
        t = self.t
        yield Button(Content(t.gettext("Export")), id="export", compact=True)
        yield Button(Content(t.gettext("Back to the kiosk (Esc)")), id="close", compact=True)
        yield Button(Content(t.gettext("Leave the kiosk")), id="leave", compact=True)

    def on_mount(self) -> None:
        # The export path is what staff come here to type: ready without a Tab.
        self.query_one("#export-path", Input).focus()
        self.load_counts()

    def key_hints(self) -> list[str]:
        t = self.t
        return [t.gettext("Enter: export"), t.gettext("Esc: back to the kiosk")]

    @work(thread=True, exclusive=True, group="counts")
    def load_counts(self) -> None:
        counts = self.kiosk.store().counts(dt.date.today())
        t = self.t
        text = t.gettext("Sessions today: {today} · this month: {month}").format(
            today=t.format_number(counts.today), month=t.format_number(counts.this_month)
        )
        if counts.spooled:
            text += "\n" + t.gettext("Waiting to be written to the database: {count}").format(
                count=t.format_number(counts.spooled)
            )
        if counts.last_error:
            # For staff: why sessions wait (a full disk, a replaced database …).
            text += "\n" + t.gettext("Last problem with the database: {error}").format(
                error=counts.last_error
            )
        self.app.call_from_thread(self.query_one("#counts", Static).update, Content(text))

    @work(thread=True, exclusive=True, group="export")
    def export(self, path: Path) -> None:
        t = self.t
        try:
            written = export_figures(self.kiosk.database, path)
        except Exception as error:  # shown to staff, logged in full
            self.kiosk.log_error("export failed", error)
            text = t.gettext("Export failed: {error}").format(error=str(error))
        else:
            text = t.gettext("Written: {path}").format(path=str(written))
        self.app.call_from_thread(self.query_one("#export-message", Static).update, Content(text))

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export")
    def export_pressed(self) -> None:
        self.export(Path(self.query_one("#export-path", Input).value).expanduser())

    @on(Button.Pressed, "#close")
    def action_back_to_kiosk(self) -> None:
        self.post_message(StartOver(self))

    @on(Button.Pressed, "#leave")
    def leave(self) -> None:
        self.post_message(LeaveRequested(self))
