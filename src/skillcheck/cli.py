"""The `skillcheck` command: one click group for citizens' kiosk and facilitators.

Only `run` imports textual (lazily), so `skillcheck --help` stays fast.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import click

from skillcheck.paths import LOCALES_DIR, QUESTIONS_DIR


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="skillcheck")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """skillcheck: a kiosk self-assessment of basic digital skills (NL/FR/DE/EN)."""
    # `skillcheck` starts with the garbage collector paused (__main__.py); the kiosk
    # resumes it once its first screen is painted, every other command here.
    if ctx.invoked_subcommand != "run":
        gc.enable()


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


# --- check ------------------------------------------------------------------


@cli.command()
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
        click.echo(report.summary)
    else:
        errors = sum(p.severity == "error" for p in report.problems)
        click.echo(f"{errors} problem(s) found.", err=True)
        sys.exit(1)


# --- facilitator commands (store, reports) ----------------------------------
# Imports of store/reports/rich stay inside the commands so `skillcheck --help`
# stays fast. Bad input ends in one line on stderr and exit code 2, never a traceback.


def _db_options(command):
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
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="The SQLite database [default: the site config's, else the user data folder].",
    )(command)


def _database(db_path: Path | None, config_path: Path | None) -> Path:
    """--db, else the site config's database, else the user data folder."""
    if db_path is not None:
        return db_path
    if config_path is not None:
        from skillcheck.config import load_config

        configured = load_config(config_path).database
        if configured is not None:
            return configured
    from skillcheck.paths import default_database_path

    return default_database_path()


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"skillcheck: {message}", err=True)
    raise click.exceptions.Exit(code)


class _FacilitatorErrors:
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
            _fail(str(first).splitlines()[0])
        if isinstance(error, InputError):
            _fail(str(error))
        if isinstance(error, sqlite3.Error):
            # Not the facilitator's input: a busy or broken database. Still one line.
            _fail(f"database error: {error}", code=1)
        if isinstance(error, OSError):
            # A path that does not exist (or is not a folder) was given by the person:
            # bad input. A full, read-only or failing disk is not.
            given = isinstance(error, FileNotFoundError | NotADirectoryError | IsADirectoryError)
            where = f"{error.filename}: " if error.filename else ""
            _fail(f"{where}{error.strerror or error}", code=2 if given else 1)
        return False


def _day(value: str | None, name: str) -> str | None:
    import datetime as dt

    if value is None:
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.UsageError(f"{name} {value!r} is not a date as YYYY-MM-DD") from None


def _filters(since: str | None, until: str | None, site: str | None):
    from skillcheck.reports import Filters

    since, until = _day(since, "--since"), _day(until, "--until")
    if since and until and since > until:
        raise click.UsageError(f"--since {since} is after --until {until}")
    return Filters(since=since, until=until, site=site)


def _language(language: str | None, config_path: Path | None) -> str:
    """--lang, else the site config's default language, else English."""
    if language:
        return language
    if config_path is not None:
        from skillcheck.config import load_config

        return load_config(config_path).default_language
    return "en"


def _lang_option(what: str):
    """--lang for a command that writes for funders: the language of `what`."""
    return click.option(
        "--lang",
        "language",
        default=None,
        metavar="nl|fr|de|en",
        help=f"Language of {what} [default: the site config's, else en].",
    )


_min_count = click.option(
    "--min-count",
    type=int,
    default=10,
    show_default=True,
    help="No published count lies between 1 and this minus 1 (at least 5).",
)


