"""For staff, behind the PIN: today's and this month's counts, export, leave the kiosk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Button, Static

from skillcheck.tui.messages import LeaveRequested, StartOver
from skillcheck.tui.screens.base import KioskScreen


def export_folder(config) -> Path:
    """The configured export folder: the only place the staff screen writes."""
    from skillcheck.paths import default_export_folder

    return config.export_folder or default_export_folder()


class FacilitatorScreen(KioskScreen):
    """Reached only through the PIN (or in practice mode without a PIN)."""

    DEFAULT_CSS = """
    FacilitatorScreen #actions Button {
        height: auto;
        min-height: 1;
        padding: 0 1;
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
        yield Static(
            Content(
                t.gettext("Exports (for Excel, protected figures) go to: {folder}").format(
                    folder=str(export_folder(config))
                )
            ),
            classes="text",
        )
        yield Static(id="export-message", classes="text")

    def compose_actions(self) -> ComposeResult:
        t = self.t
        yield Button(Content(t.gettext("Export")), id="export", compact=True)
        yield Button(Content(t.gettext("Back to the kiosk (Esc)")), id="close", compact=True)
        yield Button(Content(t.gettext("Leave the kiosk")), id="leave", compact=True)

    def on_mount(self) -> None:
        self.query_one("#export", Button).focus()
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
        text += "\n" + t.gettext("True counts for staff, not for publication.")
        if counts.spooled:
            text += "\n" + t.gettext("Waiting to be written to the database: {count}").format(
                count=t.format_number(counts.spooled)
            )
        if counts.last_error:
            # For staff: why sessions wait (a full disk, a replaced database …).
            text += "\n" + t.gettext("Last problem with the database: {error}").format(
                error=counts.last_error
            )
        text += self.network_lines()
        self.app.call_from_thread(self.query_one("#counts", Static).update, Content(text))

    def network_lines(self) -> str:
        """How many sessions wait for the network's central database, since which day,
        and why (in the counts' worker thread: it reads the outbox)."""
        pusher = self.kiosk.pusher
        if pusher is None:
            return ""
        from skillcheck.push import read_outbox_status

        t = self.t
        try:
            outbox = read_outbox_status(self.kiosk.database)
        except Exception as error:  # the counts above say what is wrong with the file
            self.kiosk.log_error("outbox not read", error)
            return ""
        if not outbox.waiting:
            text = "\n" + t.gettext("All sessions are sent to the network.")
        else:
            text = "\n" + t.gettext(
                "Waiting to be sent to the network: {count} (the oldest of {day})"
            ).format(
                count=t.format_number(outbox.waiting),
                day=t.format_date(dt.date.fromisoformat(outbox.oldest_day)),
            )
        if outbox.set_aside:
            text += "\n" + t.gettext("Refused by the network, set aside: {count}").format(
                count=t.format_number(outbox.set_aside)
            )
        error = pusher.status().last_error
        if error and outbox.waiting:
            text += "\n" + t.gettext("Last problem with the network: {error}").format(error=error)
        return text

    @work(thread=True, exclusive=True, group="export")
    def export(self) -> None:
        # Excel-BE CSV of the protected figures, under a name made from the site and
        # the day: nothing typed on the kiosk becomes a path.
        from skillcheck.staff_export import export_to_folder

        t = self.t
        config = self.kiosk.config
        try:
            written = export_to_folder(
                self.kiosk.database,
                export_folder(config),
                site=config.site,
                language=config.default_language,
                today=dt.date.today(),
            )
        except Exception as error:  # shown to staff, logged in full
            self.kiosk.log_error("export failed", error)
            text = t.gettext("Export failed: {error}").format(error=str(error))
        else:
            text = t.gettext("Written: {path}").format(path=str(written))
        self.app.call_from_thread(self.query_one("#export-message", Static).update, Content(text))

    @on(Button.Pressed, "#export")
    def export_pressed(self) -> None:
        self.export()

    @on(Button.Pressed, "#close")
    def action_back_to_kiosk(self) -> None:
        self.post_message(StartOver(self))

    @on(Button.Pressed, "#leave")
    def leave(self) -> None:
        self.post_message(LeaveRequested(self))
