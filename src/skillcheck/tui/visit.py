"""One person's visit as the kiosk holds it, and the record it leaves. No textual.

The kiosk keeps a single `Visit` reference; dropping it drops everything of the
person (the Session is immutable, so no other object holds their answers).
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from skillcheck.bank import Bank
from skillcheck.config import SiteConfig
from skillcheck.i18n import Translator, load_translators
from skillcheck.session import Session

if TYPE_CHECKING:
    from skillcheck.store import SessionRecord


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


def make_record(
    visit: Visit,
    config: SiteConfig,
    bank: Bank,
    status: str,
    *,
    today: dt.date | None = None,
    now: float | None = None,
) -> SessionRecord:
    """The anonymous record of a visit: completed (with levels) or abandoned."""
    from skillcheck.store import SessionRecord  # sqlite-utils: not needed to paint

    session = visit.session
    elapsed = (time.monotonic() if now is None else now) - visit.started
    completed = status == "completed"
    result = session.result() if completed else None
    return SessionRecord(
        id=uuid.uuid4().hex,
        day=(today or dt.date.today()).isoformat(),
        site=config.site,
        terminal=config.terminal,
        language=visit.language,
        status=status,
        items_answered=len(session.answers),
        duration_minutes=max(0, round(elapsed / 60)),
        category=result.category if result else None,
        bank_version=bank.version,
        levels=dict(result.levels) if result else {},
        answers=dict(session.answers) if completed else {},
    )


def load_site_translators(locales_dir: Path, wanted: tuple[str, ...]) -> dict[str, Translator]:
    """The translators for the site's languages that exist, in the site's order."""
    found = load_translators(locales_dir)
    chosen = {code: found[code] for code in wanted if code in found}
    return chosen or {"en": found["en"]}
