"""The `skillcheck` command: one click group for citizens' kiosk and facilitators.

Only `run` imports textual (lazily), so `skillcheck --help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from skillcheck.paths import LOCALES_DIR, QUESTIONS_DIR


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="skillcheck")
def cli() -> None:
    """skillcheck: a kiosk self-assessment of basic digital skills (NL/FR/EN)."""


# --- check ------------------------------------------------------------------


@cli.command()
@click.option(
    "--questions",
    "questions_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=QUESTIONS_DIR,
    show_default=True,
    help="Folder with areas.toml, items/ and initiatives.toml.",
)
@click.option(
    "--locales",
    "locales_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=LOCALES_DIR,
    show_default=True,
    help="Folder with skillcheck.pot and <lang>/LC_MESSAGES/skillcheck.po.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="A site config (TOML) to validate too.",
)
@click.option(
    "--allow-incomplete",
    is_flag=True,
    help="Report untranslated strings as warnings (for a language in progress).",
)
def check(
    questions_dir: Path, locales_dir: Path, config_path: Path | None, allow_incomplete: bool
) -> None:
    """Validate everything the kiosk loads; print `file:line: problem` lines."""
    from skillcheck.validation import check_all

    report = check_all(questions_dir, locales_dir, config_path, allow_incomplete)
    for problem in report.problems:
        click.echo(str(problem), err=problem.severity == "error")
    if report.ok:
        click.echo(report.summary)
    else:
        errors = sum(p.severity == "error" for p in report.problems)
        click.echo(f"{errors} problem(s) found.", err=True)
        sys.exit(1)


# --- facilitator commands (store, reports) ----------------------------------


# --- kiosk --------------------------------------------------------------------


@cli.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="Site config (TOML); see examples/site.toml. Default: practice settings.",
)
@click.option(
    "--db",
    "database",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="SQLite file for the sessions (default: the config's, else your data folder).",
)
@click.option("--kiosk", is_flag=True, help="Kiosk mode: only the facilitator PIN leaves.")
@click.option("--lang", "language", default=None, help="Skip Welcome and start in this language.")
@click.option(
    "--questions",
    "questions_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=QUESTIONS_DIR,
    show_default=True,
    help="Folder with areas.toml, items/ and initiatives.toml.",
)
@click.option(
    "--locales",
    "locales_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=LOCALES_DIR,
    show_default=True,
    help="Folder with <lang>/LC_MESSAGES/skillcheck.po.",
)
def run(
    config_path: Path | None,
    database: Path | None,
    kiosk: bool,
    language: str | None,
    questions_dir: Path,
    locales_dir: Path,
) -> None:
    """Start the kiosk (practice mode: ctrl+q quits; --kiosk: only the PIN leaves)."""
    from skillcheck.datafile import ContentError
    from skillcheck.tui.launch import run_kiosk  # imports textual only here

    try:
        status = run_kiosk(
            config_path=config_path,
            database=database,
            kiosk=kiosk,
            language=language,
            questions_dir=questions_dir,
            locales_dir=locales_dir,
        )
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    sys.exit(status)


@cli.command("set-pin")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The site config to store the PIN's hash in (created when missing).",
)
def set_pin(config_path: Path) -> None:
    """Ask for the facilitator PIN twice (hidden) and store its salted scrypt hash."""
    from skillcheck.config import hash_pin, valid_pin, write_pin_hash

    pin = click.prompt("New PIN (4 to 12 digits)", hide_input=True, confirmation_prompt=True)
    if not valid_pin(pin):
        click.echo("A PIN is 4 to 12 digits. Nothing was changed.", err=True)
        sys.exit(1)
    write_pin_hash(config_path, hash_pin(pin))
    click.echo(f"PIN hash written to {config_path}. The PIN itself is not stored anywhere.")


# --- browser mode ---------------------------------------------------------------


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="Site config (TOML) for the kiosk each browser gets.",
)
def serve(host: str, port: int, config_path: Path | None) -> None:
    """Serve the kiosk to a web browser (each visitor gets their own kiosk)."""
    import shlex

    from textual_serve.server import Server

    command = [sys.executable, "-m", "skillcheck", "run"]
    if config_path is not None:
        command += ["--config", str(config_path.resolve())]
    Server(shlex.join(command), host=host, port=port, title="skillcheck").serve()


def main() -> None:
    """Console-script entry point."""
    cli()
