"""Item statistics for test designers: how each question of the bank behaves.

`skillcheck items` prints these figures; docs/content.md says how to read them.
Everything is computed from completed visits of one bank version, in one pass
over the database, session by session, with running sums only (memory does not
grow with the number of visits). Plain Python: no textual, no third-party maths.

* per item (all languages together, and per language): answers, share mastered,
  the "I don't know" rate of a knowledge check, the item–rest correlation (the
  item's mastered 0/1 against the number of the area's other answered items the
  person mastered) and how often each answer was chosen;
* per area and set of items asked together (the path is adaptive: which items
  follow an area's tick-list depends on the ticks, so each item is asked of its own
  group): Cronbach's alpha only over visits that were asked exactly that set, with
  their count;
* the item–rest correlation: the item against the number of activities the person
  ticked in all five tick-lists, which every assessed visit answered (so the rest
  score is complete for every visit counted) and which no item answer changes;
* per item and pair of languages, at equal number of activities ticked (the same
  rest score, in strata): the Mantel–Haenszel common
  odds ratio, its chi-square test (continuity-corrected, 1 degree of freedom) and
  ETS's delta scale with its A/B/C class; an item is flagged for class C (a large
  difference, significantly larger than 1 delta point) whose test also holds after
  Bonferroni's correction for the number of comparisons, with enough answers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from skillcheck.activities import TICKED
from skillcheck.bank import DONT_KNOW, Bank, Item
from skillcheck.digcomp import AREAS

# Below this item–rest correlation an item barely separates people who did more from
# those who did less. The rule of thumb for a whole population is 0.20; each item
# here is asked of a group chosen by its area's ticks (a restricted range lowers
# every correlation), so the line is drawn at 0.10.
LOW_ITEM_REST = 0.10
# ETS's delta scale for differential item functioning: |delta| below 1 or not
# significant is A (negligible), at least 1.5 and significantly more than 1 is C
# (large), B between; C is flagged. Significance at 5 %.
DELTA_B = 1.0
DELTA_C = 1.5
SIGNIFICANCE = 0.05
DIF_POINTS = 15.0  # shown beside the class: the difference in share mastered
# The Mantel–Haenszel strata: activities ticked in bands of this many (0-4, 5-9 …):
# one stratum per count leaves most strata with one language only, or one answer.
TICK_BAND = 5
# Flags need enough answers to mean anything: per item, and per language of a pair.
MIN_ANSWERS = 30


@dataclass(frozen=True)
class Visit:
    """One completed visit as the statistics see it: its language and its answers."""

    language: str
    answers: Mapping[str, str]  # item id -> answer code


@dataclass(frozen=True)
class ItemFigures:
    """How one item was answered, in one language or (language None) in all."""

    item_id: str
    language: str | None
    answers: int
    mastered: float | None  # share 0..1
    dont_know: float | None  # share of "I don't know" (knowledge checks only)
    item_rest: float | None  # Pearson r; None when either side does not vary
    choices: Mapping[str, int]  # answer code -> how many chose it


@dataclass(frozen=True)
class AreaConsistency:
    """Cronbach's alpha of one area for one variant set, on complete cases."""

    area: int
    items: tuple[str, ...]
    complete_cases: int
    alpha: float | None  # None with fewer than 2 cases or no variance


@dataclass(frozen=True)
class LanguageDifference:
    """`language` against `other` on one item, at equal activities ticked in its area."""

    item_id: str
    language: str
    other: str
    points: float  # Mantel–Haenszel weighted difference in share mastered, in points
    answers: tuple[int, int]  # people of each language in the strata compared
    delta: float = 0.0  # ETS delta, -2.35 ln(odds ratio of `language` to `other`): > 0 harder
    p_value: float = 1.0  # Mantel–Haenszel chi-square test, continuity-corrected
    delta_se: float = math.inf  # standard error of delta (Robins–Breslow–Greenland)

    @property
    def ets_class(self) -> str:
        """ETS's class: A negligible, B moderate, C large."""
        size = abs(self.delta)
        if self.p_value >= SIGNIFICANCE or size < DELTA_B:
            return "A"
        # C: at least 1.5 and significantly more than 1 (one-sided, 5 %)
        if size >= DELTA_C and (size - DELTA_B) / self.delta_se > 1.645:
            return "C"
        return "B"

    @property
    def flagged(self) -> bool:
        """Class C, with enough answers in both languages."""
        return self.ets_class == "C" and min(self.answers) >= MIN_ANSWERS


