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


def test_an_unknown_table_in_an_items_file_is_named(questions_copy: Path) -> None:
    """A typo in a table name ([[item]] for [[items]]) would drop those items without
    a word."""
    path = questions_copy / "items" / "2-communication.toml"
    lines = path.read_text("utf-8").count("\n")
    with path.open("a", encoding="utf-8") as file:
        file.write('\n[[item]]\nid = "comm-extra"\n')
    problems = problems_of(questions_copy)
    assert any(p.startswith(f"{path}:{lines + 2}: unknown key 'item'") for p in problems), problems


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


def test_bank_2026_2_content(bank: Bank) -> None:
    """The changes of issue 10 item 3 that a later edit must not undo by accident."""
    assert bank.version == "2026.2"
    ids = {i.id for i in bank.items}
    assert "safety-padlock" not in ids and "info-train-time" not in ids
    assert bank.item("safety-strong-password").competence == "4.1"
    assert bank.item("safety-two-step").competence == "4.1"
    https = bank.item("safety-https")
    assert "https" in https.text and "padlock" not in https.text.lower()
    assert next(o for o in https.options if o.correct).text.endswith("can still be a scam.")
    assert not any(
        "padlock" in getattr(a, key) for a in bank.areas for key in vars(a) if key != "number"
    )
    sms = bank.item("safety-fake-bpost-sms")
    right = next(o.text for o in sms.options if o.correct)
    assert right == "Don't click. Delete it, or send a screenshot to suspicious@safeonweb.be."
    assert any("bpost logo" in o.text and not o.correct for o in sms.options)
    assert "not expecting" not in sms.text  # the stem does not spell out every warning sign
    assert "tax return" not in bank.item("comm-myminfin").text
    assert "contacts" not in bank.item("problem-restore-backup").text
    assert "family" not in bank.item("comm-video-call").text
    assert "costs" not in bank.item("content-spreadsheet-total").text


def test_no_wrong_answers_share_a_form_the_right_answer_lacks(bank: Bank) -> None:
    """No give-away by form: the wrong answers do not all begin with the same word
    while the right one does not (2026.1 had three wrong answers starting "Only")."""
    for item in bank.items:
        if item.kind != "knowledge":
            continue
        first = {o.code: o.text.split()[0].strip(",:").lower() for o in item.options}
        right = next(o.code for o in item.options if o.correct)
        wrong_words = [w for code, w in first.items() if code != right]
        for word in set(wrong_words):
            shared = wrong_words.count(word)
            assert not (shared >= 2 and word != first[right] and shared == len(wrong_words)), (
                item.id,
                word,
            )


def test_every_competence_is_asked_across_the_rotation(bank: Bank) -> None:
    assert bank.competences == set(COMPETENCES)
    rotating = {i.competence for i in bank.items if i.rotation}
    assert {"2.5", "4.2", "4.3", "4.4"} <= {i.competence for i in bank.items}
    assert {"2.5", "4.3", "4.4"} <= rotating  # only there, so only through the rotation


def test_one_rotating_above_basic_slot_per_area(bank: Bank) -> None:
    for area in AREAS:
        rotating = [v for v in bank.slots().values() if v[0].area == area]
        assert len(rotating) == 1, area
        (variants,) = rotating
        assert len(variants) >= 2, area
        assert {v.band for v in variants} == {"above_basic"}, area
        assert len({v.kind for v in variants}) == 1, area
    # the beginner's path (basic items only) never rotates: still at most 12
    assert not any(i.rotation for i in bank.items if i.band == "basic")


def test_every_item_has_a_skill_that_completes_the_result_sentence(bank: Bank) -> None:
    skills = [i.skill for i in bank.items]
    assert all(skills) and len(set(skills)) == len(skills)
    for item in bank.items:
        phrase = f"You can already: {item.skill}."
        assert item.skill[0].islower() and not item.skill.endswith("."), phrase
        assert not item.skill.startswith("to "), phrase
        assert len(item.skill) <= 70, phrase


# --- bank format 2026.2: rotation checks ---------------------------------------------


def test_variants_of_a_slot_share_kind_and_band(questions_copy: Path) -> None:
    path = questions_copy / "items" / "5-problem-solving.toml"
    replace_in(
        path,
        'id = "problem-frozen-app"\n',
        'id = "problem-frozen-app"\nrotation = "everyday-tools"\n',
    )
    problems = problems_of(questions_copy)
    assert any(
        "area 5, rotation 'everyday-tools'" in p and "share kind and band" in p for p in problems
    ), problems


def test_a_slot_needs_two_variants(questions_copy: Path) -> None:
    path = questions_copy / "items" / "5-problem-solving.toml"
    replace_in(path, 'rotation = "everyday-tools"\n', "", count=1)
    problems = problems_of(questions_copy)
    assert any(
        "area 5, rotation 'everyday-tools': a slot needs at least 2 variants" in p for p in problems
    ), problems
