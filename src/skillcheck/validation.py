"""`skillcheck check`: load everything the kiosk loads and report every problem."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from skillcheck.bank import check_bank
from skillcheck.config import check_config
from skillcheck.datafile import Problem
from skillcheck.digcomp import COMPETENCES
from skillcheck.initiatives import check_initiatives
from skillcheck.translation_checks import check_locales


@dataclass(frozen=True)
class Report:
    """The outcome of a check: problems (errors and warnings) and a summary line."""

    problems: tuple[Problem, ...]
    summary: str

    @property
    def ok(self) -> bool:
        """True when nothing is an error (warnings are allowed)."""
        return not any(p.severity == "error" for p in self.problems)


def check_all(
    questions_dir: Path,
    locales_dir: Path,
    config_path: Path | None = None,
    allow_incomplete: bool = False,
) -> Report:
    """Check the bank, the initiatives, the locales and optionally a site config."""
    problems: list[Problem] = []
    bank, found = check_bank(questions_dir)
    problems += found
    initiatives, found = check_initiatives(questions_dir / "initiatives.toml")
    problems += found
    problems += check_locales(locales_dir, questions_dir, allow_incomplete=allow_incomplete)
    if config_path is not None:
        config, found = check_config(config_path)
        problems += found
        if config is not None and config.database is not None:
            problems += _check_database(config_path, config.database)
    summary = ""
    if bank is not None:
        languages = sorted(
            p.parent.parent.name for p in locales_dir.glob("*/LC_MESSAGES/skillcheck.po")
        )
        summary = (
            f"OK: {len(bank.items)} items in {len(bank.areas)} areas, "
            f"{len(bank.competences)} of {len(COMPETENCES)} competences, "
            f"{len(initiatives)} initiatives, languages: {', '.join(languages) or 'none'}"
            + (f", config {config_path}" if config_path else "")
        )
    return Report(problems=tuple(problems), summary=summary)


def _check_database(config_path: Path, database: Path) -> list[Problem]:
    """The config's database, when it exists, must be a skillcheck database we can use."""
    if not database.exists():
        return []  # the kiosk creates it on the first start
    from skillcheck.datafile import read_data_file
    from skillcheck.store import StoreError, open_database

    data_file, _ = read_data_file(config_path)
    line = data_file.top_line("database") if data_file else 1
    try:
        open_database(database, read_only=True, require_current=False).close()
    except StoreError as error:
        return [Problem(config_path, line, f"database: {error}")]
    except Exception as error:  # noqa: BLE001 - locked, unreadable …: report, never raise
        return [Problem(config_path, line, f"database {database} cannot be opened: {error}")]
    return []