@dataclass(frozen=True)
class ItemReport:
    """Everything `skillcheck items` prints."""

    bank_version: str
    visits: Mapping[str, int]  # language -> completed visits
    items: tuple[ItemFigures, ...]
    areas: tuple[AreaConsistency, ...]
    differences: tuple[LanguageDifference, ...]

    @property
    def low_discrimination(self) -> tuple[ItemFigures, ...]:
        """Items (all languages) whose item–rest correlation is below LOW_ITEM_REST."""
        return tuple(
            f
            for f in self.items
            if f.language is None
            and f.answers >= MIN_ANSWERS
            and (f.item_rest is None or f.item_rest < LOW_ITEM_REST)
        )

    @property
    def language_flags(self) -> tuple[LanguageDifference, ...]:
        """Class C differences with enough answers whose test holds after Bonferroni's
        correction for every comparison made (dozens of items × language pairs: at
        5 % each, a few would be "significant" by chance alone)."""
        level = SIGNIFICANCE / max(1, len(self.differences))
        return tuple(d for d in self.differences if d.flagged and d.p_value < level)


# --- reading the database ---------------------------------------------------


def read_visits(
    database: Path | str,
    bank_version: str,
    since: str | None = None,
    until: str | None = None,
) -> Iterator[Visit]:
    """Completed visits of one bank version, one at a time; the database is only read.

    An SQLite file is opened by the one opener, read-only (`store.open_database`):
    nothing is written, read-only media work as for `stats`, and a file that is not a
    current skillcheck database (a newer schema, another program's) is refused with
    StoreError, before any figure is computed. A central database's URL
    (postgresql://…) is read in one read-only snapshot (central.CentralReader), with a
    login of the analyst role.
    """
    from skillcheck.central import CentralReader, is_central
    from skillcheck.store import open_database

    if is_central(database):
        connection = CentralReader(str(database))
    else:
        connection = open_database(Path(database), read_only=True).conn
    try:
        where = ["s.status = 'completed'", "s.bank_version = ?"]
        params: list[str] = [bank_version]
        if since:
            where.append("s.day >= ?")
            params.append(since)
        if until:
            where.append("s.day <= ?")
            params.append(until)
        rows = connection.execute(
            "SELECT s.id, s.language, a.item_id, a.answer FROM sessions AS s "
            "JOIN answers AS a ON a.session_id = s.id "
            f"WHERE {' AND '.join(where)} ORDER BY s.id",
            params,
        )
        current: str | None = None
        language = ""
        answers: dict[str, str] = {}
        for session_id, row_language, item_id, code in rows:
            if session_id != current:
                if current is not None:
                    yield Visit(language, answers)
                current, language, answers = session_id, row_language, {}
            answers[item_id] = code
        if current is not None:
            yield Visit(language, answers)
    finally:
        connection.close()


# --- running sums -----------------------------------------------------------
# Plain lists updated in the one loop over visits: a million visits stay a few
# minutes and a few MiB. Sums are kept per item and language; "all languages" is
# their sum (every figure here is built from sums, so they add up).

# _ItemSums indexes: answers, mastered, and for the item–rest correlation (only
# when the area had another answered item): n, Σx, Σy, Σy², Σxy (x is 0/1, so Σx² = Σx).
_ANSWERS, _MASTERED, _N, _X, _Y, _YY, _XY = range(7)


def _pearson(n: float, x: float, y: float, yy: float, xy: float) -> float | None:
    """Pearson r of a 0/1 variable x and y from running sums; None if either is constant."""
    if n < 2:
        return None
    sxx = x - x * x / n
    syy = yy - y * y / n
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return (xy - x * y / n) / math.sqrt(sxx * syy)


@dataclass
class _AlphaSums:
    """Running sums for Cronbach's alpha over k items scored 0/1."""

    k: int
    n: int = 0
    item: list[int] = field(default_factory=list)
    total: int = 0
    total_sq: int = 0

    def __post_init__(self) -> None:
        self.item = [0] * self.k

    def add(self, scores: list[int]) -> None:
        self.n += 1
        item = self.item
        for index, score in enumerate(scores):
            item[index] += score
        total = sum(scores)
        self.total += total
        self.total_sq += total * total

    def alpha(self) -> float | None:
        if self.n < 2 or self.k < 2:
            return None
        n = self.n
        total_variance = self.total_sq / n - (self.total / n) ** 2
        if total_variance <= 1e-12:
            return None
        # a 0/1 item's variance is p(1 - p)
        items = sum((s / n) * (1 - s / n) for s in self.item)
        return self.k / (self.k - 1) * (1 - items / total_variance)


