"""What the commands share: options, the database they read, dates, errors, progress.

Every command module imports its shared options from here, so an option means the
same thing in every command and is spelt once.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from skillcheck.paths import LOCALES_DIR, QUESTIONS_DIR

# Options shared by `check` and `run`: the content the kiosk loads.
questions_option = click.option(
    "--questions",
    "questions_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=QUESTIONS_DIR,
    show_default=True,
    help="Folder with areas.toml, items/ and initiatives.toml.",
)
locales_option = click.option(
    "--locales",
    "locales_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=LOCALES_DIR,
    show_default=True,
    help="Folder with skillcheck.pot and <lang>/LC_MESSAGES/skillcheck.po.",
)


class DatabaseParam(click.ParamType):
    """An SQLite file (a Path) or a central database's URL (a str, postgresql://…)."""

    name = "database"

    def convert(self, value, param, ctx):
        if isinstance(value, Path) or not str(value).startswith(("postgresql://", "postgres://")):
            return Path(value)
        return str(value)


DATABASE = DatabaseParam()


def db_options(command):
    """--db and --config, shared by the facilitator commands."""
    command = click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Site config whose `database` is used when --db is not given.",
    )(command)
    return click.option(
        "--db",
        "db_path",
        type=DATABASE,
        default=None,
        metavar="FILE|URL",
        help="The SQLite database, or a central one as postgresql://… "
        "[default: the site config's, else the user data folder].",
    )(command)


def database_path(db_path: Path | str | None, config_path: Path | None) -> Path | str:
    """--db (a file, or a central database's URL), else the site config's database,
    else the user data folder."""
    if db_path is not None:
        return db_path
    if config_path is not None:
        from skillcheck.config import load_config

        configured = load_config(config_path).database
        if configured is not None:
            return configured
    from skillcheck.paths import default_database_path

    return default_database_path()


def sqlite_only(database: Path | str, what: str) -> Path:
    """Refuse a central database's URL for a command that works on SQLite files only."""
    if isinstance(database, str):
        fail(f"{what} works on an SQLite file; for a central database see docs/network.md")
    return database


def fail(message: str, code: int = 2) -> None:
    click.echo(f"skillcheck: {message}", err=True)
    raise click.exceptions.Exit(code)


class FacilitatorErrors:
    """Turn every expected failure into one line on stderr and an exit code.

    Bad input (errors.InputError: a database or path that cannot be used, a broken
    content file) exits 2; a busy or broken database exits 1; a file-system error
    names its file. Anything else is a bug and keeps its traceback.
    """

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, tb) -> bool:
        if error is None or isinstance(error, click.exceptions.Exit | click.ClickException):
            return False
        import sqlite3

        from skillcheck.datafile import ContentError
        from skillcheck.errors import InputError

        if isinstance(error, ContentError):
            first = error.problems[0] if error.problems else error
            fail(str(first).splitlines()[0])
        if isinstance(error, InputError):
            fail(str(error))
        psycopg = sys.modules.get("psycopg")  # loaded only when a central database was used
        if psycopg is not None and isinstance(error, psycopg.Error):
            # The central server down, unreachable, or refusing this login: one line.
            message = " ".join(str(error).split())
            fail(f"central database: {message}", code=1)
        if isinstance(error, sqlite3.Error):
            # Not the facilitator's input: a busy or broken database. Still one line.
            fail(f"database error: {error}", code=1)
        if isinstance(error, OSError):
            # A path that does not exist (or is not a folder) was given by the person:
            # bad input. A full, read-only or failing disk is not.
            given = isinstance(error, FileNotFoundError | NotADirectoryError | IsADirectoryError)
            where = f"{error.filename}: " if error.filename else ""
            fail(f"{where}{error.strerror or error}", code=2 if given else 1)
        return False


def day(value: str | None, name: str) -> str | None:
    import datetime as dt

    if value is None:
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.UsageError(f"{name} {value!r} is not a date as YYYY-MM-DD") from None


def filters_of(since: str | None, until: str | None, site: str | None, rule: int | None = None):
    from skillcheck.reports import Filters
    from skillcheck.scoring import RULE_NAMES

    since, until = day(since, "--since"), day(until, "--until")
    if since and until and since > until:
        raise click.UsageError(f"--since {since} is after --until {until}")
    if rule is not None and rule not in RULE_NAMES:
        known = ", ".join(str(r) for r in RULE_NAMES)
        raise click.UsageError(f"--rule {rule}: no such scoring rule (use {known})")
    return Filters(since=since, until=until, site=site, rule=rule)


def language_of(language: str | None, config_path: Path | None) -> str:
    """--lang, else the site config's default language, else English."""
    if language:
        return language
    if config_path is not None:
        from skillcheck.config import load_config

        return load_config(config_path).default_language
    return "en"


def lang_option(what: str):
    """--lang for a command that writes for funders: the language of `what`."""
    return click.option(
        "--lang",
        "language",
        default=None,
        metavar="nl|fr|de|en",
        help=f"Language of {what} [default: the site config's, else en].",
    )


min_count_option = click.option(
    "--min-count",
    type=int,
    default=None,
    help="Raise the network's threshold for this output (never lower it) "
    "[default: the network's, set by `skillcheck publish`].",
)


def output_option(*, required: bool, help: str):
    """-o/--output: the file a command writes (checked against its sources)."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        required=required,
        help=help,
    )


rule_option = click.option(
    "--rule",
    type=int,
    default=None,
    metavar="N",
    help="Only sessions scored by this rule (docs/scoring.md) [default: the newest in the data].",
)
since_option = click.option(
    "--since", default=None, metavar="YYYY-MM-DD", help="First day (inclusive)."
)
until_option = click.option(
    "--until", default=None, metavar="YYYY-MM-DD", help="Last day (inclusive)."
)


class Progress:
    """A progress bar on stderr when it is a terminal; silent when piped or redirected."""

    def __init__(self, steps: int, label: str) -> None:
        self.steps, self.label, self.bar = steps, label, None

    def __enter__(self):
        if sys.stderr.isatty():
            self.bar = click.progressbar(length=self.steps, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        return self.advance

    def advance(self, amount: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(amount)

    def __exit__(self, *exc) -> bool:
        if self.bar is not None:
            self.bar.__exit__(*exc)
        return False
