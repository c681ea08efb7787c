"""Read aloud: the text sent to espeak-ng, the pronunciation tables, the speaker, WAVs."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from session_driver import result_of, session_at
from skillcheck.bank import Bank
from skillcheck.config import check_config
from skillcheck.digcomp import LEVELS
from skillcheck.i18n import Translator, load_translators
from skillcheck.initiatives import load_catalogue, recommend
from skillcheck.paths import LOCALES_DIR, QUESTIONS_DIR
from skillcheck.pronunciation import (
    REQUIRED_WORDS,
    Pronunciation,
    check_pronunciation,
    check_pronunciations,
    load_pronunciation,
    load_pronunciations,
)
from skillcheck.scoring import LEVEL_WORDS
from skillcheck.session import Result
from skillcheck.speech import (
    STOP_MESSAGE,
    PageSpeaker,
    Passage,
    Speaker,
    Speech,
    espeak_command,
    page_message,
    page_speech,
    question_speech,
    result_speech,
    ssml,
    welcome_speech,
)
from skillcheck.validation import check_all

LANGUAGES = ["nl", "fr", "de", "en"]
TRANSLATORS = load_translators(LOCALES_DIR)
PRONUNCIATIONS = load_pronunciations(LOCALES_DIR, LANGUAGES)
# What no spoken text may still contain: raw addresses are read letter by letter.
RAW = re.compile(r"\w@[a-z]+\.|https?://|www\.|\b[a-z0-9-]+\.(be|info|org|gent|com)\b")


def finished(bank: Bank, rng: random.Random, mastery: float) -> Result:
    """The result of a visit that ticks and masters with probability `mastery`."""
    return result_of(bank, rng, mastery)


def said(text: str) -> str:
    """A line as spoken: no-break spaces said as spaces."""
    return " ".join(text.split())


# --- the text sent ---------------------------------------------------------------


def test_question_is_read_in_reading_order_with_spoken_numbers(bank: Bank) -> None:
    session = session_at(bank, bank.items_in(1, "basic")[0].id)
    item = session.current.item
    speech = question_speech(bank, session, TRANSLATORS["en"], PRONUNCIATIONS["en"])
    area = bank.area(item.area).name
    progress = session.progress
    assert speech.text.splitlines() == [
        f"{area}.",
        f"Question {progress.number} of at most {progress.at_most}.",
        item.text,
        "one: I don't know how to do this.",
        "two: I can do this with help.",
        "three: I can do this on my own.",
        "four: I can do this and could help someone else.",
    ]
    assert [p.language for p in speech.passages] == ["en"]


def test_the_bpost_question_is_said_naturally_in_each_language(bank: Bank) -> None:
    session = session_at(bank, "safety-fake-bpost-sms")
    expected = {
        "nl": ("bee post", "één: ", "één euro negenennegentig"),
        "fr": ("bé poste", "un : ", "un euro nonante-neuf"),
        "de": ("Be Post", "eins: ", "ein Euro neunundneunzig"),
        "en": ("bee post", "one: ", "one euro ninety-nine"),
    }
    for language, phrases in expected.items():
        text = question_speech(bank, session, TRANSLATORS[language], PRONUNCIATIONS[language]).text
        for phrase in phrases:
            assert phrase in text, (language, phrase, text)
        assert "bpost" not in text.lower() and "1,99" not in text and "1.99" not in text
        assert not RAW.search(text), (language, text)
        # The fake address is part of the question: said part by part, not as a name.
        assert "delivery" in text


def test_every_question_in_every_language_has_its_answers_numbered(bank: Bank) -> None:
    for language in LANGUAGES:
        t, pronunciation = TRANSLATORS[language], PRONUNCIATIONS[language]
        for item in bank.items:
            session = session_at(bank, item.id)
            lines = question_speech(bank, session, t, pronunciation).text.splitlines()
            answers = lines[3:]
            assert len(answers) == len(item.answers), (language, item.id)
            for number, line in enumerate(answers, start=1):
                spoken = pronunciation.number(number)
                assert line.startswith(spoken) and spoken != str(number), (language, line)
            assert not RAW.search("\n".join(lines)), (language, item.id)
            for word in ("itsme", "myminfin", "bpost"):
                assert not re.search(rf"\b{word}\b", "\n".join(lines).lower()), (language, word)


def test_the_answer_given_before_is_said_after_back(bank: Bank) -> None:
    session = session_at(bank, bank.items_in(1, "basic")[0].id)
    session = session.answer(session.current.item.answers[1].code).back()
    text = question_speech(bank, session, TRANSLATORS["de"], PRONUNCIATIONS["de"]).text
    assert "zwei: Ich kann das mit Hilfe (Ihre bisherige Antwort)." in text.splitlines()


def test_result_reads_each_area_then_each_place_without_raw_addresses(bank: Bank) -> None:
    catalogue, help_desk = load_catalogue(QUESTIONS_DIR / "initiatives.toml")
    rng = random.Random(13)
    results = [finished(bank, rng, rng.random()) for _ in range(40)]
    results += [finished(bank, rng, 0.0), finished(bank, rng, 1.0)]
    assert {r.levels[1] for r in results} == set(LEVELS)
    for result in results:
        levels = result.levels
        for language in LANGUAGES:
            t = TRANSLATORS[language]
            for region in ("brussels", "flanders", "wallonia"):
                places = recommend(catalogue, levels, region, language, help_desk)
                speech = result_speech(bank, result, places, t, PRONUNCIATIONS[language])
                lines = speech.text.splitlines()
                assert lines[0] == t.gettext("Your result") + "."
                # every area, in DigComp order, before "Where you can learn more"
                heads = [
                    lines.index(" ".join(head.split()) + ".")
                    for a in bank.areas
                    for head in [
                        t.gettext("{area}: {level}").format(
                            area=t.pgettext(a.context, a.name),
                            level=t.gettext(LEVEL_WORDS[levels[a.number]]),
                        )
                    ]
                ]
                where = lines.index(t.gettext("Where you can learn more") + ".")
                assert len(heads) == 5 and heads == sorted(heads) and heads[-1] < where
                # under each area's head: what the answers back, nothing else
                for a, start, end in zip(bank.areas, heads, heads[1:] + [where], strict=True):
                    statement = result.statements[a.number]
                    expected = []
                    if not statement.did:
                        expected.append(
                            said(t.gettext("None of these activities in the last 3 months."))
                        )
                    for label, texts in (
                        ("In the last 3 months you did:", [(x.id, x.text) for x in statement.did]),
                        ("You can already:", [(i.id, i.skill_text) for i in statement.can]),
                        ("Learn next:", [(i.id, i.skill_text) for i in statement.learn]),
                        ("Good to know:", [(i.id, i.explanation) for i in statement.good_to_know]),
                    ):
                        if texts:
                            expected.append(said(t.gettext(label)))
                            expected += [said(t.pgettext(c, text)) for c, text in texts]
                    spoken = [said(line) for line in lines[start + 1 : end]]
                    assert len(spoken) == len(expected), (language, a.number, spoken)
                    table = PRONUNCIATIONS[language]
                    for line, phrase in zip(spoken, expected, strict=True):
                        # the table respells names ("bpost"); a pause ends each line
                        phrase = said(table.spoken(phrase))
                        assert line in (phrase, phrase + "."), (language, line, phrase)
                assert not RAW.search(speech.text), (language, speech.text)


def test_result_says_a_website_by_its_name(bank: Bank) -> None:
    catalogue, help_desk = load_catalogue(QUESTIONS_DIR / "initiatives.toml")
    safeonweb = next(i for i in catalogue if i.id == "safeonweb")
    result = finished(bank, random.Random(3), 0.7)
    text = result_speech(bank, result, [safeonweb], TRANSLATORS["en"], PRONUNCIATIONS["en"]).text
    assert "website of Safe on web." in text.splitlines()
    # Safeonweb's address in each language's own words (native review, 2026-12), said aloud
    said = {
        "nl": "verdacht apenstaartje Seef on web punt be",
        "fr": "suspect arobase Safe onne web point be",
        "de": "suspekt ät Safe on web Punkt be",
        "en": "suspicious at Safe on web dot be",
    }
    for language, address in said.items():
        spoken = result_speech(
            bank, result, [safeonweb], TRANSLATORS[language], PRONUNCIATIONS[language]
        ).text
        assert address in spoken, (language, spoken)
    text = result_speech(bank, result, [safeonweb], TRANSLATORS["de"], PRONUNCIATIONS["de"]).text
    assert "Website von Safe on web." in text.splitlines()
    assert "Sprachen: Nederlands, Français, Deutsch, English." in text.splitlines()


def test_welcome_reads_each_language_in_its_own_voice() -> None:
    translators = {code: TRANSLATORS[code] for code in LANGUAGES}
    speech = welcome_speech(translators, PRONUNCIATIONS)
    assert [p.language for p in speech.passages] == LANGUAGES
    for number, (code, part) in enumerate(zip(LANGUAGES, speech.passages, strict=True), 1):
        t = TRANSLATORS[code]

        def said(message: str, t: Translator = t) -> str:
            return " ".join(t.gettext(message).split())  # no-break spaces said as spaces

        assert part.lines[0] == said("How good are you with computers and phones?")
        assert part.lines[2] == said("Press {key} or touch the button.").format(key=number)
    markup = ssml(speech, {"de": "gmw/de"})
    voices = re.findall(r'<voice name="([^"]+)">', markup)
    assert voices == ["nl", "fr-be", "gmw/de", "en"]


def test_ssml_escapes_text_and_the_command_never_takes_text_for_an_option() -> None:
    speech = page_speech(['-v xx <b> & "quotes"'], Pronunciation("en"))
    command = espeak_command(speech, program="espeak-ng")
    assert command[:4] == ["espeak-ng", "-m", "-v", "en"]
    assert command[-1].startswith("<speak>")
    assert "&lt;b&gt; &amp;" in command[-1] and "<b>" not in command[-1]


# --- the pronunciation tables --------------------------------------------------


def test_shipped_tables_are_complete() -> None:
    assert check_pronunciations(LOCALES_DIR, LANGUAGES) == []
    for language in LANGUAGES:
        table = PRONUNCIATIONS[language]
        assert len(set(table.numbers)) == 9
        assert {w.lower() for w in REQUIRED_WORDS} <= {w.lower() for w in table.words}


def write_table(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


GOOD = (LOCALES_DIR / "en" / "pronunciation.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.replace('"bpost" = "bee post"\n', ""), "no entry for 'bpost'"),
        (
            lambda s: s.replace('"{number}: {text}"', '"{number}: {txt}"'),
            "exactly {number}, {text}",
        ),
        (lambda s: s.replace('"website of {name}"', '"website of"'), "exactly {name}"),
        (lambda s: s.replace('"eight", "nine"', '"eight"'), "list of 9 words"),
        (lambda s: s.replace('at = "at"', 'at = ""'), "'at' must be a text"),
        (lambda s: "voices = 1\n" + s, "unknown key 'voices'"),
        (lambda s: s.replace('"gsm" = "G S M"', '"gsm" = 3'), "[words] must be a table"),
        (lambda s: s.replace("[sites]", "[sites"), "TOML syntax error"),
    ],
)
def test_a_broken_table_is_reported_with_its_line(tmp_path, change, message) -> None:
    path = write_table(tmp_path / "en" / "pronunciation.toml", change(GOOD))
    table, problems = check_pronunciation(path, "en")
    assert table is None
    errors = [p for p in problems if p.severity == "error"]
    assert any(message in p.message and p.line >= 1 for p in errors), problems
    # the kiosk reads the language as written instead of failing
    assert load_pronunciation(tmp_path, "en") == Pronunciation("en")


def test_a_missing_table_is_a_warning_and_reads_as_written(tmp_path) -> None:
    problems = check_pronunciations(tmp_path, ["it"])
    assert [p.severity for p in problems] == ["warning"]
    table = load_pronunciation(tmp_path, "it")
    assert table.answer_text(2, "Lo so fare") == "2: Lo so fare"


def test_check_reports_a_broken_shipped_table(questions_copy, locales_copy) -> None:
    path = locales_copy / "de" / "pronunciation.toml"
    path.write_text(path.read_text().replace('"itsme" = "its mi"\n', ""), encoding="utf-8")
    report = check_all(questions_copy, locales_copy)
    assert not report.ok
    assert any("'itsme'" in str(p) and str(path) in str(p) for p in report.problems)


def test_words_are_whole_words_longest_first() -> None:
    table = Pronunciation(
        "en", words={"mail": "MAIL", "e-mail": "EMAIL", "e-mail address": "ADDRESS"}
    )
    assert table.spoken("an e-mail address, an e-mail, mail, emails") == (
        "an ADDRESS, an EMAIL, MAIL, emails"
    )
    # names that look like addresses are not addresses
    assert table.spoken("Digitaal.Talent@Gent and Interface3.Namur") == (
        "Digitaal.Talent@Gent and Interface3.Namur"
    )


# --- the site config -------------------------------------------------------------


def test_config_read_aloud_and_voices(tmp_path) -> None:
    path = tmp_path / "site.toml"
    path.write_text('read_aloud = false\nvoice.fr = "fr-be"\nvoice.de = "gmw/de"\n')
    config, problems = check_config(path)
    assert problems == [] and config is not None
    assert config.read_aloud is False and dict(config.voices) == {"fr": "fr-be", "de": "gmw/de"}
    path.write_text('read_aloud = "yes"\nvoice.fr = "fr be; rm"\n')
    config, problems = check_config(path)
    assert config is None
    assert {p.line for p in problems} == {1, 2}


def test_check_config_warns_without_espeak(tmp_path, monkeypatch) -> None:
    path = tmp_path / "site.toml"
    path.write_text('site = "x"\nread_aloud = true\n')
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    report = check_all(QUESTIONS_DIR, LOCALES_DIR, path)
    # The config itself is fine: its only problem is the warning (the shipped
    # catalogues are judged by their own tests).
    assert [p for p in report.problems if p.path == path] == [
        p for p in report.problems if "espeak-ng" in p.message
    ]
    [warning] = [p for p in report.problems if "espeak-ng" in p.message]
    assert warning.severity == "warning" and warning.line == 2 and "hidden" in warning.message


# --- the speaker (a fake espeak-ng: records each start, then waits) -----------------

FAKE = """#!/bin/sh
echo "$$" >> "{log}"
exec sleep 600
"""


@pytest.fixture
def fake_espeak(tmp_path) -> tuple[Path, Path]:
    log = tmp_path / "started"
    program = tmp_path / "espeak-ng"
    program.write_text(FAKE.format(log=log))
    program.chmod(0o755)
    return program, log


def test_speaker_plays_one_speech_at_a_time(fake_espeak) -> None:
    program, log = fake_espeak
    speaker = Speaker(program=str(program))
    assert speaker.available
    one = page_speech(["one"], Pronunciation("en"))
    speaker.say(one)
    first = speaker._process
    assert speaker.speaking
    speaker.say(page_speech(["two"], Pronunciation("en")))
    assert first.poll() is not None  # the first one was stopped
    assert speaker.speaking
    assert speaker.toggle(one) is False and not speaker.speaking  # R again stops
    speaker.stop()  # stopping twice is harmless
    assert speaker.toggle(one) is True
    speaker.stop()
    assert not speaker.speaking


def test_speaker_without_espeak_does_nothing(tmp_path) -> None:
    speaker = Speaker(program=str(tmp_path / "missing"))
    assert not speaker.available
    speaker.say(page_speech(["one"], Pronunciation("en")))
    assert not speaker.speaking


# --- real speech: espeak-ng writes a WAV, sox measures it ------------------------


def wav_stats(path: Path) -> dict[str, float]:
    sox = shutil.which("sox")
    if sox is None:
        pytest.fail("sox is not installed: .ci/run installs it (apt install sox)")
    result = subprocess.run([sox, str(path), "-n", "stat"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    stats = {}
    for line in result.stderr.splitlines():
        name, _, value = line.partition(":")
        try:
            stats[name.strip()] = float(value)
        except ValueError:
            continue
    return stats


def render(speech: Speech, path: Path) -> dict[str, float]:
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is not installed: .ci/run installs it (apt install espeak-ng)")
    subprocess.run(espeak_command(speech, wav=path), check=True, capture_output=True)
    return wav_stats(path)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_question_screen_is_spoken_for_real(bank: Bank, tmp_path, language) -> None:
    session = session_at(bank, "safety-fake-bpost-sms")
    speech = question_speech(bank, session, TRANSLATORS[language], PRONUNCIATIONS[language])
    stats = render(speech, tmp_path / f"question-{language}.wav")
    seconds = stats["Length (seconds)"]
    words = len(speech.text.split())
    # espeak-ng's default 175 words a minute, with pauses: 1.5 to 5 words a second
    assert words / 5 < seconds < words / 1.5, (words, seconds)
    assert stats["RMS     amplitude"] > 0.02 and stats["Maximum amplitude"] > 0.2


def test_the_welcome_is_spoken_in_four_voices(tmp_path) -> None:
    translators = {code: TRANSLATORS[code] for code in LANGUAGES}
    speech = welcome_speech(translators, PRONUNCIATIONS)
    whole = render(speech, tmp_path / "welcome.wav")["Length (seconds)"]
    parts = [
        render(Speech((part,)), tmp_path / f"welcome-{part.language}.wav")["Length (seconds)"]
        for part in speech.passages
    ]
    assert all(seconds > 2 for seconds in parts)
    # every passage is spoken: the whole lasts about as long as its parts together
    assert 0.8 * sum(parts) < whole < 1.2 * sum(parts) + 2


def test_a_different_voice_is_used_per_language(tmp_path) -> None:
    """The same German words said with the German voice and the English one differ."""
    passage = welcome_speech({"de": TRANSLATORS["de"]}, PRONUNCIATIONS).passages[0]
    de = tmp_path / "de.wav"
    en = tmp_path / "en.wav"
    subprocess.run(espeak_command(Speech((passage,)), wav=de), check=True)
    subprocess.run(espeak_command(Speech((passage,)), {"de": "en"}, wav=en), check=True)
    assert de.read_bytes() != en.read_bytes()


def test_check_config_warns_about_a_voice_espeak_does_not_have(tmp_path) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is not installed: .ci/run installs it (apt install espeak-ng)")
    path = tmp_path / "site.toml"
    path.write_text('languages = ["nl", "fr", "de", "en"]\nvoice.de = "xx-nope"\n')
    report = check_all(QUESTIONS_DIR, LOCALES_DIR, path)
    warnings = [p.message for p in report.problems if "voice" in p.message]
    assert warnings == [
        "read_aloud: espeak-ng has no voice 'xx-nope' for de "
        "(see `espeak-ng --voices`; set voice.de)"
    ]
    # the shipped defaults are all there: nl, fr-be, de, en
    path.write_text('languages = ["nl", "fr", "de", "en"]\n')
    assert not [
        p for p in check_all(QUESTIONS_DIR, LOCALES_DIR, path).problems if "voice" in p.message
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_result_screen_is_spoken_for_real(bank: Bank, tmp_path, language) -> None:
    catalogue, help_desk = load_catalogue(QUESTIONS_DIR / "initiatives.toml")
    # The first seeded visit whose result has every kind of line.
    result = next(
        r
        for r in (finished(bank, random.Random(seed), 0.4) for seed in range(200))
        if all(
            any(getattr(s, kind) for s in r.statements.values()) for kind in ("did", "can", "learn")
        )
    )
    places = recommend(catalogue, result.levels, "brussels", language, help_desk)
    t = TRANSLATORS[language]
    speech = result_speech(bank, result, places, t, PRONUNCIATIONS[language])
    stats = render(speech, tmp_path / f"result-{language}.wav")
    words = len(speech.text.split())
    assert words / 5 < stats["Length (seconds)"] < words / 1.5, words
    assert stats["RMS     amplitude"] > 0.02


# --- read aloud in the visitor's browser (`skillcheck serve`) -------------------------


def test_the_page_gets_plain_text_per_passage_in_the_browsers_languages() -> None:
    speech = Speech(
        (
            Passage("nl", ("Hoe goed kunt u met computers overweg?", "Druk op 1.")),
            Passage("de", ("Wie gut kennen Sie sich aus?",)),
            Passage("fr", ("<b>Tapez</b> & appuyez.",)),
        )
    )
    message = json.loads(page_message(speech, ["nl", "fr", "en"]))
    # German has no voice in this browser: left out; the rest in order, as plain text
    # (no SSML, nothing escaped: the Web Speech API speaks the text as it is).
    assert message == {
        "say": [
            {"lang": "nl", "text": "Hoe goed kunt u met computers overweg?\nDruk op 1."},
            {"lang": "fr", "text": "<b>Tapez</b> & appuyez."},
        ],
        "toggle": False,
    }
    assert json.loads(page_message(speech, ["de"], toggle=True))["toggle"] is True


def test_the_page_speaker_sends_say_toggle_and_one_stop() -> None:
    sent: list[str] = []
    speaker = PageSpeaker(["nl", "fr"], sent.append)
    assert speaker.available and speaker.speaks("nl") and not speaker.speaks("de")
    assert not PageSpeaker([], sent.append).available
    speaker.stop()
    assert sent == []  # nothing said yet: nothing to stop
    speech = page_speech(["Vraag 1 van 25"], Pronunciation("nl"))
    assert speaker.toggle(speech) is True
    assert json.loads(sent[-1]) == {
        "say": [{"lang": "nl", "text": "Vraag 1 van 25."}],
        "toggle": True,
    }
    speaker.stop()
    speaker.stop()  # one stop per speech, not one per key
    assert sent[1:] == [STOP_MESSAGE]
    speaker.say(speech)
    assert json.loads(sent[-1])["toggle"] is False and speaker.speaking
