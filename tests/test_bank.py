"""The shipped bank meets the brief; broken copies name `file:line: what is wrong`."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillcheck.bank import DONT_KNOW, Bank, check_bank, load_bank
from skillcheck.datafile import ContentError
from skillcheck.digcomp import AREAS, COMPETENCES


def test_shipped_bank_covers_the_brief(bank: Bank) -> None:
    assert len(bank.items) >= 25
    assert len(bank.competences) >= 15
    assert bank.competences <= set(COMPETENCES)
    for area in AREAS:
        items = bank.items_in(area)
        assert len(items) >= 4, area
        assert {i.band for i in items} == {"basic", "above_basic"}, area
        assert any(i.kind == "knowledge" for i in items), area
    # the beginner's path is every basic item: at most 12 (see test_session)
    assert sum(i.band == "basic" for i in bank.items) <= 12


def test_knowledge_items_offer_one_right_answer_and_i_dont_know(bank: Bank) -> None:
    for item in bank.items:
        codes = [a.code for a in item.answers]
        assert len(codes) == len(set(codes))
        if item.kind == "knowledge":
            assert 3 <= len(item.options) <= 4
            assert sum(o.correct for o in item.options) == 1
            assert codes[-1] == DONT_KNOW
            assert not item.is_mastered(DONT_KNOW)
        else:
            assert codes == ["0", "1", "2", "3"]


def replace_in(path: Path, old: str, new: str, count: int = 1) -> int:
    """Replace text and return the 1-based line of the first replacement."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def problems_of(questions: Path) -> list[str]:
    bank, problems = check_bank(questions)
    assert bank is None
    return [str(p) for p in problems]


def first_item_key(path: Path, key: str) -> str:
    return next(line for line in path.read_text().splitlines() if line.startswith(f"{key} ="))


@pytest.mark.parametrize(
    ("key", "bad_value", "message"),
    [
        ("competence", '"9.9"', "unknown competence '9.9'"),
        ("competence", '"2.1"', "competence 2.1 is not in area 1"),
        ("kind", '"essay"', "unknown kind 'essay'"),
        ("band", '"expert"', "unknown band 'expert'"),
        ("text", '"   "', "'text' is missing or empty"),
    ],
)
def test_bad_item_fields_are_named_with_file_and_line(
    questions_copy: Path, key: str, bad_value: str, message: str
) -> None:
    path = questions_copy / "items" / "1-information.toml"
    original = first_item_key(path, key)
    line = replace_in(path, original, f"{key} = {bad_value}")
    problems = problems_of(questions_copy)
    assert any(p.startswith(f"{path}:{line}:") and message in p for p in problems), problems


def test_toml_syntax_error_names_the_line(questions_copy: Path) -> None:
    path = questions_copy / "items" / "2-communication.toml"
    line = replace_in(path, "[[items]]", "[[items]\nid = ")
    problems = problems_of(questions_copy)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:{line}: TOML syntax error")


def test_duplicate_id_names_both_places(questions_copy: Path) -> None:
    first = questions_copy / "items" / "1-information.toml"
    other = questions_copy / "items" / "3-content.toml"
    first_id = first_item_key(first, "id")
    line = replace_in(other, first_item_key(other, "id"), first_id)
    problems = problems_of(questions_copy)
    assert any(p.startswith(f"{other}:{line}: duplicate id") and str(first) in p for p in problems)


def test_knowledge_item_needs_exactly_one_correct_option(questions_copy: Path) -> None:
    path = questions_copy / "items" / "4-safety.toml"
    text = path.read_text()
    start = text.index('kind = "knowledge"')
    options = text.index("options = [", start)
    line = text[:options].count("\n") + 1
    # make a wrong option correct too
    wrong = text.index("{ text = ", options)
    end = text.index("}", wrong)
    path.write_text(text[:end] + ", correct = true " + text[end:])
    problems = problems_of(questions_copy)
    assert any(
        p.startswith(f"{path}:{line}:") and "exactly one correct option (found 2)" in p
        for p in problems
    ), problems


def test_unknown_area_in_a_file(questions_copy: Path) -> None:
    path = questions_copy / "items" / "5-problem-solving.toml"
    line = replace_in(path, "area = 5", "area = 6")
    problems = problems_of(questions_copy)
    assert any(p.startswith(f"{path}:{line}: unknown area 6") for p in problems), problems


