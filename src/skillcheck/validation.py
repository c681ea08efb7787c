"""`skillcheck check`: load everything the kiosk loads and report every problem."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from skillcheck.bank import COMPETENCES, check_bank
from skillcheck.catalogues import check_locales
from skillcheck.config import check_config
from skillcheck.datafile import Problem
from skillcheck.initiatives import check_initiatives


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
        _, found = check_config(config_path)
        problems += found
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