def _output_option(*, required: bool, help: str):
    """-o/--output: the file a command writes (checked against its sources)."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        required=required,
        help=help,
    )


_since = click.option("--since", default=None, metavar="YYYY-MM-DD", help="First day (inclusive).")
_until = click.option("--until", default=None, metavar="YYYY-MM-DD", help="Last day (inclusive).")


@cli.command()
@_db_options
@_since
@_until
@click.option("--site", default=None, help="Only this site.")
def stats(
    db_path: Path | None,
    config_path: Path | None,
    since: str | None,
    until: str | None,
    site: str | None,
) -> None:
    """A summary in the terminal: sessions, completion, categories, areas, languages, sites."""
    from skillcheck.reports import summarise
    from skillcheck.store import open_database

    with _FacilitatorErrors():
        filters = _filters(since, until, site)
        path = _database(db_path, config_path)
        db = open_database(path, read_only=True)
        try:
            summary = summarise(db, filters)
        finally:
            db.close()
        _print_summary(path, filters, summary)
        _print_spool_status(path)


def _print_spool_status(path: Path) -> None:
    from skillcheck.spool import spool_status

    status = spool_status(path)
    if status.waiting or status.last_error:
        click.echo(
            f"Sessions waiting in the spool: {status.waiting:,}"
            + (f" · last error: {status.last_error}" if status.last_error else "")
            + (f" ({status.updated})" if status.updated else "")
        )


def _bar(share: float, width: int = 24) -> str:
    full = round(share * width)
    return "█" * full + "·" * (width - full)


def _print_summary(path: Path, filters, summary) -> None:
    from rich.console import Console
    from rich.table import Table

    from skillcheck.digcomp import AREA_SHORT_NAMES as AREA_NAMES

    console = Console(highlight=False)
    # The period asked for; where a bound was not given, the first or last day with data.
    first = filters.since or summary.first_day or "…"
    last = filters.until or summary.last_day or "…"
    period = f"{first} … {last}" if summary.sessions or filters.since or filters.until else ""
    period = period or "no sessions"
    scope = f" · site {filters.site}" if filters.site else ""
    console.print(f"[bold]skillcheck stats[/] · {path} · {period}{scope}")
    console.print(
        "[bold]True counts for staff, not for publication[/] "
        "(publish with `skillcheck export` or `skillcheck report`)."
    )
    console.print(
        f"Sessions {summary.sessions:,} · completed {summary.completed:,} "
        f"({summary.completion_rate:.1%}) · abandoned {summary.sessions - summary.completed:,}"
    )
    if not summary.sessions:
        return
    if summary.headline is not None:
        console.print(f"[bold]At least basic skills: {summary.headline:.1%}[/] of completed visits")

    def share(part: int, whole: int) -> float:
        return part / whole if whole else 0.0

    categories = Table(title="Overall category (completed sessions)", title_justify="left")
    for column in ("category", "sessions", "share", ""):
        categories.add_column(
            column, justify="right" if column in ("sessions", "share") else "left"
        )
    for name, count in summary.categories.items():
        part = share(count, summary.completed)
        categories.add_row(name, f"{count:,}", f"{part:.1%}", _bar(part))
    console.print(categories)

    areas = Table(title="Level per area (completed sessions)", title_justify="left")
    for column in ("area", "none", "basic", "above basic", "≥ basic"):
        areas.add_column(column, justify="left" if column == "area" else "right")
    areas.add_column("")
    for area, levels in summary.levels.items():
        total = sum(levels.values())
        part = share(levels["basic"] + levels["above_basic"], total)
        areas.add_row(
            f"{area} {AREA_NAMES[area]}",
            f"{levels['none']:,}",
            f"{levels['basic']:,}",
            f"{levels['above_basic']:,}",
            f"{part:.1%}",
            _bar(part, 16),
        )
    console.print(areas)

    numbers = ("sessions", "completed", "completion", "≥ basic")
    for title, rows in (
        ("By language", summary.by_language),
        ("By site", summary.by_site),
        ("By region", summary.by_region),
    ):
        table = Table(title=title, title_justify="left")
        for column in (title.split()[-1], *numbers, ""):
            table.add_column(column, justify="right" if column in numbers else "left")
        for row in rows:
            part = share(row.completed, row.sessions)
            headline = "" if row.headline is None else f"{row.headline:.1%}"
            table.add_row(
                row.name,
                f"{row.sessions:,}",
                f"{row.completed:,}",
                f"{part:.1%}",
                headline,
                _bar(share(row.sessions, summary.sessions), 16),
            )
        console.print(table)
    from skillcheck.digcomp import DSI_CAVEAT
    from skillcheck.i18n import Translator
    from skillcheck.reports import context_lines

    for line in (DSI_CAVEAT, *context_lines(Translator())):
        console.print(line, soft_wrap=False)


@cli.command()
@_db_options
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), required=True, help="Output format."
)
@click.option("--excel", is_flag=True, help="CSV for Belgian Excel: BOM, `;`, decimal comma.")
@click.option(
    "--by", type=click.Choice(["day", "week", "month"]), default="month", show_default=True
)
@click.option(
    "--group",
    default="",
    metavar="COLS",
    help="Comma-separated: site,terminal,region,language,area (area: levels per area; "
    "terminal brings its site).",
)
@_min_count
@_lang_option("headers, labels and notes")
@_since
@_until
@click.option("--site", default=None, help="Only this site.")
@_output_option(required=False, help="Write here instead of standard output.")
def export(
    db_path: Path | None,
    config_path: Path | None,
    fmt: str,
    excel: bool,
    by: str,
    group: str,
    min_count: int,
    since: str | None,
    until: str | None,
    site: str | None,
    language: str | None,
    output: Path | None,
) -> None:
    """Aggregate counts for funders, protected by the cell key method (docs/facilitators.md)."""
    import io

    from skillcheck.disclosure import MIN_THRESHOLD
    from skillcheck.output import check_output_path, write_output
    from skillcheck.reports import export_database, report_translator, write_export

    with _FacilitatorErrors():
        if min_count < MIN_THRESHOLD:
            raise click.UsageError(f"--min-count must be at least {MIN_THRESHOLD}, not {min_count}")
        if excel and fmt != "csv":
            raise click.UsageError("--excel goes with --format csv")
        groups = [g.strip() for g in group.split(",") if g.strip()]
        from skillcheck.reports import GROUPS

        unknown = [g for g in groups if g not in GROUPS]
        if unknown:
            raise click.UsageError(f"unknown group {unknown[0]!r}: use {', '.join(GROUPS)}")
        filters = _filters(since, until, site)
        t = report_translator(_language(language, config_path))
        database = _database(db_path, config_path)
        if output is not None:
            # Before anything is read: an export onto the database destroys it.
            check_output_path(output, sources=(database,))
        table = export_database(
            database,
            by=by,
            group=groups,
            filters=filters,
            min_count=min_count,
        )
        if output is None:
            out = sys.stdout.buffer
            write_export(table, out, fmt, excel, t)
            out.flush()
        else:
            buffer = io.BytesIO()
            write_export(table, buffer, fmt, excel, t)
            write_output(output, buffer.getvalue(), sources=(database,))
            click.echo(f"{len(table.rows)} rows written to {output}", err=True)


@cli.command()
@_db_options
@_since
@_until
@click.option("--site", default=None, help="Only this site [default: the whole network].")
@_lang_option("the page")
@_min_count
@_output_option(required=True, help="The PDF file to write.")
def report(
    db_path: Path | None,
    config_path: Path | None,
    since: str | None,
    until: str | None,
    site: str | None,
    language: str | None,
    min_count: int,
    output: Path,
) -> None:
    """A one-page PDF for funders: headline, trend, levels per area, caveat (protected)."""
    from skillcheck.funder_report import REPORT_STEPS, render_pdf, report_figures
    from skillcheck.output import check_output_path, write_output
    from skillcheck.reports import report_translator
    from skillcheck.store import open_database

    with _FacilitatorErrors():
        filters = _filters(since, until, site)
        t = report_translator(_language(language, config_path))
        database = _database(db_path, config_path)
        check_output_path(output, sources=(database,))
        with _progress(REPORT_STEPS + 1, "Building the report") as advance:
            db = open_database(database, read_only=True)
            try:
                figures = report_figures(db, filters, min_count)
            finally:
                db.close()
            advance()
            data = render_pdf(figures, t, step=advance)
        write_output(output, data, sources=(database,))
        click.echo(f"Report written to {output}", err=True)


class _progress:
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


@cli.command()
@_db_options
@_since
@_until
@click.option("--lang", "language", default=None, help="Show the items of this language only.")
@questions_option
def items(
    db_path: Path | None,
    config_path: Path | None,
    since: str | None,
    until: str | None,
    language: str | None,
    questions_dir: Path,
) -> None:
    """Item statistics for test designers, in the terminal (docs/content.md).

    Reads the completed visits of the bank version in --questions, read-only.
    """
    from skillcheck.bank import load_bank
    from skillcheck.item_statistics import item_report, read_visits

    with _FacilitatorErrors():
        since, until = _day(since, "--since"), _day(until, "--until")
        if since and until and since > until:
            raise click.UsageError(f"--since {since} is after --until {until}")
        bank = load_bank(questions_dir)
        path = _database(db_path, config_path)
        report = item_report(bank, read_visits(path, bank.version, since, until))
        if language is not None and language not in report.visits:
            known = ", ".join(report.visits) or "none"
            _fail(f"--lang {language}: no completed visits in that language (found: {known})")
        _print_items(path, bank, report, since, until, language)


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"


def _print_items(path: Path, bank, report, since, until, language) -> None:
    """Plain lines within 80 columns: one row per item and language, then the flags."""
    from skillcheck.bank import DONT_KNOW
    from skillcheck.digcomp import AREA_SHORT_NAMES
    from skillcheck.item_statistics import DIF_POINTS, LOW_ITEM_REST, MIN_ANSWERS

    echo = click.echo
    total = sum(report.visits.values())
    echo(f"skillcheck items · {path}")
    period = f"{since or '…'} … {until or '…'}" if since or until else "all days"
    echo(f"Bank {report.bank_version} · {period}")
    by_language = ", ".join(f"{k} {v:,}" for k, v in report.visits.items())
    echo(f"Completed visits {total:,}" + (f" ({by_language})" if total else ""))
    if not total:
        return
    wanted = (None, *report.visits) if language is None else (language,)
    rows = {(f.item_id, f.language): f for f in report.items}
    width = max(len(i.id) for i in bank.items)
    header = f"  {'item':<{width}} {'lang':<4} {'answers':>8} {'mastered':>9} "
    header += "{:>11} {:>10}".format("don't know", "item-rest")
    for area in bank.areas:
        echo("")
        echo(f"Area {area.number}: {AREA_SHORT_NAMES[area.number]}")
        echo(header)
        for item in bank.items_in(area.number):
            shown = [rows[(item.id, w)] for w in wanted if (item.id, w) in rows]
            for index, figures in enumerate(shown):
                rest = "–" if figures.item_rest is None else f"{figures.item_rest:.2f}"
                name = item.id if index == 0 else ""
                echo(
                    f"  {name:<{width}} {figures.language or 'all':<4} {figures.answers:>8,} "
                    f"{_percent(figures.mastered):>9} {_percent(figures.dont_know):>11} "
                    f"{rest:>10}"
                )
            if item.kind == "knowledge" and shown:
                first = shown[0]
                # Wrong answers by their number on screen.
                chosen = " · ".join(
                    f"{number}: {first.choices.get(answer.code, 0) / first.answers:.0%}"
                    for number, answer in enumerate(item.answers, start=1)
                    if not item.is_mastered(answer.code) and answer.code != DONT_KNOW
                )
                echo(f"  {'':<{width}} wrong answers chosen ({first.language or 'all'}): {chosen}")
        for consistency in report.areas:
            if consistency.area != area.number or not consistency.complete_cases:
                continue
            alpha = "–" if consistency.alpha is None else f"{consistency.alpha:.2f}"
            cases = f"{consistency.complete_cases:,} complete cases"
            variants = [i for i in consistency.items if bank.item(i).rotation]
            echo(
                f"  Cronbach's alpha {alpha} (all languages) on {cases}"
                + (f", with {', '.join(variants)}" if variants else "")
            )
    echo("")
    echo(f"Flags (at least {MIN_ANSWERS} answers): item-rest below {LOW_ITEM_REST:.2f};")
    echo(f"  languages more than {DIF_POINTS:.0f} points apart at equal basic score of the area")
    flags = 0
    for figures in report.low_discrimination:
        rest = "–" if figures.item_rest is None else f"{figures.item_rest:.2f}"
        echo(f"  {figures.item_id}: item-rest {rest}, it hardly tells stronger from weaker")
        flags += 1
    for difference in report.language_flags:
        if language and language not in (difference.language, difference.other):
            continue
        echo(
            f"  {difference.item_id}: {difference.language} {-difference.points:.0f} points below "
            f"{difference.other} ({difference.answers[0]:,} and {difference.answers[1]:,} answers)"
        )
        flags += 1
    if not flags:
        echo("  none")


@cli.command()
@click.option(
    "--into",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The combined database (created when missing, in an existing folder).",
)
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
def merge(into: Path, sources: tuple[Path, ...]) -> None:
    """Combine several terminals' databases into one; merging twice changes nothing."""
    from skillcheck.copies import merge_databases

    with _FacilitatorErrors():
        # One step per source, shown on a terminal only; the results are printed after.
        with _progress(len(sources), "Merging") as advance:
            started = []

            def step(source: Path) -> None:
                if started:
                    advance()
                started.append(source)

            results = merge_databases(into, list(sources), progress=step)
            advance()
        for result in results:
            click.echo(
                f"{result.source}: {result.sessions_added:,} of "
                f"{result.sessions_in_source:,} sessions added"
            )


