"""The staff screen's export: one Excel-BE CSV into the configured export folder."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from skillcheck.output import write_output
from skillcheck.reports import export_database, report_translator, write_export


def export_file_name(site: str, today: dt.date) -> str:
    """A file name from the site and the day, safe on any file system."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", site).strip("-").lower() or "skillcheck"
    return f"skillcheck-{slug}-{today.isoformat()}.csv"


class ExportFolderMissing(FileNotFoundError):
    """The configured export folder is not there (a USB stick not plugged in)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(f"export folder {folder} does not exist")
        self.folder = folder


def export_to_folder(
    database: Path,
    folder: Path,
    *,
    site: str,
    language: str,
    today: dt.date,
    create: bool = False,
) -> Path:
    """Write the protected monthly figures for Belgian Excel into `folder`; the path.

    With `create` (the default folder in the user's data folder) a missing folder is
    made, private to the kiosk's user (0700): exports are staff data. A configured
    folder must exist (a missing USB stick is ExportFolderMissing, not a new folder
    on the kiosk's disk). An existing file of the same name is replaced atomically, a
    database never.
    """
    folder = Path(folder)
    if create and not folder.is_dir():
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)
        folder.chmod(0o700)  # mkdir's mode is reduced by the umask; this is not
    if not folder.is_dir():
        raise ExportFolderMissing(folder)
    table = export_database(database)
    buffer = io.BytesIO()
    try:
        t = report_translator(language)
    except ValueError:
        t = report_translator("en")
    write_export(table, buffer, "csv", excel=True, t=t)
    path = folder / export_file_name(site, today)
    write_output(path, buffer.getvalue(), kind="csv", sources=(Path(database),))
    return path
