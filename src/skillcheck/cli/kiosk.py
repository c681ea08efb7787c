"""The kiosk's commands: `run` (terminal), `serve` (browser), and the PIN (`set-pin`,
`unlock`). Only `run` imports textual, and only when it runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from skillcheck.cli.options import fail, locales_option, questions_option


@click.command()
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
    "--browser-voices",
    default=None,
    hidden=True,  # `serve` sets it for each browser tab
    help="Read aloud in the browser page, in these languages (comma-separated).",
)
@questions_option
@locales_option
def run(
    config_path: Path | None,
    database: Path | None,
    kiosk: bool,
    language: str | None,
    browser_voices: str | None,
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
            browser_voices=None if browser_voices is None else browser_voices.split(","),
        )
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    sys.exit(status)


@click.command("set-pin")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The site config; the hash goes into the pin file beside it (site.pin).",
)
def set_pin(config_path: Path) -> None:
    """Ask for the facilitator PIN twice (hidden) and store its salted scrypt hash.

    The hash goes into a file beside the config that only its owner can read (mode
    0600); run this as the kiosk's user, or as root (the files keep their owner).
    """
    import tomllib

    from skillcheck.pin import (
        MAX_PIN_DIGITS,
        MIN_PIN_DIGITS,
        drop_config_hash,
        hash_pin,
        pin_file_for,
        valid_pin,
        write_pin_file,
    )

    digits = f"{MIN_PIN_DIGITS} to {MAX_PIN_DIGITS} digits"
    # Before the PIN is asked: a config that is not valid TOML is not touched.
    try:
        exists = config_path.exists()  # PermissionError when its folder cannot be read
        if exists:
            tomllib.loads(config_path.read_text(encoding="utf-8"))
        elif not config_path.parent.is_dir():
            fail(f"{config_path}: the folder {config_path.parent} does not exist")
    except UnicodeDecodeError:
        fail(f"{config_path}: not UTF-8 text; nothing was changed")
    except (tomllib.TOMLDecodeError, RecursionError) as error:
        fail(f"{config_path}: not valid TOML ({error}); nothing was changed")
    except OSError as error:
        fail(f"{config_path}: cannot be read ({error.strerror}); nothing was changed")

    def check_digits(value: str) -> str:
        if not valid_pin(value):
            raise click.BadParameter(f"use {digits}; try again")
        return value

    # Checked before the confirmation, so a short PIN is refused at once.
    pin = click.prompt(
        f"New PIN ({digits})", hide_input=True, confirmation_prompt=True, value_proc=check_digits
    )
    pin_file = pin_file_for(config_path)
    try:
        if not exists:
            config_path.write_text(
                "# A skillcheck site config: see examples/site.toml for every key.\n",
                encoding="utf-8",
            )
        write_pin_file(pin_file, hash_pin(pin), owner_of=config_path)
        moved = drop_config_hash(config_path)
    except OSError as error:
        fail(f"{pin_file}: cannot be written ({error.strerror}); the PIN was not changed")
    click.echo(f"PIN hash written to {pin_file} (readable only by its owner).")
    if moved:
        click.echo(f"The old pin_hash line was removed from {config_path}.")
    click.echo("The PIN itself is not stored anywhere.")


@click.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The site config whose PIN lock-out to clear (default: the practice settings).",
)
def unlock(config_path: Path | None) -> None:
    """Clear the wrong-PIN lock-out at once (run as the kiosk's user, on the terminal)."""
    from skillcheck.pin import lock_file_for
    from skillcheck.pin import unlock as clear_lock

    try:
        had = clear_lock(config_path)
    except OSError as error:
        fail(f"{lock_file_for(config_path)}: {error.strerror}")
    click.echo("Lock-out cleared." if had else "There was no lock-out.")


# --- browser mode ---------------------------------------------------------------


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    required=True,
    help="Site config (TOML) with a facilitator PIN (`skillcheck set-pin`).",
)
@click.option(
    "--db",
    "database",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="SQLite file for the sessions (default: the config's, else the data folder).",
)
@locales_option
def serve(
    host: str, port: int, config_path: Path, database: Path | None, locales_dir: Path
) -> None:
    """Serve the kiosk to a web browser: always kiosk mode, one kiosk per tab."""
    from skillcheck.config import load_config
    from skillcheck.datafile import ContentError
    from skillcheck.i18n import load_translators
    from skillcheck.serve import ServeError
    from skillcheck.serve import serve as serve_kiosk

    try:
        config = load_config(config_path)
    except ContentError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(2)
    found = load_translators(locales_dir)
    translators = {code: found[code] for code in config.languages if code in found}
    try:
        serve_kiosk(
            config=config,
            translators=translators or {"en": found["en"]},
            host=host,
            port=port,
            database=database,
        )
    except ServeError as error:
        fail(str(error))


COMMANDS = (run, serve, set_pin, unlock)
