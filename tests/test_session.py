"""One person's path through the shipped content: the visit's order of steps."""

from __future__ import annotations

import random

import pytest

from skillcheck.bank import DONT_KNOW, Bank
from skillcheck.digcomp import AREAS
from skillcheck.session import ACTIVITIES, FILTER, ITEM, RESULT, Session, follow_ups


def basic_items_asked(session: Session, area: int) -> list:
    """The basic items of one area in this visit's form (basic items rotate too)."""
    return [i for i in session.form if i.area == area and i.band == "basic"]


def rotating_slots(bank: Bank) -> list[tuple]:
    return list(bank.slots().values())


def every(bank: Bank, area: int) -> frozenset[str]:
    return frozenset(a.id for a in bank.survey.area(area).activities)


def run(bank: Bank, choose, ticks=lambda area: frozenset(), rng=None) -> Session:
    session = Session(bank, rng=rng or random.Random(0))
    while not session.finished:
        step = session.current
        if step.kind == FILTER:
            session = session.answer("yes")
        elif step.kind == ACTIVITIES:
            session = session.tick(ticks(step.area))
        else:
            session = session.answer(choose(step.item))
    return session


def lowest(item) -> str:
    return "0" if item.kind == "can_do" else DONT_KNOW


def best(item) -> str:
    if item.kind == "can_do":
        return "3"
    return next(o.code for o in item.options if o.correct)


def test_the_order_is_internet_then_each_areas_list_and_its_items(bank: Bank) -> None:
    session = run(bank, best, lambda area: every(bank, area))
    kinds = [(s.kind, s.area) for s in session.path]
    assert kinds[0] == (FILTER, 0)
    lists = [s.area for s in session.path if s.kind == ACTIVITIES]
    assert lists == list(AREAS)
    for step, after in zip(session.path, session.path[1:], strict=False):
        if after.kind == ITEM:  # an item follows its own area's list
            assert after.area == (step.area if step.kind == ACTIVITIES else step.item.area)
    assert session.next_screen == RESULT


def test_nothing_ticked_leads_to_the_basic_can_do_items_only(bank: Bank) -> None:
    session = run(bank, best)
    items = [s.item for s in session.path if s.kind == ITEM]
    assert items and all(i.band == "basic" and i.kind == "can_do" for i in items)
    assert len(items) <= 10
    assert session.result().category == "none"  # can-do "I could help" lifts nothing


def test_basic_leads_to_above_basic_items_and_above_basic_to_one_check(bank: Bank) -> None:
    one = lambda area: frozenset(list(every(bank, area))[:1])  # noqa: E731
    session = run(bank, best, one)
    for area in AREAS:
        items = [s.item for s in session.path if s.kind == ITEM and s.area == area]
        assert items == list(follow_ups(session.form, area, "basic"))
        assert all(i.band == "above_basic" for i in items)
    session = run(bank, best, lambda area: every(bank, area))
    for area in AREAS:
        items = [s.item for s in session.path if s.kind == ITEM and s.area == area]
        assert len(items) <= 1 and all(i.kind == "knowledge" for i in items)
    assert session.result().category == "above_basic"


def test_no_internet_ends_the_questions_not_assessed(bank: Bank) -> None:
    session = Session(bank, rng=random.Random(1))
    assert session.next_screen == FILTER and session.progress.number == 1
    done = session.answer("no")
    assert done.finished and done.next_screen == RESULT
    assert done.result().category == "not_assessed"
    assert dict(done.answers) == {bank.survey.filter.id: "no"}
    assert done.items_answered == 1


def test_progress_at_most_shrinks_as_lists_are_answered(bank: Bank) -> None:
    session = Session(bank, rng=random.Random(1)).answer("yes")
    before = session.progress.at_most
    assert before <= 1 + 5 + 20
    session = session.tick(frozenset())
    assert session.progress.at_most <= before
    assert session.progress.number == 3


def test_back_shows_the_ticks_again_and_changing_them_drops_the_old_items(bank: Bank) -> None:
    session = Session(bank, rng=random.Random(1)).answer("yes").tick(frozenset())
    first = session.current.item
    assert first.band == "basic"
    session = session.answer(lowest(first))
    session = session.back().back()
    assert session.current.kind == ACTIVITIES and session.previous_ticks() == frozenset()
    session = session.tick(every(bank, 1))
    assert first.id not in session.answers  # the area's items are others now
    assert session.previous_ticks() is None  # on the next step


