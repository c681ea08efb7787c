"""The shipped bank meets the brief; broken copies name `file:line: what is wrong`."""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import pytest

from skillcheck.bank import DONT_KNOW, MAX_PER_VISIT, Bank, check_bank, load_bank
from skillcheck.datafile import ContentError
from skillcheck.digcomp import AREAS, COMPETENCES
from skillcheck.paths import LOCALES_DIR


def test_shipped_bank_covers_the_brief(bank: Bank) -> None:
    assert len(bank.items) >= 25
    assert len(bank.competences) >= 15
    assert bank.competences <= set(COMPETENCES)
    for area in AREAS:
        items = bank.items_in(area)
        assert len(items) >= 4, area
        assert {i.band for i in items} == {"basic", "above_basic"}, area
        assert any(i.kind == "knowledge" for i in items), area
    # one visit: at most 20 items, 10 of them basic (the beginner's path, see test_session)
    assert bank.per_visit <= MAX_PER_VISIT == 20
    for seed in range(50):
        form = bank.form(random.Random(seed))
        assert len(form) == bank.per_visit
        assert sum(i.band == "basic" for i in form) <= 10


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
    assert bank.version == "2026.3"  # 2026.3 (issue 20) keeps every one of them
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
    assert right == "Don't open the link, and delete the SMS."
    # what Safeonweb asks for is taught in the good-to-know line, in every language's address
    assert "screenshot to suspicious@safeonweb.be" in sms.explanation
    assert any("bpost logo" in o.text and not o.correct for o in sms.options)
    assert "not expecting" not in sms.text  # the stem does not spell out every warning sign
    assert "tax return" not in bank.item("comm-myminfin").text
    assert "contacts" not in bank.item("problem-restore-backup").text
    assert "family" not in bank.item("comm-video-call").text
    assert "costs" not in bank.item("content-spreadsheet-total").text


@pytest.mark.parametrize("language", ["en", "nl", "fr", "de"])
def test_no_wrong_answers_share_a_form_the_right_answer_lacks(bank: Bank, language: str) -> None:
    """No give-away by form, in any language: the wrong answers do not all begin with the
    same word while the right one does not (2026.1 had three wrong answers starting "Only";
    a draft of 2026.3 had three French "Une …" persons beside "Un programme")."""
    shown = _translations(language)
    for item in bank.items:
        if item.kind != "knowledge":
            continue
        first = {
            o.code: shown.get((item.id, o.text), o.text).split()[0].strip(",:").lower()
            for o in item.options
        }
        right = next(o.code for o in item.options if o.correct)
        wrong_words = [w for code, w in first.items() if code != right]
        for word in set(wrong_words):
            shared = wrong_words.count(word)
            assert not (shared >= 2 and word != first[right] and shared == len(wrong_words)), (
                language,
                item.id,
                word,
            )


def _translations(language: str) -> dict[tuple[str | None, str], str]:
    """(msgctxt, msgid) -> msgstr of a shipped catalogue ({} for the English source)."""
    if language == "en":
        return {}
    from babel.messages.pofile import read_po

    path = LOCALES_DIR / language / "LC_MESSAGES" / "skillcheck.po"
    with path.open("rb") as fileobj:
        catalog = read_po(fileobj)
    return {(m.context, m.id): m.string for m in catalog if m.id and m.string}


def test_every_competence_is_asked_across_the_rotation(bank: Bank) -> None:
    assert bank.competences == set(COMPETENCES)
    rotating = {i.competence for i in bank.items if i.rotation}
    assert {"2.5", "4.2", "4.3", "4.4"} <= {i.competence for i in bank.items}
    assert {"2.5", "4.3", "4.4"} <= rotating  # only there, so only through the rotation


def test_every_area_asks_four_items_per_visit_two_of_each_band(bank: Bank) -> None:
    """2026.3: 20 items a visit (issue 20); the rotation keeps all 36 in use across visits."""
    for seed in range(20):
        form = bank.form(random.Random(seed))
        for area in AREAS:
            bands = Counter(i.band for i in form if i.area == area)
            assert bands == {"basic": 2, "above_basic": 2}, (seed, area)
    for variants in bank.slots().values():
        assert len(variants) >= 2
        assert len({(v.band, v.kind) for v in variants}) == 1, variants


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


