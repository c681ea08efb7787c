"""Read aloud: what a screen says, in reading order, spoken by espeak-ng. No textual.

The kiosk reads the current screen when a person presses R (or the "Read aloud"
button): a question and then each answer with its spoken number ("one: I don't know
how to do this"), the result per area and the places to go, the welcome's
invitation in each offered language in that language's own voice.

The texts are built here from the core objects (bank, session, result, catalogue)
and the person's Translator, then passed through the language's pronunciation table
(`skillcheck.pronunciation`). `Speaker` plays them with espeak-ng in a subprocess:
the kiosk never waits for it, a new speech stops the one playing, and `stop()` ends
it when the screen changes or the kiosk starts over.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from skillcheck.digcomp import N_
from skillcheck.i18n import Translator
from skillcheck.pronunciation import Pronunciation

if TYPE_CHECKING:
    # The question bank and catalogue load after the welcome is painted (issue 8).
    from skillcheck.bank import Answer, Bank
    from skillcheck.initiatives import Initiative
    from skillcheck.session import Result, Session

log = logging.getLogger(__name__)

ESPEAK = "espeak-ng"
# espeak-ng's voice per language (a site config's `voice.<lang>` overrides one).
DEFAULT_VOICES: Mapping[str, str] = MappingProxyType(
    {"nl": "nl", "fr": "fr-be", "de": "de", "en": "en"}
)


@dataclass(frozen=True)
class Passage:
    """Lines in one language, as sent to the speech engine (pronunciation applied)."""

    language: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Speech:
    """What one screen says: passages in reading order, each in its own language."""

    passages: tuple[Passage, ...] = ()

    @property
    def text(self) -> str:
        """Every line, one a line: what is sent, for tests and the browser's voice."""
        return "\n".join(line for passage in self.passages for line in passage.lines)


def passage(parts: Iterable[str], pronunciation: Pronunciation) -> Passage:
    """Screen texts in one language as spoken: a pause after each, words replaced."""
    lines = []
    for part in parts:
        line = " ".join(pronunciation.spoken(part).split())
        if line:
            # A full stop makes espeak-ng pause between a heading and what follows.
            lines.append(line if line[-1] in ".!?…:;" else line + ".")
    return Passage(pronunciation.language, tuple(lines))


def page_speech(parts: Iterable[str], pronunciation: Pronunciation) -> Speech:
    """A screen of plain paragraphs (before you start, thank you) in one language."""
    return Speech((passage(parts, pronunciation),))


# --- what the screens show (shared by the screens and read aloud) -----------------


def answer_text(answer: Answer, t: Translator) -> str:
    """An answer in the person's language, as its button shows it."""
    return t.pgettext(answer.context, answer.text) if answer.context else t.gettext(answer.text)


def progress_text(session: Session, t: Translator) -> str:
    """ "Question 4 of at most 20"."""
    progress = session.progress
    return t.ngettext(
        "Question {number} of at most {total}",
        "Question {number} of at most {total}",
        progress.at_most,
    ).format(number=progress.number, total=progress.at_most)


def welcome_texts(t: Translator, number: int) -> tuple[str, str, str]:
    """The welcome's invitation in one language; `number` is the key that picks it."""
    return (
        t.gettext("How good are you with computers and phones?"),
        t.gettext(
            "Find out in 5 to 8 minutes, and where you can learn more. "
            "Free, and we do not ask your name."
        ),
        t.gettext("Press {key} or touch the button.").format(key=number),
    )


# --- what each screen says ---------------------------------------------------------


@dataclass(frozen=True)
class StepTexts:
    """What the question screen shows for the current step, in the person's language:
    the heading (the area), the progress line, the question and the answers (code,
    text) in the order shown. The filter question and every item use it."""

    heading: str
    progress: str
    question: str
    answers: tuple[tuple[str, str], ...]


def step_texts(bank: Bank, session: Session, t: Translator) -> StepTexts | None:
    """The texts of the current filter question or item (None on a tick-list or at the end)."""
    from skillcheck.session import FILTER, ITEM

    step = session.current
    if step is None or step.kind not in (FILTER, ITEM):
        return None
    if step.kind == FILTER:
        question = session.survey.filter
        return StepTexts(
            t.gettext("Before the questions"),
            progress_text(session, t),
            t.pgettext(question.id, question.text),
            tuple((code, t.pgettext(question.id, text)) for code, text in filter_answers(session)),
        )
    item = step.item
    assert item is not None
    area = bank.area(item.area)
    return StepTexts(
        t.pgettext(area.context, area.name),
        progress_text(session, t),
        t.pgettext(item.id, item.text),
        tuple((a.code, answer_text(a, t)) for a in session.answers_shown(item)),
    )


