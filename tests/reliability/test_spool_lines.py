"""Spool lines that parse but cannot be stored (issue 19, finding 2): an integer too
large for SQLite, a lone surrogate, JSON nested 100,000 deep. Each is set aside in
`<spool>.bad` with its reason in the log, every good line reaches the database, and
neither `Store()` nor `Store.save` raises. Before the fix `Store()` and `save` raised
(OverflowError, UnicodeEncodeError, RecursionError) and 0 of 5 good sessions were
written."""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
from pathlib import Path

import pytest

from skillcheck import spool as spool_module
from skillcheck.records import record_to_json
from skillcheck.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sample_records import make as record  # noqa: E402


def too_large() -> str:
    return record_to_json(record()).replace('"items_answered": 18', '"items_answered": ' + "9" * 30)


def surrogate() -> str:
    return record_to_json(record()).replace('"site": "Bibliotheek Gent"', '"site": "Gent \\ud800"')


def surrogate_in_answers() -> str:
    return record_to_json(record()).replace('"4.2-phishing"', '"4.2-\\udfff"')


def nested() -> str:
    return "[" * 100_000 + "]" * 100_000


def nested_object() -> str:
    return '{"id": ' + "[" * 100_000 + "]" * 100_000 + "}"


def not_utf8() -> bytes:
    return record_to_json(record()).replace("Gent", "G\udcffnt").encode("utf-8", "surrogateescape")


BAD = {
    "integer too large": too_large,
    "lone surrogate": surrogate,
    "lone surrogate in an answer": surrogate_in_answers,
    "nested 100,000 deep": nested,
    "object nested 100,000 deep": nested_object,
    "not UTF-8": not_utf8,
}


def stored(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {row[0] for row in conn.execute("SELECT id FROM sessions")}
    finally:
        conn.close()


def write_spool(db: Path, lines: list[str | bytes]) -> Path:
    spool = db.with_name(db.name + ".spool.jsonl")
    data = b"".join((x.encode("utf-8") if isinstance(x, str) else x) + b"\n" for x in lines)
    spool.write_bytes(data)
    return spool


@pytest.mark.parametrize("at", ["start", "save"])
@pytest.mark.parametrize("kind", sorted(BAD))
def test_a_bad_line_goes_aside_and_the_good_ones_are_written(tmp_path, caplog, kind, at):
    db = tmp_path / "kiosk.db"
    if at == "save":
        store = Store(db, spool_folders=[tmp_path])
    goods = [record() for _ in range(5)]
    bad = BAD[kind]()
    lines = [record_to_json(r) for r in goods[:2]] + [bad] + [record_to_json(r) for r in goods[2:]]
    spool = write_spool(db, lines)
    with caplog.at_level(logging.WARNING, logger="skillcheck"):
        if at == "start":
            store = Store(db, spool_folders=[tmp_path])
        else:
            assert store.save(record()) is True
    assert {r.id for r in goods} <= stored(db)
    assert not spool.exists() and store.spooled() == []
    kept = spool_module.bad_file(spool).read_bytes().split(b"\n")
    assert (bad.encode("utf-8") if isinstance(bad, str) else bad) in kept
    [aside] = [m.getMessage() for m in caplog.records if "set aside" in m.getMessage()]
    assert str(spool) in aside and "(" in aside  # the reason, in brackets


def test_a_line_refused_at_insert_for_any_reason_goes_aside(tmp_path, caplog):
    """Not only integrity errors: whatever a record's insert raises (here an
    OverflowError the checks did not foresee) sets that record aside, not the batch."""
    db = tmp_path / "kiosk.db"
    goods = [record() for _ in range(4)]
    poisoned = record(site="poison")
    spool = write_spool(db, [record_to_json(r) for r in [goods[0], poisoned, *goods[1:]]])
    seen: list[str] = []

    def write(records):
        if any(r.site == "poison" for r in records):
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        seen.extend(r.id for r in records)
        return len(records)

    with caplog.at_level(logging.WARNING, logger="skillcheck"):
        assert spool_module.Spool(db, [tmp_path]).flush(write) == 4
    assert seen == [r.id for r in goods]
    assert poisoned.id in spool_module.bad_file(spool).read_text(encoding="utf-8")
    assert any(
        "OverflowError" in m.getMessage() or "too large" in m.getMessage() for m in caplog.records
    )
    assert not spool.exists()


def test_a_locked_database_during_a_flush_keeps_every_line(tmp_path):
    """Database trouble is not a line's fault: nothing is set aside, all lines stay."""
    db = tmp_path / "kiosk.db"
    goods = [record() for _ in range(3)]
    spool = write_spool(db, [record_to_json(r) for r in goods])

    def write(records):
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(sqlite3.OperationalError):
        spool_module.Spool(db, [tmp_path]).flush(write)
    assert [json.loads(x)["id"] for x in spool.read_text().splitlines()] == [r.id for r in goods]
    assert not spool_module.bad_file(spool).exists()


def test_a_bad_line_set_aside_twice_is_kept_once(tmp_path):
    """A flush interrupted after copying the bad line (before removing the spool) does
    not copy it again."""
    db = tmp_path / "kiosk.db"
    spool = write_spool(db, ['{"id": "cut sho', record_to_json(record())])
    spool_module.bad_file(spool).write_text('{"id": "cut sho\n')
    Store(db, spool_folders=[tmp_path])
    assert spool_module.bad_file(spool).read_text() == '{"id": "cut sho\n'
    assert not spool.exists()
