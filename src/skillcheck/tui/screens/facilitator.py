"""For staff, behind the PIN: today's and this month's counts, export, leave the kiosk."""

from __future__ import annotations

import datetime as dt

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from skillcheck.tui.screens.base import KioskScreen


class FacilitatorScreen(KioskScreen):
    """Reached only through the PIN (or in practice mode without a PIN)."""

    IDLE_RESET = True

    def where(self) -> str:
        return self.t.gettext("For staff")

    def compose_body(self) -> ComposeResult:
        t = self.t
        config = self.kiosk.config
        with VerticalScroll(classes="body"):
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
            yield Static(
                Content(
                    t.gettext("Exports (for Excel, protected figures) go to: {folder}").format(
                        folder=str(self.kiosk.export_folder())
                    )
                ),
                classes="text",
            )
            yield Static(id="export-message", classes="text")
            with Horizontal(classes="row"):
                yield Button(Content(t.gettext("Export")), id="export")
                yield Button(Content(t.gettext("Back to the kiosk (Esc)")), id="close")
            with Horizontal(classes="row"):
                yield Button(Content(t.gettext("Leave the kiosk")), id="leave")

    def on_mount(self) -> None:
        self.query_one("#export", Button).focus()
        self.load_counts()

    def key_hints(self) -> list[str]:
        return [self.t.gettext("Esc: back to the kiosk")]

    @work(thread=True, exclusive=True, group="counts")
    def load_counts(self) -> None:
        counts = self.kiosk.store().counts(dt.date.today())
        t = self.t
        text = t.gettext("Sessions today: {today} · this month: {month}").format(
            today=t.format_number(counts.today), month=t.format_number(counts.this_month)
        )
        text += "\n" + t.gettext("True counts for staff, not for publication.")
        if counts.spooled:
            text += "\n" + t.gettext("Waiting to be written to the database: {count}").format(
                count=t.format_number(counts.spooled)
            )
        self.app.call_from_thread(self.query_one("#counts", Static).update, Content(text))

    @work(thread=True, exclusive=True, group="export")
    def export(self) -> None:
        t = self.t
        try:
            written = self.kiosk.export_figures()
        except Exception as error:  # shown to staff, logged in full
            self.kiosk.log_error("export failed", error)
            text = t.gettext("Export failed: {error}").format(error=str(error))
        else:
            text = t.gettext("Written: {path}").format(path=str(written))
        self.app.call_from_thread(self.query_one("#export-message", Static).update, Content(text))

    def do_stop(self) -> None:
        self.kiosk.reset_to_welcome()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export":
            self.export()
        elif event.button.id == "close":
            self.do_stop()
        elif event.button.id == "leave":
            self.kiosk.exit()
