"""The command for content authors and translators: `check`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from skillcheck.cli.options import locales_option, questions_option


@click.command()
@questions_option
@locales_option
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
        for line in report.coverage:
            click.echo(line)
        click.echo(report.summary)
    else:
        errors = sum(p.severity == "error" for p in report.problems)
        click.echo(f"{errors} problem(s) found.", err=True)
        sys.exit(1)


COMMANDS = (check,)