def filter_answers(session: Session) -> tuple[tuple[str, str], ...]:
    """The filter question's two answers (code, English text), "yes" first."""
    from skillcheck.activities import NO_INTERNET, USED_INTERNET

    question = session.survey.filter
    return ((USED_INTERNET, question.yes), (NO_INTERNET, question.no))


TICK_QUESTION = N_("In the last 3 months, which of these did you do? Touch all that you did.")
NONE_OF_THESE = N_("None of these")


def ticklist_texts(bank: Bank, session: Session, t: Translator) -> StepTexts | None:
    """The texts of the current tick-list: the area, progress, the question, then each
    activity (code: its id) and, last, "None of these" (code: "")."""
    from skillcheck.session import ACTIVITIES

    step = session.current
    if step is None or step.kind != ACTIVITIES:
        return None
    area = bank.area(step.area)
    lines = tuple((a.id, t.pgettext(a.id, a.text)) for a in session.activities(step.area))
    return StepTexts(
        t.pgettext(area.context, area.name),
        progress_text(session, t),
        t.gettext(TICK_QUESTION),
        lines + (("", t.gettext(NONE_OF_THESE)),),
    )


def question_speech(
    bank: Bank, session: Session, t: Translator, pronunciation: Pronunciation
) -> Speech:
    """Area, "Question 4 of at most 20", the question, then each numbered answer."""
    texts = step_texts(bank, session, t)
    if texts is None:
        return Speech()
    previous = session.previous_answer()
    parts = [texts.heading, texts.progress, texts.question]
    for number, (code, text) in enumerate(texts.answers, start=1):
        if code == previous:
            text = f"{text} ({t.gettext('your previous answer')})"
        parts.append(pronunciation.answer_text(number, text))
    return Speech((passage(parts, pronunciation),))


def ticklist_speech(
    bank: Bank,
    session: Session,
    ticked: frozenset[str] | None,
    t: Translator,
    pronunciation: Pronunciation,
) -> Speech:
    """Area, progress, the question, then each numbered line and whether it is ticked
    (`ticked`: the ids ticked on screen; None: nothing chosen yet)."""
    texts = ticklist_texts(bank, session, t)
    if texts is None:
        return Speech()
    parts = [texts.heading, texts.progress, texts.question]
    mark = t.gettext("ticked")
    for number, (code, text) in enumerate(texts.answers, start=1):
        chosen = ticked is not None and (code in ticked if code else not ticked)
        if chosen:
            text = f"{text} ({mark})"
        parts.append(pronunciation.answer_text(number, text))
    return Speech((passage(parts, pronunciation),))


def result_lines(bank: Bank, result: Result, t: Translator) -> list[tuple[str, str, list[str]]]:
    """Per area, what the result screen and its reading say: (area heading, level code,
    lines). Lines are labelled lists, each entry backed by one answer: what the person
    did (ticked), can already (a can-do answer), should learn next, good to know."""
    from skillcheck.scoring import LEVEL_WORDS  # only for a result

    areas = []
    if not result.assessed:
        return areas
    for area in bank.areas:
        level = result.levels[area.number]
        name = t.pgettext(area.context, area.name)
        head = t.gettext("{area}: {level}").format(area=name, level=t.gettext(LEVEL_WORDS[level]))
        statement = result.statements[area.number]
        lines: list[str] = []
        groups = (
            (
                t.gettext("In the last 3 months you did:"),
                [t.pgettext(a.id, a.text) for a in statement.did],
            ),
            (
                t.gettext("You can already:"),
                [t.pgettext(i.id, i.skill_text) for i in statement.can],
            ),
            (
                t.gettext("Learn next:"),
                [t.pgettext(i.id, i.skill_text) for i in statement.learn],
            ),
            (
                t.gettext("Good to know:"),
                [t.pgettext(i.id, str(i.explanation)) for i in statement.good_to_know],
            ),
        )
        if not statement.did:
            lines.append(t.gettext("None of these activities in the last 3 months."))
        for label, entries in groups:
            if entries:
                lines.append("\n".join([label, *(f"• {entry}" for entry in entries)]))
        areas.append((head, level, lines))
    return areas


