"""For staff, behind the PIN: today's and this month's counts, export, leave the kiosk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Button, Static

from skillcheck.digcomp import N_
from skillcheck.tui.messages import LeaveRequested, StartOver
from skillcheck.tui.screens.base import KioskScreen


def export_folder(config) -> Path:
    """The configured export folder: the only place the staff screen writes."""
    from skillcheck.paths import default_export_folder

    return config.export_folder or default_export_folder()


def export_failure(t, error: Exception, folder: Path, missing: type[Exception]) -> str:
    """Why an export failed, in the screen's language (the details go to the log)."""
    if isinstance(error, missing):
        return t.gettext("Export failed: the folder {folder} is not there.").format(
            folder=str(folder)
        )
    if isinstance(error, PermissionError):
        return t.gettext("Export failed: this kiosk may not write in {folder}.").format(
            folder=str(folder)
        )
    if isinstance(error, OSError):
        return t.gettext("Export failed: {folder} cannot be written (full or removed?).").format(
            folder=str(folder)
        )
    return t.gettext("Export failed. The details are in the kiosk's log.")


# The store notes why a save failed in the system's own (English) words; the staff
# screen names the usual causes in its language, the rest is in the log.
_DATABASE_PROBLEMS = (
    (("full", "no space"), N_("the disk is full")),
    (("read-only", "readonly"), N_("the disk or the file is read-only")),
    (("gone", "missing", "no such file"), N_("the database file is gone")),
    (("locked", "busy"), N_("the database is busy")),
)


def database_problem(t, error: str) -> str:
    """Why sessions wait, in the screen's language."""
    lowered = error.casefold()
    for words, reason in _DATABASE_PROBLEMS:
        if any(word in lowered for word in words):
            return t.gettext(reason)
    return t.gettext("the details are in the kiosk's log")


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
        if config.central:
            # Issue 22: a networked terminal's figures are published on the central
            # database, which its login may not read; its own file has no release (the
            # network publishes from one database), so an export here would be empty.
            yield Static(
                Content(
                    t.gettext(
                        "Counts of this terminal only. The network's published figures "
                        "are on its central database: your coordinator exports them "
                        "(skillcheck export)."
                    )
                ),
                id="figures-source",
                classes="text",
            )
        else:
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
        if not self.kiosk.config.central:
            yield Button(Content(t.gettext("Export")), id="export", compact=True)
        yield Button(Content(t.gettext("Back to the kiosk (Esc)")), id="close", compact=True)
        yield Button(Content(t.gettext("Leave the kiosk")), id="leave", compact=True)

    def on_mount(self) -> None:
        first = "#close" if self.kiosk.config.central else "#export"
        self.query_one(first, Button).focus()
        self.load_counts()

    def key_hints(self) -> list[str]:
        t = self.t
        back = t.gettext("Esc: back to the kiosk")
        return [back] if self.kiosk.config.central else [t.gettext("Enter: export"), back]

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
        if counts.implausible:
            # A kiosk clock before the question bank's release or years after it.
            text += "\n" + t.gettext(
                "Sessions with a wrong date (check the clock), left out of every figure: {count}"
            ).format(count=t.format_number(counts.implausible))
        if counts.last_error:
            # For staff: why sessions wait (a full disk, a replaced database …).
            text += "\n" + t.gettext("Last problem with the database: {error}").format(
                error=database_problem(t, counts.last_error)
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
        from skillcheck.staff_export import ExportFolderMissing, export_to_folder

        t = self.t
        config = self.kiosk.config
        folder = export_folder(config)
        try:
            written = export_to_folder(
                self.kiosk.database,
                folder,
                site=config.site,
                language=config.default_language,
                today=dt.date.today(),
                # Only the default folder is made; a configured one is a USB stick.
                create=config.export_folder is None,
            )
        except Exception as error:  # shown to staff in the screen's language, logged in full
            self.kiosk.log_error("export failed", error)
            text = export_failure(t, error, folder, ExportFolderMissing)
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
