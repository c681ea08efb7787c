"""Every tick pattern of every area, through the real `Session`: scoring rule 3.

The rule is stated here in the test's own words (Eurostat's Digital Skills Indicator
2.0 as docs/scoring.md gives it), not read from questions/activities.toml or from
skillcheck.scoring, so a change of the data or the code that breaks it fails here.
Also: no knowledge or can-do answer changes a level; a random guesser gets the
levels of "I don't know"; the key's place is uniform; the visit's length bounds.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Iterator

import pytest
from scipy.stats import chisquare

from skillcheck.bank import CAN_DO_STEPS, DONT_KNOW, Bank, Item
from skillcheck.digcomp import AREAS
from skillcheck.session import ACTIVITIES, FILTER, Session

# Eurostat DSI 2.0 in our own words. In information and data literacy (1) and in
# communication and collaboration (2), one activity done in the last 3 months is basic
# and two or more are above basic. In digital content creation (3), safety (4) and
# problem solving (5), one or two are basic and three or more above basic. None: none.
ABOVE_BASIC_FROM = {1: 2, 2: 2, 3: 3, 4: 3, 5: 3}
ACTIVITIES_PER_AREA = {1: 5, 2: 6, 3: 7, 4: 6, 5: 7}


def eurostat_level(area: int, done: int) -> str:
    if done == 0:
        return "none"
    return "above_basic" if done >= ABOVE_BASIC_FROM[area] else "basic"


def eurostat_category(levels: dict[int, str]) -> str:
    """All five above basic: above basic; all five at least basic: basic; four of five
    at least basic: low; three: narrow; two: limited; one or none: no skills."""
    at_least_basic = sum(level != "none" for level in levels.values())
    if at_least_basic == 5:
        return "above_basic" if set(levels.values()) == {"above_basic"} else "basic"
    return {4: "low", 3: "narrow", 2: "limited"}.get(at_least_basic, "none")


CAN_DO_CODES = tuple(code for code, _ in CAN_DO_STEPS)


def lowest(item: Item) -> str:
    return CAN_DO_CODES[0] if item.kind == "can_do" else DONT_KNOW


def play(
    bank: Bank,
    ticks: dict[int, frozenset[str]],
    answer=lowest,
    rng: random.Random | None = None,
    form: tuple[Item, ...] | None = None,
) -> Session:
    """A whole visit: internet yes, `ticks` per area (none elsewhere), `answer` per item."""
    session = Session(bank, rng=rng or random.Random(0), form=form)
    while not session.finished:
        step = session.current
        if step.kind == FILTER:
            session = session.answer("yes")
        elif step.kind == ACTIVITIES:
            session = session.tick(ticks.get(step.area, frozenset()))
        else:
            session = session.answer(answer(step.item))
    return session


def test_the_shipped_lists_are_eurostats_lengths(bank: Bank) -> None:
    assert {r.area: len(r.activities) for r in bank.survey.areas} == ACTIVITIES_PER_AREA


@pytest.mark.parametrize("area", AREAS)
def test_every_tick_pattern_of_every_area_gives_eurostats_level(bank: Bank, area: int) -> None:
    ids = [a.id for a in bank.survey.area(area).activities]
    patterns = 0
    for mask in range(2 ** len(ids)):
        ticked = frozenset(i for n, i in enumerate(ids) if mask >> n & 1)
        result = play(bank, {area: ticked}).result()
        expected = {a: "none" for a in AREAS} | {area: eurostat_level(area, len(ticked))}
        assert dict(result.levels) == expected, (area, sorted(ticked))
        assert result.category == eurostat_category(expected)
        patterns += 1
    assert patterns == 2 ** ACTIVITIES_PER_AREA[area]


def first(bank: Bank, area: int, count: int) -> frozenset[str]:
    return frozenset(a.id for a in bank.survey.area(area).activities[:count])


def test_every_count_combination_gives_eurostats_category(bank: Bank) -> None:
    """0 to 3 activities in each area (4^5 visits): the overall category."""
    for counts in itertools.product(range(4), repeat=5):
        ticks = {area: first(bank, area, n) for area, n in zip(AREAS, counts, strict=True)}
        result = play(bank, ticks).result()
        levels = {a: eurostat_level(a, n) for a, n in zip(AREAS, counts, strict=True)}
        assert dict(result.levels) == levels
        assert result.category == eurostat_category(levels), counts


def level_combinations(bank: Bank) -> Iterator[dict[int, frozenset[str]]]:
    """Ticks that put each area at each level: 3^5 combinations."""
    per_level = {
        area: [first(bank, area, n) for n in (0, 1, ABOVE_BASIC_FROM[area])] for area in AREAS
    }
    for choice in itertools.product(range(3), repeat=5):
        yield {area: per_level[area][c] for area, c in zip(AREAS, choice, strict=True)}


def test_no_item_answer_changes_any_level(bank: Bank) -> None:
    """Each area at each level (the others at none, then all five at one level): every
    item asked is given every one of its answers, on forms that hold every variant
    (the other items at their lowest); the levels never move. Items decide what to
    learn next, not a level."""
    configurations = [{a: first(bank, a, n) for a in AREAS} for n in (0, 1)] + [
        {a: first(bank, a, ABOVE_BASIC_FROM[a]) for a in AREAS}
    ]
    configurations += [
        {area: first(bank, area, n)} for area in AREAS for n in (1, ABOVE_BASIC_FROM[area])
    ]
    tried = 0
    sample = list(covering_forms(bank))
    assert {i.id for f in sample for i in f} == {i.id for i in bank.items}
    for form, ticks in itertools.product(sample, configurations):
        base = play(bank, ticks, form=form)
        levels = dict(base.result().levels)
        asked = [s.item for s in base.path if s.item is not None]
        for item in asked:
            for code in [a.code for a in item.answers]:
                chosen = {item.id: code}
                answer = lambda i, c=chosen: c.get(i.id, lowest(i))  # noqa: E731
                session = play(bank, ticks, answer, form=form)
                assert dict(session.result().levels) == levels, (ticks, item.id, code)
                tried += 1
    assert tried > 1000


def test_a_random_guesser_gets_the_levels_of_i_dont_know(bank: Bank) -> None:
    guesser = random.Random(20)
    for ticks in level_combinations(bank):
        dont_know = play(bank, ticks).result()

        def guess(item: Item) -> str:
            if item.kind == "can_do":
                return lowest(item)
            return guesser.choice([o.code for o in item.options])

        guessed = play(bank, ticks, guess).result()
        assert dict(guessed.levels) == dict(dont_know.levels)
        assert guessed.category == dont_know.category


def test_the_keys_place_is_uniform_over_10000_seeded_visits(bank: Bank) -> None:
    """Where the right option is shown, over 10,000 visits: chi-square against uniform,
    per number of options (p > 0.001), and every place used."""
    rng = random.Random(2026)
    places: dict[int, Counter[int]] = {}
    for _ in range(10_000):
        session = Session(bank, rng=rng)
        for item in session.form:
            if item.kind != "knowledge":
                continue
            shown = [a.code for a in session.answers_shown(item)]
            assert shown[-1] == DONT_KNOW  # "I don't know" stays last
            right = next(o.code for o in item.options if o.correct)
            places.setdefault(len(item.options), Counter())[shown.index(right) + 1] += 1
    for options, counted in places.items():
        observed = [counted[place] for place in range(1, options + 1)]
        assert all(observed), (options, observed)
        assert chisquare(observed).pvalue > 0.001, (options, observed)


def test_the_stored_code_is_the_options_code_and_its_place_is_kept(bank: Bank) -> None:
    from skillcheck.session import SHOWN_SUFFIX

    ticks = {area: first(bank, area, ABOVE_BASIC_FROM[area]) for area in AREAS}
    for seed in range(50):
        rng = random.Random(seed)
        session = play(bank, ticks, lambda i: i.options[0].code if i.options else "0", rng)
        positions = session.shown_positions()
        for item in session.form:
            if item.kind == "knowledge" and item.id in session.answers:
                assert session.answers[item.id] == item.options[0].code
                shown = [a.code for a in session.answers_shown(item)]
                assert positions[item.id + SHOWN_SUFFIX] == str(shown.index("a") + 1)


class Fixed(random.Random):
    """A Random whose choice of a slot's variant is fixed in advance."""

    def __init__(self, chosen: set[str]):
        super().__init__(0)
        self.chosen = chosen

    def choice(self, seq):  # noqa: D102 - the Random API
        return next((i for i in seq if i.id in self.chosen), seq[0])