def result_speech(
    bank: Bank,
    result: Result,
    places: Sequence[Initiative],
    t: Translator,
    pronunciation: Pronunciation,
) -> Speech:
    """The result in words, each area's level and advice, then each place to go."""
    from skillcheck.initiatives import initiative_text, place_lines
    from skillcheck.scoring import LEVEL_MEANING, category_words  # only for a result

    parts = [t.gettext("Your result"), t.gettext(category_words(result.levels))]
    if result.assessed:
        parts.append(t.gettext(LEVEL_MEANING))
    # The same lines as the screen: only what this person's answers back.
    for head, _level, lines in result_lines(bank, result, t):
        parts.append(head)
        for block in lines:
            parts += [line.removeprefix("• ") for line in block.split("\n")]
    parts.append(t.gettext("Where you can learn more"))
    for place in places:
        parts.append(initiative_text(place, "name", t))
        parts += place_lines(place, t)
        if place.url:
            parts.append(place.url)
    return Speech((passage(parts, pronunciation),))


def welcome_speech(
    translators: Mapping[str, Translator], pronunciations: Mapping[str, Pronunciation]
) -> Speech:
    """The invitation in every offered language, each read in its own voice."""
    passages = []
    for number, (code, t) in enumerate(translators.items(), start=1):
        pronunciation = pronunciations.get(code) or Pronunciation(code)
        passages.append(passage(welcome_texts(t, number), pronunciation))
    return Speech(tuple(passages))


# --- espeak-ng ---------------------------------------------------------------------


def voice_for(language: str, voices: Mapping[str, str]) -> str:
    """The espeak-ng voice of a language: the site's, else the default, else the code."""
    return voices.get(language) or DEFAULT_VOICES.get(language, language)


def ssml(speech: Speech, voices: Mapping[str, str]) -> str:
    """The speech as SSML: each passage in its language's voice."""
    # Imported here: xml.sax.saxutils pulls in urllib and email (≈ 15 ms of the
    # kiosk's start-up, issue 8), and only reading aloud needs it.
    from xml.sax.saxutils import escape, quoteattr

    body = []
    for part in speech.passages:
        text = escape("\n".join(part.lines))
        body.append(f"<voice name={quoteattr(voice_for(part.language, voices))}>{text}</voice>")
    return "<speak>" + "\n".join(body) + "</speak>"


def espeak_command(
    speech: Speech,
    voices: Mapping[str, str] = DEFAULT_VOICES,
    program: str = ESPEAK,
    wav: Path | None = None,
) -> list[str]:
    """The espeak-ng command line that says `speech` (or writes it to `wav`)."""
    first = speech.passages[0].language if speech.passages else "en"
    command = [program, "-m", "-v", voice_for(first, voices)]
    if wav is not None:
        command += ["-w", str(wav)]
    # SSML starts with "<", so espeak-ng never takes the text for an option.
    return [*command, ssml(speech, voices)]


def espeak_installed(program: str = ESPEAK) -> bool:
    """Whether the speech program can be found (read aloud is hidden when not)."""
    return shutil.which(program) is not None


