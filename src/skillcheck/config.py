"""A terminal's site configuration (TOML) and the facilitator PIN.

The PIN is stored only as a salted scrypt hash (`pin_hash` in the config, written
by `skillcheck set-pin`); wrong tries lock the facilitator screen for a growing time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from skillcheck.datafile import Entry, Problem, read_data_file, value_or_raise
from skillcheck.digcomp import REGIONS
from skillcheck.initiatives import Initiative, parse_initiative

THEMES = ("default", "high-contrast")
# An espeak-ng voice name as `voice.<lang>` gives it: "nl", "fr-be", "gmw/de", "en-gb+f3".
_VOICE_NAME = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)?(\+[A-Za-z0-9_-]+)?$")
MIN_WARNING_SECONDS = 20

# scrypt cost: n=2**14, r=8, p=1 takes ~50 ms and 16 MiB, fine for one PIN check.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


@dataclass(frozen=True)
class SiteConfig:
    """Everything one terminal needs to know about where it stands."""

    site: str = "skillcheck"
    terminal: str = "terminal-1"
    region: str = "brussels"
    languages: tuple[str, ...] = ("nl", "fr", "en")
    default_language: str = "nl"
    idle_seconds: int = 90
    warning_seconds: int = 20
    kiosk: bool = False
    theme: str = "default"
    database: Path | None = None
    pin_hash: str | None = None
    initiatives: tuple[Initiative, ...] = ()
    help_desk: Initiative | None = None
    # Read aloud (R and the top bar's button); hidden anyway without espeak-ng.
    read_aloud: bool = True
    # espeak-ng voice per language (`voice.nl = "nl"`); others use speech.DEFAULT_VOICES.
    voices: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    path: Path | None = field(default=None, compare=False)


def default_config() -> SiteConfig:
    """The embedded default used by `make run` when no config file is given."""
    return SiteConfig()


def load_config(path: Path) -> SiteConfig:
    """Load and validate a site config; raise ContentError listing every problem."""
    return value_or_raise(*check_config(path))


_SIMPLE_KEYS: dict[str, type] = {
    "site": str,
    "terminal": str,
    "region": str,
    "default_language": str,
    "idle_seconds": int,
    "warning_seconds": int,
    "kiosk": bool,
    "theme": str,
    "database": str,
    "pin_hash": str,
    "read_aloud": bool,
}


def check_config(path: Path) -> tuple[SiteConfig | None, list[Problem]]:
    """Load a site config and return it (None when unusable) with all problems."""
    data_file, problems = read_data_file(path)
    if data_file is None:
        return None, problems
    data = data_file.data
    values: dict[str, object] = {}

    def problem(key: str, message: str) -> None:
        problems.append(Problem(path, data_file.top_line(key), message))

    for key, kind in _SIMPLE_KEYS.items():
        if key not in data:
            continue
        value = data[key]
        # bool is an int in Python: keep "idle_seconds = true" an error.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            problem(key, f"'{key}' must be {kind.__name__}")
            continue
        values[key] = value
    if "region" in values and values["region"] not in REGIONS:
        problem("region", f"unknown region {values['region']!r} (use {', '.join(REGIONS)})")
    if "theme" in values and values["theme"] not in THEMES:
        problem("theme", f"unknown theme {values['theme']!r} (use {', '.join(THEMES)})")
    if "idle_seconds" in values and not 15 <= values["idle_seconds"] <= 3600:
        problem("idle_seconds", "'idle_seconds' must be between 15 and 3600")
    if "warning_seconds" in values and not (
        MIN_WARNING_SECONDS <= values["warning_seconds"] <= 300
    ):
        problem(
            "warning_seconds", f"'warning_seconds' must be between {MIN_WARNING_SECONDS} and 300"
        )
    if "pin_hash" in values and not _parse_hash(values["pin_hash"]):
        problem("pin_hash", "'pin_hash' is not a hash written by `skillcheck set-pin`")
    if "languages" in data:
        languages = data["languages"]
        if (
            not isinstance(languages, list)
            or not languages
            or not all(isinstance(x, str) and x.isalpha() and 2 <= len(x) <= 3 for x in languages)
        ):
            problem("languages", '\'languages\' must be a list of codes such as ["nl", "fr"]')
        else:
            values["languages"] = tuple(languages)
    languages = values.get("languages", SiteConfig.languages)
    default_language = values.get("default_language", languages[0])
    if default_language not in languages:
        problem("default_language", f"'default_language' {default_language!r} is not in languages")
    values["default_language"] = default_language
    if "database" in values:
        values["database"] = Path(str(values["database"])).expanduser()

    offered = values.get("languages", SiteConfig.languages)
    initiatives = []
    for entry in data_file.entries("initiatives"):
        initiative = parse_initiative(entry, path, problems, allow_local_texts=True)
        if initiative:
            initiatives.append(initiative)
            problems += _missing_languages(initiative, entry, path, offered)
    values["initiatives"] = tuple(initiatives)
    if "help_desk" in data:
        table = data_file.table("help_desk")
        if table is not None:
            entry = replace(table, data={"id": "site-help-desk", **table.data})
            help_desk = parse_initiative(entry, path, problems, allow_local_texts=True)
            values["help_desk"] = help_desk
            if help_desk:
                problems += _missing_languages(help_desk, entry, path, offered)
        else:
            problems.append(
                Problem(path, data_file.top_line("help_desk"), "'help_desk' must be a table")
            )
    if "voice" in data:
        voices = data["voice"]
        if not isinstance(voices, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and _VOICE_NAME.match(v)
            for k, v in voices.items()
        ):
            line = next(
                (
                    n
                    for n, text in enumerate(data_file.lines, 1)
                    if re.match(r"\s*\[?voice\b", text)
                ),
                1,
            )
            problems.append(
                Problem(
                    path,
                    line,
                    "'voice.<lang>' must be an espeak-ng voice name: voice.fr = \"fr-be\"",
                )
            )
        else:
            values["voices"] = MappingProxyType(dict(voices))
    known = set(_SIMPLE_KEYS) | {"languages", "initiatives", "help_desk", "voice"}
    for key in sorted(set(data) - known):
        problem(key, f"unknown key '{key}'")
    if any(p.severity == "error" for p in problems):
        return None, problems
    return SiteConfig(path=path, **values), problems  # type: ignore[arg-type]


def _missing_languages(
    initiative: Initiative, entry: Entry, path: Path, offered: tuple[str, ...]
) -> list[Problem]:
    """Warn when a site text given per language lacks an offered language."""
    problems = []
    for name, texts in initiative.local_texts.items():
        missing = [code for code in offered if code not in texts]
        if missing:
            problems.append(
                Problem(
                    path,
                    entry.line_of(name),
                    f"'{name}' of '{initiative.name}' has no text in {', '.join(missing)}: "
                    "people who chose that language see the English (or first) text",
                    "warning",
                )
            )
    return problems


# --- the facilitator PIN --------------------------------------------------------


def hash_pin(pin: str) -> str:
    """A salted scrypt hash of the PIN, as stored in the config."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def _parse_hash(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt, digest = bytes.fromhex(parts[4]), bytes.fromhex(parts[5])
    except ValueError:
        return None
    # Costs a hand-edited hash could make impossible (scrypt refuses an n that is not
    # a power of 2) or ruinous (a huge n exhausts memory at every PIN try).
    if not (2**10 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 4):
        return None
    if not salt or not digest:
        return None
    return n, r, p, salt, digest