def covering_forms(bank: Bank) -> Iterator[tuple[Item, ...]]:
    """Forms in which every combination of one area's variants appears at least once.

    An area's items follow its own tick-list and answers only, so what one area asks
    depends on that area's variants alone: these few forms (as many as the richest
    area has combinations, 16 for bank 2026.3) stand for every form of the bank
    (24,576 for 2026.3, hours to walk); `test_random_forms_stay_within_...` checks
    the independence this relies on."""
    per_area: dict[int, list[tuple[Item, ...]]] = {}
    slots_of: dict[int, list[tuple[Item, ...]]] = {}
    for variants in bank.slots().values():
        slots_of.setdefault(variants[0].area, []).append(variants)
    for area, slots in slots_of.items():
        per_area[area] = list(itertools.product(*slots))
    for k in range(max(len(c) for c in per_area.values())):
        chosen = {i.id for combos in per_area.values() for i in combos[k % len(combos)]}
        yield bank.form(Fixed(chosen))


def items_per_area(session: Session) -> Counter[int]:
    return Counter(s.item.area for s in session.path if s.item is not None)


def mastered(item: Item) -> str:
    if item.kind == "can_do":
        return CAN_DO_CODES[-1]
    return next(o.code for o in item.options if o.correct)


UNIFORM_LEVELS = (0, 1, None)  # every area at none, at basic, at above basic