@cli.command()
@_db_options
@click.option(
    "--to",
    "destination",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The new copy (must not exist yet).",
)
def backup(db_path: Path | None, config_path: Path | None, destination: Path) -> None:
    """A consistent copy of the database, safe while the kiosk is running (a bar on a terminal)."""
    from skillcheck.copies import backup_database

    with _FacilitatorErrors():
        database = _database(db_path, config_path)
        with _progress(100, "Backing up") as advance:
            shown = 0

            def step(copied: int, total: int) -> None:
                nonlocal shown
                percent = copied * 100 // max(total, 1)
                advance(percent - shown)
                shown = percent

            count = backup_database(database, destination, progress=step)
        click.echo(f"{count:,} sessions backed up to {destination}")


@cli.command()
@_db_options
@click.option(
    "--before",
    required=True,
    metavar="YYYY-MM-DD",
    help="Delete every session of an earlier day (this day is kept).",
)
def purge(db_path: Path | None, config_path: Path | None, before: str) -> None:
    """Delete old sessions (retention); the daily count tables stay right."""
    from skillcheck.copies import purge_sessions

    with _FacilitatorErrors():
        day = _day(before, "--before")
        result = purge_sessions(_database(db_path, config_path), day)
        click.echo(
            f"{result.sessions:,} sessions before {result.before} removed "
            f"({result.area_results:,} area results, {result.answers:,} answers)"
        )


