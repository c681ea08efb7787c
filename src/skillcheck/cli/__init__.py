"""The `skillcheck` command: one click group, its commands in one module per user.

- `kiosk.py`: run, serve, set-pin, unlock (the terminal and its technician)
- `facilitator.py`: stats, publish, export, report, items, merge, backup, purge, upgrade
- `content.py`: check (content authors and translators)
- `network.py`: central init / add-terminal (the network's server), push (a terminal)
- `options.py`: the options and helpers they share

Only `run` imports textual (lazily), so `skillcheck --help` stays fast.
"""

from __future__ import annotations

import gc

import click

from skillcheck.cli import content, facilitator, kiosk, network


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="skillcheck")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """skillcheck: a kiosk self-assessment of basic digital skills (NL/FR/DE/EN)."""
    # `skillcheck` starts with the garbage collector paused (__main__.py); the kiosk
    # resumes it once its first screen is painted, every other command here.
    if ctx.invoked_subcommand != "run":
        gc.enable()


for module in (content, facilitator, kiosk, network):
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    """Console-script entry point."""
    cli()