def verify_pin(pin: str, stored: str | None) -> bool:
    """Whether `pin` matches the stored hash (constant-time compare)."""
    parsed = _parse_hash(stored) if stored else None
    if parsed is None:
        return False
    n, r, p, salt, expected = parsed
    try:
        digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=len(expected))
    except (ValueError, MemoryError):
        return False  # a hash this machine cannot compute never matches
    return hmac.compare_digest(digest, expected)


def valid_pin(pin: str) -> bool:
    """A PIN is 4 to 12 digits: typed on any keyboard, hard to guess with lock-out."""
    return pin.isdigit() and 4 <= len(pin) <= 12


@dataclass(frozen=True)
class PinLock:
    """Wrong-PIN lock-out: 30 s after the first wrong try, then 60 s, 120 s …"""

    failures: int = 0
    locked_until: float = 0.0

    def seconds_left(self, now: float) -> int:
        """Seconds until a PIN may be tried again (0 when it may)."""
        return max(0, int(self.locked_until - now + 0.999))

    def after_failure(self, now: float) -> PinLock:
        """The lock after one more wrong PIN at time `now` (monotonic seconds)."""
        failures = self.failures + 1
        delay = 30 * 2 ** (failures - 1)
        return replace(self, failures=failures, locked_until=now + delay)

    def after_success(self) -> PinLock:
        """A right PIN resets the lock-out."""
        return PinLock()


def write_pin_hash(path: Path, pin_hash: str) -> None:
    """Store `pin_hash` in the config file, replacing an existing one.

    The file is edited as text so the facilitator's comments and layout stay;
    the key goes before the first table (a TOML top-level key must).
    """
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    line = f'pin_hash = "{pin_hash}"'
    pattern = re.compile(r"^\s*pin_hash\s*=.*$", re.MULTILINE)
    if pattern.search(text):
        text = pattern.sub(line, text, count=1)
    else:
        lines = text.splitlines(keepends=True)
        table = next((n for n, t in enumerate(lines) if t.lstrip().startswith("[")), None)
        at = len(lines) if table is None else table
        # Comments right above the first table describe that table: go above them.
        while at > 0 and table is not None and lines[at - 1].lstrip().startswith("#"):
            at -= 1
        before = "".join(lines[:at])
        if before and not before.endswith("\n"):
            before += "\n"
        text = before + line + "\n" + ("\n" if table is not None else "") + "".join(lines[at:])
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