@cli.command()
@_db_options
@click.option(
    "--region",
    type=click.Choice(["brussels", "flanders", "wallonia"]),
    default=None,
    help="The terminal's region, for its old sessions [default: the site config's].",
)
def upgrade(db_path: Path | None, config_path: Path | None, region: str | None) -> None:
    """Bring a database of an older skillcheck to this version's schema (backup first)."""
    from skillcheck.store import SCHEMA_VERSION, upgrade_database

    with _FacilitatorErrors():
        if region is None and config_path is not None:
            from skillcheck.config import load_config

            region = load_config(config_path).region
        path = _database(db_path, config_path)
        old = upgrade_database(path, region)
        if old == SCHEMA_VERSION:
            click.echo(f"{path}: already at schema version {SCHEMA_VERSION}")
        else:
            # Version 5 stored each session's region already; older ones get this one.
            given = f" (old sessions' region: {region or 'unknown'})" if old < 5 else ""
            click.echo(
                f"{path}: upgraded from schema version {old} to {SCHEMA_VERSION}"
                f"{given}; the old file is kept beside it"
            )


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


@cli.command("set-pin")
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
    if config_path.exists():
        try:
            tomllib.loads(config_path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            _fail(f"{config_path}: not UTF-8 text; nothing was changed")
        except tomllib.TOMLDecodeError as error:
            _fail(f"{config_path}: not valid TOML ({error}); nothing was changed")
        except OSError as error:
            _fail(f"{config_path}: cannot be read ({error.strerror}); nothing was changed")
    elif not config_path.parent.is_dir():
        _fail(f"{config_path}: the folder {config_path.parent} does not exist")

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
        if not config_path.exists():
            config_path.write_text(
                "# A skillcheck site config: see examples/site.toml for every key.\n",
                encoding="utf-8",
            )
        write_pin_file(pin_file, hash_pin(pin), owner_of=config_path)
        moved = drop_config_hash(config_path)
    except OSError as error:
        _fail(f"{pin_file}: cannot be written ({error.strerror}); the PIN was not changed")
    click.echo(f"PIN hash written to {pin_file} (readable only by its owner).")
    if moved:
        click.echo(f"The old pin_hash line was removed from {config_path}.")
    click.echo("The PIN itself is not stored anywhere.")


@cli.command()
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
        _fail(f"{lock_file_for(config_path)}: {error.strerror}")
    click.echo("Lock-out cleared." if had else "There was no lock-out.")


# --- browser mode ---------------------------------------------------------------


@cli.command()
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
        _fail(str(error))


def main() -> None:
    """Console-script entry point."""
    cli()