# --- bank 2026.3 (issue 20): DigComp 3.0 outcomes, good-to-know lines, AI checks --------


def test_every_item_names_digcomp_3_outcomes_of_its_own_competence(bank: Bank) -> None:
    by_id = {o.id: o for o in bank.outcomes}
    for item in bank.items:
        assert item.outcomes, item.id
        for outcome_id in item.outcomes:
            assert by_id[outcome_id].competence == item.competence, (item.id, outcome_id)


def test_the_outcome_table_is_the_jrcs_whole_table(bank: Bank) -> None:
    """DigComp 3.0 §2.5 and Box 3: 523 outcomes, 151/170/119/83 by level, 69 AI-explicit."""
    assert len(bank.outcomes) == len({o.id for o in bank.outcomes}) == 523
    assert Counter(o.level for o in bank.outcomes) == {
        "basic": 151,
        "intermediate": 170,
        "advanced": 119,
        "highly_advanced": 83,
    }
    assert Counter(o.ai for o in bank.outcomes) == {"explicit": 69, "implicit": 330, "none": 124}
    assert Counter(o.kind for o in bank.outcomes) == {
        "knowledge": 217,
        "skill": 199,
        "attitude": 107,
    }
    assert {o.competence for o in bank.outcomes} == set(COMPETENCES)
    coverage = bank.coverage()
    assert sum(total for _, total in coverage.values()) == 523
    covered = {o for item in bank.items for o in item.outcomes}
    assert sum(mine for mine, _ in coverage.values()) == len(covered)


def test_every_knowledge_check_has_a_good_to_know_line_and_no_can_do_has_one(bank: Bank) -> None:
    for item in bank.items:
        if item.kind == "knowledge":
            assert item.explanation and len(item.explanation) <= 170, item.id
        else:
            assert item.explanation is None, item.id


def test_ai_checks_at_basic_in_three_areas(bank: Bank) -> None:
    """Issue 20: AI answers can be wrong (1.2), chatbots (2.1), a copied voice (4.2)."""
    by_id = {o.id: o for o in bank.outcomes}
    ai_answer = bank.item("info-ai-answer")
    chatbot = bank.item("comm-chatbot")
    voice = bank.item("safety-voice-clone")
    for item, competence in ((ai_answer, "1.2"), (chatbot, "2.1"), (voice, "4.2")):
        assert (item.kind, item.band, item.competence) == ("knowledge", "basic", competence)
    # 3.0 puts "AI output can be inaccurate" at Intermediate (LO1.2.16); the Basic outcome
    # it rests on is LO1.2.03 (sources and systems may not be trustworthy)
    assert [by_id[o].level for o in ai_answer.outcomes] == ["basic", "intermediate"]
    assert by_id["LO1.2.16"].ai == "explicit"
    assert by_id["LO2.1.06"].level == "basic" and "LO2.1.06" in chatbot.outcomes
    # no outcome names a deepfake: the voice check is our adaptation of LO4.2.05
    assert voice.outcomes == ("LO4.2.05",)
    assert not any(re.search("deepfake|voice clon", o.title, re.I) for o in bank.outcomes)


def test_keys_are_spread_over_the_positions(bank: Bank) -> None:
    """The source is balanced too: no answer position holds the key more than once more
    than another (the kiosk also shuffles them per visit)."""
    keys = Counter(
        next(o.code for o in item.options if o.correct)
        for item in bank.items
        if item.kind == "knowledge"
    )
    assert set(keys) == set("abcd")
    assert max(keys.values()) - min(keys.values()) <= 1, keys


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'outcomes = ["LO1.1.05"]',
            'outcomes = ["LO1.1.99"]',
            "unknown learning outcome 'LO1.1.99'",
        ),
        (
            'outcomes = ["LO1.1.05"]',
            'outcomes = ["LO2.1.06"]',
            "learning outcome LO2.1.06 belongs to competence 2.1, not to the item's 1.1",
        ),
        ('outcomes = ["LO1.1.05"]', "outcomes = []", "'outcomes' must list"),
        ('outcomes = ["LO1.1.05"]', 'outcomes = "LO1.1.05"', "'outcomes' must list"),
    ],
)
def test_an_items_outcomes_are_checked_against_the_table(
    questions_copy: Path, old: str, new: str, message: str
) -> None:
    path = questions_copy / "items" / "1-information.toml"
    line = replace_in(path, old, new)
    problems = problems_of(questions_copy)
    assert any(p.startswith(f"{path}:{line}:") and message in p for p in problems), problems


