"""Where the shipped content lives and where data goes by default.

The question bank and the translations are found, in this order: the folders given
with `--questions`/`--locales`; the `questions/` and `locales/` of the source
checkout skillcheck runs from (an editable install, so translators see their
edits); else the copy inside the installed package (`skillcheck/content/`, put
there by the wheel's build, see pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

_PACKAGE_DIR = Path(__file__).resolve().parent
# The repository root when running from a checkout (src layout: src/skillcheck/ -> root).
_CHECKOUT_ROOT = _PACKAGE_DIR.parents[1]
INSTALLED_CONTENT_DIR = _PACKAGE_DIR / "content"


def _from_checkout() -> Path | None:
    root = _CHECKOUT_ROOT
    if (root / "src" / "skillcheck").is_dir() and all(
        (root / name).is_dir() for name in ("questions", "locales")
    ):
        return root
    return None


# The source checkout skillcheck runs from, None when it runs from an installed wheel.
CHECKOUT_ROOT = _from_checkout()
_CONTENT_ROOT = CHECKOUT_ROOT or INSTALLED_CONTENT_DIR
QUESTIONS_DIR = _CONTENT_ROOT / "questions"
LOCALES_DIR = _CONTENT_ROOT / "locales"


def default_database_path() -> Path:
    """The SQLite file used when neither --db nor the site config names one."""
    return Path(platformdirs.user_data_dir("skillcheck", appauthor=False)) / "skillcheck.db"


def default_log_path() -> Path:
    """Where the kiosk writes its log (errors never reach the screen)."""
    return Path(platformdirs.user_log_dir("skillcheck", appauthor=False)) / "skillcheck.log"


def default_state_dir() -> Path:
    """The state folder: what must survive a restart but is not data (the PIN lock-out)."""
    return Path(platformdirs.user_state_dir("skillcheck", appauthor=False))
