"""A library network's commands (docs/network.md): `central init`, `central add-terminal`
(the server's administrator) and `push` (a terminal, by hand). psycopg is imported only
when one of them runs.
"""

from __future__ import annotations

from pathlib import Path

import click

from skillcheck.cli.options import FacilitatorErrors, database_path, fail


@click.group()
def central() -> None:
    """Set up the network's central PostgreSQL database (docs/network.md)."""


@central.command("init")
@click.argument("url")
def init(url: str) -> None:
    """Create the tables, roles and policies in an empty database (as its superuser)."""
    from skillcheck.central import init_central

    with FacilitatorErrors():
        roles = init_central(url)
        click.echo(f"Central database ready; roles: {', '.join(roles.all())}")
        click.echo(
            f"Grant people their role: GRANT {roles.facilitator} TO <login>; "
            "add each terminal with `skillcheck central add-terminal`."
        )


@central.command("upgrade")
@click.argument("url")
def upgrade(url: str) -> None:
    """Bring the central database to this skillcheck's schema version (as its owner)."""
    from skillcheck.central import upgrade_central

    with FacilitatorErrors():
        old, new = upgrade_central(url)
        if old == new:
            click.echo(f"Central database already at schema version {new}; nothing changed.")
        else:
            click.echo(f"Central database upgraded from schema version {old} to {new}.")


@central.command("add-terminal")
@click.argument("url")
@click.option("--site", required=True, help="The terminal's `site`, as in its site config.")
@click.option("--terminal", required=True, help="The terminal's `terminal`, as in its config.")
@click.option("--login", default=None, help="The login's name [default: <db>_<site>_<terminal>].")
def add_terminal(url: str, site: str, terminal: str, login: str | None) -> None:
    """A login that may only add sessions of this site and terminal; prints its ~/.pgpass line."""
    from skillcheck.central import add_terminal as add

    with FacilitatorErrors():
        created = add(url, site, terminal, login)
        click.echo(f"Login {created.login} may add the sessions of {site} / {terminal}.")
        click.echo("Put this line in the kiosk user's ~/.pgpass (mode 0600), host and port")
        click.echo("as the terminal reaches the server; it is not shown again:")
        click.echo(f"*:*:*:{created.login}:{created.password}")


@click.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    required=True,
    help="The terminal's site config, with `central`.",
)
def push(config_path: Path) -> None:
    """Send the sessions waiting in the outbox to the central database, now."""
    from skillcheck.config import load_config
    from skillcheck.push import push as push_now

    with FacilitatorErrors():
        config = load_config(config_path)
        if not config.central:
            fail(f"{config_path}: no `central` database configured")
        database = database_path(None, config_path)
        result = push_now(database, config.central)
        status = result.status
        click.echo(f"{result.sent:,} sessions sent, {result.set_aside:,} set aside")
        since = f" (oldest of {status.oldest_day})" if status.oldest_day else ""
        click.echo(f"Waiting: {status.waiting:,}{since}; set aside in all: {status.set_aside:,}")
        if result.error:
            fail(f"the central database: {result.error}; the sessions wait", code=1)


COMMANDS = (central, push)
