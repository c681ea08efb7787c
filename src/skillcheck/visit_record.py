"""The anonymous record a visit leaves: what the kiosk hands to the store."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Protocol

from skillcheck.bank import Bank
from skillcheck.config import SiteConfig
from skillcheck.records import SessionRecord, judge_clock, stored_region
from skillcheck.scoring import SCORING_VERSION
from skillcheck.session import Session


class VisitLike(Protocol):
    """What make_record reads of the kiosk's Visit (tui/visit.py)."""

    session: Session
    language: str


def make_record(
    visit: VisitLike,
    config: SiteConfig,
    bank: Bank,
    status: str,
    *,
    today: dt.date | None = None,
) -> SessionRecord:
    """The anonymous record of a visit: completed (with levels) or abandoned.

    How long the visit took is not kept (not even as a band: it singled people out).
    A day before the bank's release or more than 3 years after it marks the record
    "implausible" (records.judge_clock): kept, but out of every published figure.
    """
    session = visit.session
    completed = status == "completed"
    result = session.result() if completed else None
    day = today or dt.date.today()
    return SessionRecord(
        id=uuid.uuid4().hex,
        day=day.isoformat(),
        site=config.site,
        terminal=config.terminal,
        region=stored_region(config.region),
        language=visit.language,
        status=status,
        items_answered=session.items_answered,
        category=result.category if result else None,
        bank_version=bank.version,
        scoring_version=SCORING_VERSION,
        levels=dict(result.levels) if result else {},
        # Judged here, once, with the clock that dates the record (never at a flush).
        clock=judge_clock(day, bank.released),
        # The answer codes (ticks included) and where each check's chosen option was
        # shown (item statistics), never its text.
        answers={**session.answers, **session.shown_positions()} if completed else {},
    )
