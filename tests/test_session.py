"""One person's path through the shipped bank."""

from __future__ import annotations

import random

import pytest

from skillcheck.bank import DONT_KNOW, MAX_PER_VISIT, Bank
from skillcheck.session import Session


def per_visit(bank: Bank) -> int:
    """Items one visit can be asked: the fixed ones and one variant per rotating slot."""
    return sum(1 for i in bank.items if not i.rotation) + len(bank.slots())


def basic_items_asked(session: Session, area: int) -> list:
    """The basic items of one area in this visit's form (basic items rotate too)."""
    return [i for i in session.form if i.area == area and i.band == "basic"]


def rotating_slots(bank: Bank) -> list[tuple]:
    return list(bank.slots().values())


def run(bank: Bank, choose, rng: random.Random | None = None) -> Session:
    session = Session(bank, rng=rng)
    while not session.finished:
        session = session.answer(choose(session.current))
    return session


def lowest(item) -> str:
    return "0" if item.kind == "can_do" else DONT_KNOW


def best(item) -> str:
    if item.kind == "can_do":
        return "3"
    return next(o.code for o in item.options if o.correct)


def test_full_path_asks_at_most_20(bank: Bank) -> None:
    session = run(bank, best)
    assert len(session.answers) <= MAX_PER_VISIT == 20
    assert len(session.answers) == per_visit(bank) == 20  # the rotation adds none
    assert session.result().category == "above_basic"


def test_beginner_finishes_in_at_most_12(bank: Bank) -> None:
    session = run(bank, lowest)
    assert len(session.answers) <= 12
    assert all(item.band == "basic" for item in session.path)
    result = session.result()
    assert set(result.levels.values()) == {"none"}
    assert result.category == "none"


def test_order_is_areas_then_bands(bank: Bank) -> None:
    path = Session(bank).path
    keys = [(item.area, item.band != "basic") for item in path]
    assert keys == sorted(keys)


def test_progress_at_most_shrinks_when_an_area_is_skipped(bank: Bank) -> None:
    session = Session(bank)
    assert session.progress.number == 1
    assert session.progress.at_most == per_visit(bank)
    basics = len(basic_items_asked(session, 1))
    for _ in range(basics):
        session = session.answer(lowest(session.current))
    above = [i for i in session.form if i.area == 1 and i.band == "above_basic"]
    assert session.progress.at_most == per_visit(bank) - len(above)
    assert session.progress.number == basics + 1
    assert session.current.area == 2


def test_back_keeps_answers_and_changing_them_re_evaluates_skipping(bank: Bank) -> None:
    session = Session(bank)
    basics = basic_items_asked(session, 1)
    for _ in basics:
        session = session.answer(lowest(session.current))
    assert session.current.area == 2  # area 1's harder items skipped
    for _ in basics:
        session = session.back()
    assert session.position == 0
    assert session.previous_answer() == lowest(basics[0])
    for _ in basics:
        session = session.answer(best(session.current))
    assert session.current.area == 1 and session.current.band == "above_basic"


def test_answers_to_items_that_became_skipped_drop_out(bank: Bank) -> None:
    session = Session(bank)
    area_1 = [i for i in session.form if i.area == 1]
    for _ in range(len(area_1)):
        session = session.answer(best(session.current))
    assert len(session.answers) == len(area_1)
    while session.position > 0:
        session = session.back()
    for _ in basic_items_asked(session, 1):
        session = session.answer(lowest(session.current))
    assert set(session.answers) == {i.id for i in basic_items_asked(session, 1)}


def test_back_at_the_start_stays_and_invalid_answers_are_refused(bank: Bank) -> None:
    session = Session(bank)
    assert not session.can_go_back
    assert session.back().position == 0
    with pytest.raises(ValueError):
        session.answer("not-an-answer")
    finished = run(bank, best)
    with pytest.raises(ValueError):
        finished.answer("0")


def test_sessions_are_immutable(bank: Bank) -> None:
    session = Session(bank)
    after = session.answer(lowest(session.current))
    assert session.position == 0 and dict(session.given) == {}
    assert after.position == 1


def test_each_visit_asks_one_variant_per_slot_chosen_by_the_injected_random(bank: Bank) -> None:
    seen: dict[str, set[str]] = {}
    for seed in range(200):
        session = run(bank, best, random.Random(seed))
        asked = set(session.answers)
        for variants in rotating_slots(bank):
            chosen = asked & {v.id for v in variants}
            assert len(chosen) == 1, (seed, variants, chosen)
            seen.setdefault(variants[0].rotation, set()).update(chosen)
        # the same seed gives the same visit: the choice is the injected source's alone
        assert run(bank, best, random.Random(seed)).answers == session.answers
    # across visits every variant is asked
    for variants in rotating_slots(bank):
        assert seen[variants[0].rotation] == {v.id for v in variants}


def test_the_variant_asked_is_what_is_stored_and_scored(bank: Bank) -> None:
    session = run(bank, best, random.Random(3))
    chosen = {i.id for i in bank.items if i.rotation} & set(session.answers)
    assert chosen == {i.id for i in session.form if i.rotation}
    assert session.result().category == "above_basic"
    # a variant's wrong answer holds its area back like any other knowledge check
    knowledge = next(i for i in session.form if i.rotation and i.kind == "knowledge")
    wrong = next(o.code for o in knowledge.options if not o.correct)
    session = run(bank, lambda item: wrong if item == knowledge else best(item), random.Random(3))
    assert session.result().levels[knowledge.area] == "basic"


@pytest.mark.parametrize("seed", range(40))
def test_at_most_never_grows_unless_an_earlier_answer_changes(bank: Bank, seed: int) -> None:
    """ "Question 6 of at most 20" may only shrink while the visitor answers, goes
    back and answers the same again; only a changed answer may make it grow.

    Written against the public Session API only (answer, back, progress,
    previous_answer, current), so it holds whatever counts the path inside."""
    rng = random.Random(seed)
    session = Session(bank, rng=rng)
    shown = session.progress.at_most
    for _ in range(120):
        if session.finished:
            break
        changed = False
        if session.can_go_back and rng.random() < 0.35:
            session = session.back()
        else:
            before = session.previous_answer()
            codes = [a.code for a in session.current.answers]
            code = before if before is not None and rng.random() < 0.7 else rng.choice(codes)
            changed = before is not None and code != before
            session = session.answer(code)
        now = session.progress.at_most
        if not changed:
            assert now <= shown, (seed, shown, now)
        shown = now