def test_an_item_without_outcomes_is_named(questions_copy: Path) -> None:
    path = questions_copy / "items" / "1-information.toml"
    line = replace_in(path, 'outcomes = ["LO1.1.05"]\n', "")
    header = line - 3  # [[items]], id, competence, then the line taken out
    problems = problems_of(questions_copy)
    assert any(
        p.startswith(f"{path}:{header}:") and "'outcomes' must list" in p for p in problems
    ), problems


def test_a_broken_row_of_the_outcome_table_is_named_by_its_line(questions_copy: Path) -> None:
    path = questions_copy / "digcomp3.toml"
    line = replace_in(path, 'level = "intermediate"', 'level = "expert"')
    other = replace_in(
        path, 'id = "LO5.4.05"\ncompetence = "5.4"', 'id = "LO5.4.05"\ncompetence = "5.3"'
    )
    problems = problems_of(questions_copy)
    assert any(p.startswith(f"{path}:{line}:") and "'level' must be one of" in p for p in problems)
    assert any(
        p.startswith(f"{path}:{other + 1}:") and "'competence' must be 5.4" in p for p in problems
    ), problems


def test_the_outcome_table_is_required(questions_copy: Path) -> None:
    (questions_copy / "digcomp3.toml").unlink()
    problems = problems_of(questions_copy)
    assert any("digcomp3.toml:0: file is missing" in p for p in problems), problems


def test_a_knowledge_check_needs_its_good_to_know_line(questions_copy: Path) -> None:
    path = questions_copy / "items" / "5-problem-solving.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("explanation = ")
    path.write_text(text[:start] + text[text.index("\n", start) + 1 :], encoding="utf-8")
    problems = problems_of(questions_copy)
    assert any(
        "item 'problem-frozen-app': a knowledge item needs an 'explanation'" in p for p in problems
    ), problems


def test_a_can_do_item_has_no_good_to_know_line(questions_copy: Path) -> None:
    path = questions_copy / "items" / "5-problem-solving.toml"
    line = replace_in(
        path, 'id = "problem-scan-document"\n', 'id = "problem-scan-document"\nexplanation = "x"\n'
    )
    problems = problems_of(questions_copy)
    assert any(
        p.startswith(f"{path}:{line + 1}:") and "only a knowledge item has an 'explanation'" in p
        for p in problems
    ), problems


def test_a_bank_that_would_ask_more_than_20_items_a_visit_is_refused(
    questions_copy: Path,
) -> None:
    """A new item must replace one or join a slot: a visit stays at most 20 items."""
    path = questions_copy / "items" / "5-problem-solving.toml"
    replace_in(path, 'rotation = "everyday-tools"\n', "", count=2)
    problems = problems_of(questions_copy)
    assert any("one visit would ask 21 items, at most 20" in p for p in problems), problems


def test_the_cue_review_table_lists_every_knowledge_check_with_no_everywhere(bank: Bank) -> None:
    """docs/content.md's own review: the key is never the only cautious option, in any
    language; a knowledge check added without a row fails here."""
    doc = (Path(__file__).parent.parent / "docs" / "content.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Knowledge checks: the cues a guess could use") :]
    section = section[: section.index("\n## ")]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("| `") and len(cells) >= 7:
            rows[cells[0].strip("`")] = cells[1:6]
    knowledge = {i.id: i for i in bank.items if i.kind == "knowledge"}
    assert set(rows) == set(knowledge)
    for item_id, (key, *answers) in rows.items():
        assert key == next(o.code for o in knowledge[item_id].options if o.correct), item_id
        assert answers == ["no", "no", "no", "no"], item_id