def test_invalid_answers_are_refused(bank: Bank) -> None:
    session = Session(bank, rng=random.Random(1))
    assert not session.can_go_back and session.back().position == 0
    with pytest.raises(ValueError):
        session.answer("maybe")
    with pytest.raises(ValueError):
        session.tick(frozenset())  # not a list yet
    session = session.answer("yes")
    with pytest.raises(ValueError):
        session.tick({"not-an-activity"})
    with pytest.raises(ValueError):
        session.answer("1")
    finished = run(bank, best)
    with pytest.raises(ValueError):
        finished.answer("0")


def test_sessions_are_immutable(bank: Bank) -> None:
    session = Session(bank, rng=random.Random(1))
    after = session.answer("yes")
    assert session.position == 0 and dict(session.given) == {}
    assert after.position == 1


def test_each_visit_asks_one_variant_per_slot_chosen_by_the_injected_random(bank: Bank) -> None:
    seen: dict[str, set[str]] = {}
    one = lambda area: frozenset(list(every(bank, area))[:1])  # noqa: E731
    # Nothing ticked, one tick, every tick: each leads to other items (basic can-do,
    # above basic, one check), so across them every variant of every slot is asked.
    ticks = (lambda area: frozenset(), one, lambda area: every(bank, area))
    for seed in range(200):
        one_of = ticks[seed % 3]
        session = run(bank, best, one_of, random.Random(seed))
        asked = set(session.answers)
        for variants in rotating_slots(bank):
            chosen = {i.id for i in session.form} & {v.id for v in variants}
            assert len(chosen) == 1, (seed, variants, chosen)
            seen.setdefault(variants[0].rotation, set()).update(chosen & asked)
        # the same seed gives the same visit: the choice is the injected source's alone
        assert run(bank, best, one_of, random.Random(seed)).answers == session.answers
    for variants in rotating_slots(bank):  # across visits every variant is asked
        assert seen[variants[0].rotation] == {v.id for v in variants}


def test_at_most_never_grows_when_back_changes_nothing(bank: Bank) -> None:
    """Issue 23: "Question 6 of at most 20" became "of at most 23" after going back.
    Seeded walks that step back now and then and give the same answer again: the
    "at most" of the progress line never grows."""
    for seed in range(200):
        rng = random.Random(seed)
        session = Session(bank, rng=random.Random(seed))
        seen = session.progress.at_most
        while not session.finished:
            if session.can_go_back and rng.random() < 0.3:
                session = session.back()
                assert session.progress.at_most <= seen, seed
                step = session.current
                if step.kind == ACTIVITIES:
                    session = session.tick(session.previous_ticks() or frozenset())
                else:
                    session = session.answer(session.previous_answer())
            else:
                step = session.current
                if step.kind == FILTER:
                    session = session.answer("yes")
                elif step.kind == ACTIVITIES:
                    acts = bank.survey.area(step.area).activities
                    session = session.tick(frozenset(a.id for a in acts if rng.random() < 0.4))
                else:
                    session = session.answer(rng.choice([a.code for a in step.item.answers]))
            assert session.progress.at_most <= seen, seed
            seen = session.progress.at_most


def test_the_longest_visit_is_the_longest_over_every_form_of_the_bank(bank: Bank) -> None:
    """`longest_visit` takes each area's longest combination of its own slots (the
    intro shows it on every visit; trying every form took 1.1 s, issue 25): the same
    number as trying every form of the bank, which this test does."""
    import itertools

    from skillcheck.session import longest_visit, most_follow_ups

    most = 0
    for combination in itertools.product(*bank.slots().values()):
        chosen = {i.id for i in combination}
        form = [i for i in bank.items if not i.rotation or i.id in chosen]
        most = max(most, sum(most_follow_ups(form, area) for area in AREAS))
    assert longest_visit(bank) == 1 + len(bank.survey.areas) + most
    # Every slot lies in one area, which the per-area count relies on.
    assert all(len({i.area for i in variants}) == 1 for variants in bank.slots().values())