def uniform_ticks(bank: Bank, count: int | None) -> dict[int, frozenset[str]]:
    return {a: first(bank, a, ABOVE_BASIC_FROM[a] if count is None else count) for a in AREAS}


def longest_per_area(bank: Bank) -> Counter[int]:
    """The most items each area asks, over every combination of its variants, each
    level of its list and the lowest and highest answers."""
    longest: Counter[int] = Counter()
    for form in covering_forms(bank):
        for count in UNIFORM_LEVELS:
            for answer in (lowest, mastered):
                session = play(bank, uniform_ticks(bank, count), answer, form=form)
                assert sum(1 for s in session.path if s.kind == ACTIVITIES) == 5
                for area, asked in items_per_area(session).items():
                    longest[area] = max(longest[area], asked)
    return longest


def test_visit_length_bounds_on_every_form(bank: Bank) -> None:
    """Whole visit: the internet question, 5 tick-lists and at most 20 items (the sum
    of each area's longest, so no form and no answers can go over). Nothing ticked
    anywhere: the 5 lists and at most 10 items, whatever the answers."""
    longest = longest_per_area(bank)
    assert set(longest) == set(AREAS)
    assert sum(longest.values()) <= 20, longest
    for form in covering_forms(bank):
        session = play(bank, uniform_ticks(bank, None), mastered, form=form)
        assert session.progress.at_most <= 1 + 5 + 20
        for answer in (lowest, mastered):
            beginner = play(bank, {}, answer, form=form)
            assert sum(1 for s in beginner.path if s.item is not None) <= 10


def test_random_forms_stay_within_each_areas_longest(bank: Bank) -> None:
    """What the covering forms rely on: on 200 seeded random forms, with random ticks
    and answers, no area asks more than its longest on the covering forms."""
    longest = longest_per_area(bank)
    rng = random.Random(7)
    for _ in range(200):
        form = bank.form(rng)
        ticks = {
            a: frozenset(x.id for x in bank.survey.area(a).activities if rng.random() < 0.4)
            for a in AREAS
        }
        guess = lambda item: rng.choice([x.code for x in item.answers])  # noqa: E731
        session = play(bank, ticks, guess, form=form)
        for area, asked in items_per_area(session).items():
            assert asked <= longest[area], (area, asked, longest)


def test_no_internet_is_one_question_and_not_assessed(bank: Bank) -> None:
    session = Session(bank, rng=random.Random(1)).answer("no")
    assert session.finished and len(session.path) == 1
    result = session.result()
    assert result.category == "not_assessed" and not result.assessed
    assert set(result.levels.values()) == {"not_assessed"}
