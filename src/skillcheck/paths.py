"""Where the shipped content lives and where data goes by default."""

from __future__ import annotations

from pathlib import Path

import platformdirs

# The repository root in a checkout (src layout: src/skillcheck/paths.py -> root).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
QUESTIONS_DIR = PROJECT_ROOT / "questions"
LOCALES_DIR = PROJECT_ROOT / "locales"


def default_database_path() -> Path:
    """The SQLite file used when neither --db nor the site config names one."""
    return Path(platformdirs.user_data_dir("skillcheck", appauthor=False)) / "skillcheck.db"


def default_export_folder() -> Path:
    """Where the staff screen writes exports when the site config names no `export_folder`."""
    return Path(platformdirs.user_data_dir("skillcheck", appauthor=False)) / "exports"


def default_log_path() -> Path:
    """Where the kiosk writes its log (errors never reach the screen)."""
    return Path(platformdirs.user_log_dir("skillcheck", appauthor=False)) / "skillcheck.log"
