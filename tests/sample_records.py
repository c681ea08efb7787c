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


def varied(seed: int, **changes) -> SessionRecord:
    """A session drawn from `seed`: its language, status, category and levels vary, so
    many of them fill many cells of the daily tables; keyword arguments change any field."""
    import random

    draw = random.Random(seed)
    status = draw.choice(("completed", "completed", "abandoned"))
    done = status == "completed"
    fields = dict(
        id=uuid.UUID(int=draw.getrandbits(128)).hex,
        language=draw.choice(("nl", "fr", "de", "en")),
        status=status,
        category=draw.choice(("above_basic", "basic", "low", "narrow", "limited", "none"))
        if done
        else None,
        levels={a: draw.choice(("none", "basic", "above_basic")) for a in range(1, 6)}
        if done
        else {},
        answers={f"{a}.1-item": draw.choice("abc") for a in range(1, 6)} if done else {},
        items_answered=25 if done else draw.randrange(0, 25),
    )
    fields.update(changes)
    return make(**fields)