def test_missing_file_is_a_problem_not_a_traceback(questions_copy: Path) -> None:
    (questions_copy / "areas.toml").unlink()
    problems = problems_of(questions_copy)
    assert any("areas.toml:0: file is missing" in p for p in problems)
    with pytest.raises(ContentError):
        load_bank(questions_copy)


def test_an_area_with_too_few_items_is_refused(questions_copy: Path) -> None:
    path = questions_copy / "items" / "2-communication.toml"
    text = path.read_text()
    # keep only the first item of the file
    second = text.index("[[items]]", text.index("[[items]]") + 1)
    path.write_text(text[:second])
    problems = problems_of(questions_copy)
    assert any("area 2 has fewer than 4 items" in p for p in problems)


# --- bank format 2026.2: skill and rotation ---------------------------------------------


def add_to_item(path: Path, item_id: str, lines: str) -> int:
    """Insert key lines right after an item's id line; return the first inserted line."""
    return replace_in(path, f'id = "{item_id}"\n', f'id = "{item_id}"\n{lines}') + 1


def item_ids(path: Path, band: str, kind: str) -> list[str]:
    """Ids of the file's items with this band and kind, in file order."""
    ids = []
    for block in path.read_text().split("[[items]]")[1:]:
        if f'band = "{band}"' in block and f'kind = "{kind}"' in block:
            ids.append(block.split('id = "')[1].split('"')[0])
    return ids


def test_skill_and_rotation_are_read(questions_copy: Path) -> None:
    path = questions_copy / "items" / "2-communication.toml"
    first, second = item_ids(path, "basic", "can_do")[:2]
    add_to_item(path, first, 'skill = "do the first thing"\nrotation = "comm-slot"\n')
    add_to_item(path, second, 'rotation = "comm-slot"\n')
    bank = load_bank(questions_copy)
    assert bank.item(first).skill == "do the first thing"
    assert bank.item(second).skill is None
    slot = next(s for s in bank.slots_in(2, "basic") if len(s) > 1)
    assert [i.id for i in slot] == [first, second]
    # one slot per rotation; every other item is a slot of its own
    assert sum(len(s) for s in bank.slots_in(2, "basic")) == len(bank.items_in(2, "basic"))


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ('skill = "  "\n', "'skill' must be non-empty text"),
        ("skill = 3\n", "'skill' must be non-empty text"),
        ('rotation = ""\n', "'rotation' must be a slot name"),
        ("rotation = 1\n", "'rotation' must be a slot name"),
        ('colour = "red"\n', "unknown key 'colour'"),
    ],
)
def test_bad_skill_or_rotation_is_named_with_file_and_line(
    questions_copy: Path, lines: str, message: str
) -> None:
    path = questions_copy / "items" / "1-information.toml"
    item_id = item_ids(path, "basic", "can_do")[0]
    line = add_to_item(path, item_id, lines)
    problems = problems_of(questions_copy)
    assert any(p.startswith(f"{path}:{line}:") and message in p for p in problems), problems


@pytest.mark.parametrize("differs", ["band", "kind"])
def test_variants_of_a_slot_share_band_and_kind(questions_copy: Path, differs: str) -> None:
    path = questions_copy / "items" / "4-safety.toml"
    first = item_ids(path, "basic", "can_do")[0]
    other = (
        item_ids(path, "above_basic", "can_do")[0]
        if differs == "band"
        else item_ids(path, "basic", "knowledge")[0]
    )
    add_to_item(path, first, 'rotation = "slot"\n')
    add_to_item(path, other, 'rotation = "slot"\n')
    problems = problems_of(questions_copy)
    assert any(
        f"rotation 'slot': item '{other}' has {differs}" in p and p.startswith(f"{path}:")
        for p in problems
    ), problems


def test_a_slot_of_one_variant_is_a_warning(questions_copy: Path) -> None:
    path = questions_copy / "items" / "4-safety.toml"
    first = item_ids(path, "basic", "can_do")[0]
    add_to_item(path, first, 'rotation = "alone"\n')
    bank, problems = check_bank(questions_copy)
    assert bank is not None
    assert [p.severity for p in problems] == ["warning"]
    assert "rotation 'alone' has one variant only" in str(problems[0])
