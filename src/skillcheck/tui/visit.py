"""One person's visit as the kiosk holds it, and the record it leaves. No textual.

The kiosk keeps a single `Visit` reference; dropping it drops everything of the
person (the Session is immutable, so no other object holds their answers).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from skillcheck.i18n import Translator, load_translators

if TYPE_CHECKING:
    from skillcheck.session import Session


@dataclass(frozen=True)
class Visit:
    """The language chosen, when the questions started, and the session."""

    session: Session
    language: str
    started: float = field(default_factory=time.monotonic)
    saved: bool = False

    def with_session(self, session: Session) -> Visit:
        """The same visit with the session moved on."""
        return replace(self, session=session)


def load_site_translators(locales_dir: Path, wanted: tuple[str, ...]) -> dict[str, Translator]:
    """The translators for the site's languages that exist, in the site's order."""
    found = load_translators(locales_dir)
    chosen = {code: found[code] for code in wanted if code in found}
    return chosen or {"en": found["en"]}
