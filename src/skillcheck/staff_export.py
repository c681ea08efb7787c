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


def export_to_folder(
    database: Path, folder: Path, *, site: str, language: str, today: dt.date
) -> Path:
    """Write the protected monthly figures for Belgian Excel into `folder`; the path.

    The folder must exist (a missing USB stick is an error, not a new folder); an
    existing file of the same name is replaced atomically, a database never.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"export folder {folder} does not exist")
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
