"""Where the shipped content lives and where data goes by default.

The question bank and the translations are found, in this order: the folders given
with `--questions`/`--locales`; the `questions/` and `locales/` of the source
checkout skillcheck runs from (an editable install, so translators see their
edits); else the copy inside the installed package (`skillcheck/content/`, put
there by the wheel's build, see pyproject.toml).
"""

from __future__ import annotations

import os
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


def default_export_folder() -> Path:
    """Where the staff screen writes exports when the site config names no `export_folder`."""
    return Path(platformdirs.user_data_dir("skillcheck", appauthor=False)) / "exports"


def default_log_path() -> Path:
    """Where the kiosk writes its log (errors never reach the screen)."""
    return Path(platformdirs.user_log_dir("skillcheck", appauthor=False)) / "skillcheck.log"


def default_state_dir() -> Path:
    """The state folder: what must survive a restart but is not data (the PIN lock-out)."""
    return Path(platformdirs.user_state_dir("skillcheck", appauthor=False))


# Staff data (databases, spools, exports) belongs to the kiosk's user alone: files
# 0600 in folders 0700, whatever the umask (the deploy units also set UMask=0077).
PRIVATE_FILE, PRIVATE_FOLDER = 0o600, 0o700


def make_private_folder(folder: Path) -> None:
    """Create `folder` and any missing parents as 0700 (existing ones are left as they are)."""
    folder = Path(folder)
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for created in reversed(missing):
        try:
            created.mkdir(mode=PRIVATE_FOLDER)
        except FileExistsError:
            continue
        os.chmod(created, PRIVATE_FOLDER)  # mkdir's mode is cut by the umask


def create_private_file(path: Path) -> bool:
    """Create an empty file 0600 if it does not exist yet; True when this call made it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return False
    os.fchmod(fd, PRIVATE_FILE)
    os.close(fd)
    return True