def _complete_sets(bank: Bank, area: int) -> list[tuple[Item, ...]]:
    """Every variant set of an area: the fixed items plus one variant per rotating slot."""
    fixed = [i for i in bank.items_in(area) if not i.rotation]
    slots: dict[str, list[Item]] = defaultdict(list)
    for item in bank.items_in(area):
        slot = item.rotation
        if slot:
            slots[slot].append(item)
    sets: list[list[Item]] = [fixed]
    for variants in slots.values():
        sets = [chosen + [variant] for chosen in sets for variant in variants]
    order = {item.id: n for n, item in enumerate(bank.items)}
    return [tuple(sorted(s, key=lambda i: order[i.id])) for s in sets]


def item_report(bank: Bank, visits: Iterable[Visit]) -> ItemReport:
    """The figures of every item of `bank` from completed visits (read once, in order)."""
    area_ids = {area: [i.id for i in bank.items_in(area)] for area in AREAS}
    # The matching criterion: how many of the area's activities the person ticked.
    activity_ids = [a.id for a in bank.survey.activities] if bank.survey else []
    masters = {
        i.id: frozenset(a.code for a in i.answers if i.is_mastered(a.code)) for i in bank.items
    }
    sums: dict[tuple[str, str], list[float]] = {}
    choices: dict[tuple[str, str, str], int] = defaultdict(int)
    alphas: dict[tuple[int, tuple[str, ...]], _AlphaSums] = {}
    # (item, language, basic score of the area) -> [answered, mastered]
    strata: dict[tuple[str, str, int], list[int]] = {}
    counts: dict[str, int] = defaultdict(int)

    for visit in visits:
        language = visit.language
        answers = visit.answers
        counts[language] += 1
        ticked = sum(answers.get(a) == TICKED for a in activity_ids)
        for area in AREAS:
            scores = {
                item_id: int(answers[item_id] in masters[item_id])
                for item_id in area_ids[area]
                if item_id in answers
            }
            if not scores:
                continue
            basic_score = ticked // TICK_BAND
            for item_id, x in scores.items():
                s = sums.get((item_id, language))
                if s is None:
                    s = sums[(item_id, language)] = [0] * 7
                s[_ANSWERS] += 1
                s[_MASTERED] += x
                if activity_ids:  # the rest score: every activity ticked
                    y = ticked
                    s[_N] += 1
                    s[_X] += x
                    s[_Y] += y
                    s[_YY] += y * y
                    s[_XY] += x * y
                choices[(item_id, language, answers[item_id])] += 1
                cell = strata.get((item_id, language, basic_score))
                if cell is None:
                    cell = strata[(item_id, language, basic_score)] = [0, 0]
                cell[0] += 1
                cell[1] += x
            # Alpha only over the items this visit was asked together: every visit
            # counted in one alpha was asked every item of it.
            if len(scores) > 1:
                chosen = tuple(i for i in area_ids[area] if i in scores)
                key = (area, chosen)
                if key not in alphas:
                    alphas[key] = _AlphaSums(k=len(chosen))
                alphas[key].add([scores[item_id] for item_id in chosen])

    languages = sorted(counts)
    figures = []
    for item in bank.items:
        per_language = {
            lang: sums[(item.id, lang)] for lang in languages if (item.id, lang) in sums
        }
        if not per_language:
            continue
        together = [sum(column) for column in zip(*per_language.values(), strict=True)]
        for language, s in ((None, together), *per_language.items()):
            wanted = languages if language is None else [language]
            chosen_codes: dict[str, int] = defaultdict(int)
            for (item_id, lang, code), count in choices.items():
                if item_id == item.id and lang in wanted:
                    chosen_codes[code] += count
            answered = s[_ANSWERS]
            figures.append(
                ItemFigures(
                    item_id=item.id,
                    language=language,
                    answers=answered,
                    mastered=s[_MASTERED] / answered,
                    dont_know=(
                        chosen_codes.get(DONT_KNOW, 0) / answered
                        if item.kind == "knowledge"
                        else None
                    ),
                    item_rest=_pearson(s[_N], s[_X], s[_Y], s[_YY], s[_XY]),
                    choices=dict(chosen_codes),
                )
            )
    areas = [
        AreaConsistency(area=area, items=chosen, complete_cases=a.n, alpha=a.alpha())
        for (area, chosen), a in sorted(alphas.items(), key=lambda kv: (kv[0][0], -kv[1].n))
    ]
    by_item: dict[str, dict[str, dict[int, list[int]]]] = defaultdict(lambda: defaultdict(dict))
    for (item_id, language, score), cell in strata.items():
        by_item[item_id][language][score] = cell
    differences = []
    for item in bank.items:
        cells = by_item.get(item.id, {})
        for first, second in combinations(sorted(cells), 2):
            difference = _mantel_haenszel(item.id, first, second, cells)
            if difference is not None:
                differences.append(difference)
    return ItemReport(
        bank_version=bank.version,
        visits=dict(sorted(counts.items())),
        items=tuple(figures),
        areas=tuple(areas),
        differences=tuple(differences),
    )


