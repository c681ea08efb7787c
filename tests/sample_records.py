"""A valid SessionRecord to start from, for the store's tests."""

from __future__ import annotations

import uuid

from skillcheck.records import SessionRecord


def make(**changes) -> SessionRecord:
    """A completed session at Bibliotheek Gent; keyword arguments change any field."""
    base = dict(
        id=uuid.uuid4().hex,
        day="2025-03-14",
        site="Bibliotheek Gent",
        terminal="t1",
        region="flanders",
        language="nl",
        status="completed",
        items_answered=18,
        category="low",
        bank_version="2025.1",
        scoring_version=1,
        levels={1: "basic", 2: "basic", 3: "none", 4: "above_basic", 5: "basic"},
        answers={"1.1-search": "2", "4.2-phishing": "b"},
    )
    base.update(changes)
    return SessionRecord(**base)