def installed_voices(program: str = ESPEAK) -> set[str] | None:
    """The voice names espeak-ng accepts with -v (lower case); None when it cannot say."""
    try:
        listing = subprocess.run(
            [program, "--voices"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    names: set[str] = set()
    for row in listing.splitlines()[1:]:
        fields = row.split()
        if len(fields) >= 5:
            # Pty Language Age/Gender VoiceName File (Other languages)
            names.update({fields[1].lower(), fields[3].lower(), fields[4].lower()})
            names.add(fields[4].rsplit("/", 1)[-1].lower())
            names.update(f.strip("()").lower() for f in fields[5::2])
    return names


class Speaker:
    """Plays one speech at a time with espeak-ng; never blocks the kiosk.

    `program` is the command to run (a test puts a fake one on PATH or passes
    its path). A new speech stops the one playing; `stop()` ends it now.
    """

    # espeak-ng plays on the machine running the kiosk: in a browser (`serve`) that
    # is the server, not the visitor; the app uses a PageSpeaker there.
    plays_in_browser = False

    def __init__(self, voices: Mapping[str, str] | None = None, program: str = ESPEAK) -> None:
        self.voices = {**DEFAULT_VOICES, **(voices or {})}
        self.program = program
        self.available = espeak_installed(program)
        self._process: subprocess.Popen[bytes] | None = None

    def speaks(self, language: str) -> bool:
        """Whether R reads this language: espeak-ng has a voice for each shipped one."""
        return self.available

    @property
    def speaking(self) -> bool:
        """Whether a speech is playing now."""
        return self._process is not None and self._process.poll() is None

    def say(self, speech: Speech) -> None:
        """Stop what is playing and start reading `speech` in the background."""
        self.stop()
        if not self.available or not speech.passages:
            return
        try:
            self._process = subprocess.Popen(
                espeak_command(speech, self.voices, self.program),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # a Ctrl+C for the kiosk never reaches it
            )
        except OSError as error:
            log.warning("read aloud: %s could not start (%s)", self.program, error)

    def toggle(self, speech: Speech) -> bool:
        """R: stop when speaking, else read `speech`; whether it is speaking now."""
        if self.speaking:
            self.stop()
            return False
        self.say(speech)
        return self.speaking

    def stop(self) -> None:
        """Stop speaking now (leaving a screen, a key, an idle reset)."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.kill()  # SIGKILL: the sound stops at once, and wait() returns at once
        process.wait()


# --- the visitor's browser (`skillcheck serve`) ----------------------------------------

# The browser kiosk page's hook (web/kiosk.js, `skillcheck.receive`): an app running in
# a browser sends the page a JSON text with `app.open_url(PAGE_SCHEME + text)`;
# serve.py passes it to the page and never opens it as an address.
PAGE_SCHEME = "skillcheck-page:"


def page_message(speech: Speech, languages: Iterable[str], *, toggle: bool = False) -> str:
    """What the page speaks: {"say": [{"lang": "nl", "text": "…"}, …], "toggle": …}.

    Plain text, one utterance per passage in its language (the Web Speech API has no
    SSML); passages in a language the browser has no voice for are left out.
    """
    spoken = set(languages)
    return json.dumps(
        {
            "say": [
                {"lang": part.language, "text": "\n".join(part.lines)}
                for part in speech.passages
                if part.language in spoken and part.lines
            ],
            "toggle": toggle,
        },
        ensure_ascii=False,
    )


STOP_MESSAGE = json.dumps({"stop": True})
# A new visitor: the page puts its text size (A+ / A−) back to the site's.
NEW_VISIT_MESSAGE = json.dumps({"newVisit": True})


class PageSpeaker:
    """Read aloud in the visitor's own browser (Web Speech API), for `skillcheck serve`.

    `languages` are those the browser has a voice for (the page says so when it
    connects); R is offered only in those. `send` passes a JSON text to the page
    (the app's `open_url(PAGE_SCHEME + text)`). The page knows whether it is still
    speaking, so R toggles there; any other key or a new screen sends a stop.
    """

    plays_in_browser = True

    def __init__(self, languages: Iterable[str], send: Callable[[str], None]) -> None:
        self.languages = frozenset(languages)
        self.send = send
        self._sent = False

    def hear(self, languages: Iterable[str]) -> None:
        """The browser's voices, listed after the kiosk started (the page never waits)."""
        self.languages = frozenset(languages)

    @property
    def available(self) -> bool:
        """Whether the browser has a voice for any of the site's languages."""
        return bool(self.languages)

    def speaks(self, language: str) -> bool:
        """Whether the browser has a voice for `language`."""
        return language in self.languages

    @property
    def speaking(self) -> bool:
        """Whether a speech was sent and not stopped (the page may have finished it)."""
        return self._sent

    def say(self, speech: Speech) -> None:
        """The page stops what it says and reads `speech`."""
        self._send(page_message(speech, self.languages))

    def toggle(self, speech: Speech) -> bool:
        """R: the page stops if it is speaking, else reads `speech`."""
        self._send(page_message(speech, self.languages, toggle=True))
        return True

    def _send(self, message: str) -> None:
        self._sent = True
        self.send(message)

    def stop(self) -> None:
        """Stop the page's speech (sent only when something was sent since the last)."""
        if self._sent:
            self._sent = False
            self.send(STOP_MESSAGE)