def _delta(tables: list[tuple[float, float, float, float]]) -> tuple[float, float]:
    """ETS delta (−2.35 ln of the MH common odds ratio) and its Robins–Breslow–Greenland
    standard error. A zero cell in every stratum (nobody of one language mastered it,
    say) gives no finite ratio: then every cell gets half a person (Haldane)."""
    sums = [0.0] * 5  # ΣR, ΣS, ΣPR, Σ(PS+QR), ΣQS
    for half in (0.0, 0.5):
        sums = [0.0] * 5
        for a, b, c, d in tables:
            a, b, c, d = a + half, b + half, c + half, d + half
            n = a + b + c + d
            p, q, r, s_ = (a + d) / n, (b + c) / n, a * d / n, b * c / n
            for index, value in enumerate((r, s_, p * r, p * s_ + q * r, q * s_)):
                sums[index] += value
        if sums[0] > 0 and sums[1] > 0:
            break
    r_sum, s_sum, pr, ps_qr, qs = sums
    log_variance = pr / (2 * r_sum**2) + ps_qr / (2 * r_sum * s_sum) + qs / (2 * s_sum**2)
    return -2.35 * math.log(r_sum / s_sum), 2.35 * math.sqrt(log_variance)


def _mantel_haenszel(
    item_id: str, first: str, second: str, cells: Mapping[str, Mapping[int, list[int]]]
) -> LanguageDifference | None:
    """Mantel–Haenszel between two languages over the strata of activities ticked.

    Per stratum k the 2×2 table: A = `first` mastered, B = `first` not, C = `second`
    mastered, D = `second` not. Gives the weighted difference in share mastered
    (weights n1·n2/(n1+n2)), the common odds ratio ΣAD/N ÷ ΣBC/N as ETS's delta
    (−2.35 ln), its Robins–Breslow–Greenland standard error, and the continuity-
    corrected MH chi-square (1 df). Strata where one language has nobody are left out.
    """
    weighted = weights = 0.0
    people = [0, 0]
    sum_a = expected = variance = 0.0
    tables = []
    for score in set(cells[first]) & set(cells[second]):
        n1, a = cells[first][score]
        n2, c = cells[second][score]
        if n1 == 0 or n2 == 0:
            continue
        b, d, n = n1 - a, n2 - c, n1 + n2
        weight = n1 * n2 / n
        weighted += weight * (a / n1 - c / n2)
        weights += weight
        people[0] += n1
        people[1] += n2
        m1, m0 = a + c, b + d
        sum_a += a
        expected += n1 * m1 / n
        if n > 1:
            variance += n1 * n2 * m1 * m0 / (n * n * (n - 1))
        tables.append((a, b, c, d))
    if weights == 0:
        return None
    points = 100 * weighted / weights
    chi_square = (max(abs(sum_a - expected) - 0.5, 0.0) ** 2 / variance) if variance > 0 else 0.0
    p_value = math.erfc(math.sqrt(chi_square / 2))  # chi-square, 1 degree of freedom
    delta, delta_se = _delta(tables)
    # Report from the side of the language that masters it less, so a flag reads
    # "fr: 38 points below nl".
    if points > 0:
        first, second, points, people, delta = second, first, -points, people[::-1], -delta
    return LanguageDifference(
        item_id=item_id,
        language=first,
        other=second,
        points=points,
        answers=(people[0], people[1]),
        delta=delta,
        p_value=p_value,
        delta_se=delta_se,
    )
