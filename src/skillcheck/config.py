"""A terminal's site configuration (TOML).

The facilitator PIN's hash is not part of it: it lives in the pin file beside the
config (see `skillcheck.pin`); `load_config` reads it into `SiteConfig.pin_hash`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from skillcheck.datafile import Entry, Problem, read_data_file, value_or_raise
from skillcheck.digcomp import REGIONS

if TYPE_CHECKING:
    from skillcheck.initiatives import Initiative

THEMES = ("default", "high-contrast")
# An espeak-ng voice name as `voice.<lang>` gives it: "nl", "fr-be", "gmw/de", "en-gb+f3".
_VOICE_NAME = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)?(\+[A-Za-z0-9_-]+)?$")
MIN_WARNING_SECONDS = 20


@dataclass(frozen=True)
class SiteConfig:
    """Everything one terminal needs to know about where it stands."""

    site: str = "skillcheck"
    terminal: str = "terminal-1"
    region: str = "brussels"
    languages: tuple[str, ...] = ("nl", "fr", "de", "en")
    default_language: str = "nl"
    idle_seconds: int = 90
    warning_seconds: int = 20
    kiosk: bool = False
    theme: str = "default"
    database: Path | None = None
    # The only folder the staff screen writes exports into (never a typed path).
    export_folder: Path | None = None
    # Where sessions wait when the database cannot take them (spool.py); () = the default.
    spool_folders: tuple[Path, ...] = ()
    # The network's central PostgreSQL database (docs/network.md): a URL without password.
    central: str | None = None
    pin_hash: str | None = None
    max_visitors: int = 4
    initiatives: tuple[Initiative, ...] = ()
    help_desk: Initiative | None = None
    # Read aloud (R and the top bar's button); hidden anyway without espeak-ng.
    read_aloud: bool = True
    # espeak-ng voice per language (`voice.nl = "nl"`); others use speech.DEFAULT_VOICES.
    voices: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    path: Path | None = field(default=None, compare=False)


def default_config(language: str | None = None) -> SiteConfig:
    """The embedded default used by `make run` when no config file is given.

    With `language` (`skillcheck run --lang de`, a translator previewing German or a
    language being added) that language is offered too, after the default ones.
    """
    config = SiteConfig()
    if language and language not in config.languages:
        config = replace(config, languages=(*config.languages, language))
    return config


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
    "export_folder": str,
    "pin_hash": str,
    "read_aloud": bool,
    "max_visitors": int,
    "central": str,
}


def check_config(path: Path) -> tuple[SiteConfig | None, list[Problem]]:
    """Load a site config and return it (None when unusable) with all problems."""
    # Imported here, not at the top: the embedded default (no file) needs neither,
    # and the kiosk's welcome is painted sooner without them (issue 8).
    from skillcheck.initiatives import parse_initiative
    from skillcheck.pin import parse_hash, pin_file_for, read_pin_file

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
    if "central" in values:
        # Imported only for a config that has the key (psycopg parses the URL).
        from skillcheck.central import check_url

        central_problem = check_url(values["central"])
        if central_problem:
            problem("central", f"'central': {central_problem}")
    if "max_visitors" in values and not 1 <= values["max_visitors"] <= 64:
        problem("max_visitors", "'max_visitors' must be between 1 and 64")
    if "pin_hash" in values and not parse_hash(values["pin_hash"]):
        problem("pin_hash", "'pin_hash' is not a hash written by `skillcheck set-pin`")
    elif "pin_hash" in values:
        problem_text = (
            f"'pin_hash' in the config can be read by whoever reads the config: run "
            f"`skillcheck set-pin --config {path}` to move it to {pin_file_for(path).name} "
            "(mode 0600)"
        )
        problems.append(Problem(path, data_file.top_line("pin_hash"), problem_text, "warning"))
    pin_file = pin_file_for(path)
    try:
        stored = read_pin_file(pin_file)
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not a hash"
        problems.append(
            Problem(pin_file, 0, f"cannot be read ({reason}): run this as the kiosk's user")
        )
    else:
        if stored is not None and not parse_hash(stored):
            problems.append(Problem(pin_file, 1, "not a hash written by `skillcheck set-pin`"))
        elif stored is not None:
            values["pin_hash"] = stored
            if pin_file.stat().st_mode & 0o077:
                problems.append(
                    Problem(
                        pin_file,
                        0,
                        "readable by other users: anyone who can read it can search the PIN "
                        f"offline; run `chmod 600 {pin_file}`",
                        "warning",
                    )
                )
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
        # Like every path setting: relative to the config file's folder.
        values["database"] = path.parent / Path(str(values["database"])).expanduser()
    if "export_folder" in values:
        # A relative folder is read from the config file's folder, not the kiosk's.
        values["export_folder"] = path.parent / Path(str(values["export_folder"])).expanduser()
    if "spool_folders" in data:
        folders = data["spool_folders"]
        if not isinstance(folders, list) or not all(isinstance(f, str) and f for f in folders):
            problem("spool_folders", "'spool_folders' must be a list of folder paths")
        else:
            # A relative folder is read from the config file's folder, not wherever the
            # kiosk happens to be started.
            values["spool_folders"] = tuple(
                path.parent / Path(f).expanduser()
                if not Path(f).expanduser().is_absolute()
                else Path(f).expanduser()
                for f in folders
            )

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
    known = set(_SIMPLE_KEYS) | {"languages", "initiatives", "help_desk", "spool_folders", "voice"}
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
