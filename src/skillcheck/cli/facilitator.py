"""The facilitators' commands: true counts, published figures, item statistics, and
the database's care (merge, backup, purge, upgrade).

Imports of store/reports/rich stay inside the commands so `skillcheck --help` stays
fast. Bad input ends in one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from skillcheck.cli.options import (
    DATABASE,
    FacilitatorErrors,
    Progress,
    database_path,
    day,
    db_options,
    fail,
    filters_of,
    lang_option,
    language_of,
    min_count_option,
    output_option,
    questions_option,
    rule_option,
    since_option,
    sqlite_only,
    until_option,
)


@click.command()
@db_options
@since_option
@until_option
@click.option("--site", default=None, help="Only this site.")
@rule_option
def stats(
    db_path: Path | None,
    config_path: Path | None,
    since: str | None,
    until: str | None,
    site: str | None,
    rule: int | None,
) -> None:
    """A summary in the terminal: sessions, completion, categories, areas, languages, sites."""
    from skillcheck.central import open_for_reading
    from skillcheck.reports import summarise

    with FacilitatorErrors():
        filters = filters_of(since, until, site, rule)
        path = database_path(db_path, config_path)
        db = open_for_reading(path)
        try:
            summary = summarise(db, filters)
        finally:
            db.close()
        _print_summary(path, filters, summary)
        if isinstance(path, Path):  # a terminal's own file: its spool and outbox
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


def _print_summary(path: Path | str, filters, summary) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    from skillcheck.digcomp import AREA_SHORT_NAMES as AREA_NAMES
    from skillcheck.plain_text import plain

    console = Console(highlight=False)
    # First, before any number: whose figures these are (issue 21).
    console.print(
        "[bold]True counts, for this site's staff and coordinator only: never publish them.[/]"
    )
    console.print("Published figures: `skillcheck publish`, then `export` or `report`.")
    # The period asked for; where a bound was not given, the first or last day with data.
    first = filters.since or summary.first_day or "…"
    last = filters.until or summary.last_day or "…"
    period = f"{first} … {last}" if summary.sessions or filters.since or filters.until else ""
    period = period or "no sessions"
    scope = f" · site {escape(plain(filters.site))}" if filters.site else ""
    console.print(f"skillcheck stats · {path} · {period}{scope}")
    console.print(
        f"Sessions {summary.sessions:,} · completed {summary.completed:,} "
        f"({summary.completion_rate:.1%}) · abandoned {summary.sessions - summary.completed:,}"
    )
    if summary.implausible:
        console.print(
            f"[bold]Warning:[/] {summary.implausible:,} session(s) with an implausible date "
            "(the kiosk's clock was wrong) are left out of every figure; "
            "`skillcheck purge --implausible` removes them."
        )
    from skillcheck.i18n import Translator
    from skillcheck.reports import rule_line

    console.print(rule_line(summary.rule, Translator()))
    for other, count in sorted(summary.other_rules.items()):
        console.print(
            f"Apart: {count:,} sessions scored by rule {other} (see them with --rule {other})."
        )
    if not summary.sessions:
        return
    if summary.headline is not None:
        console.print(
            f"[bold]At least basic skills: {summary.headline:.1%}[/] of completed visits "
            "(those who did not use the internet in 3 months included, as Eurostat counts)"
        )

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
    for column in ("area", "not assessed", "none", "basic", "above basic", "≥ basic"):
        areas.add_column(column, justify="left" if column == "area" else "right")
    areas.add_column("")
    for area, levels in summary.levels.items():
        total = sum(levels.values())
        part = share(levels["basic"] + levels["above_basic"], total)
        areas.add_row(
            f"{area} {AREA_NAMES[area]}",
            f"{levels['not_assessed']:,}",
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
                # A name from the database: no escape sequence, no rich markup.
                Text(plain(row.name)),
                f"{row.sessions:,}",
                f"{row.completed:,}",
                f"{part:.1%}",
                headline,
                _bar(share(row.sessions, summary.sessions), 16),
            )
        console.print(table)
    from skillcheck.digcomp import DSI_CAVEAT, DSI_RULE_CAVEAT
    from skillcheck.reports import context_lines

    caveat = DSI_RULE_CAVEAT if summary.rule >= 3 else DSI_CAVEAT
    for line in (caveat, *context_lines(Translator())):
        console.print(line, soft_wrap=False)


@click.command()
@db_options
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), required=True, help="Output format."
)
@click.option("--excel", is_flag=True, help="CSV for Belgian Excel: BOM, `;`, decimal comma.")
@click.option(
    "--by", type=click.Choice(["month", "quarter", "year"]), default="month", show_default=True
)
@click.option(
    "--group",
    default="",
    metavar="COLS",
    help="One of site, region, language, and/or area (levels per area), comma-separated.",
)
@min_count_option
@lang_option("headers, labels and notes")
@since_option
@until_option
@click.option("--site", default=None, help="Only this site.")
@output_option(required=False, help="Write here instead of standard output.")
def export(
    db_path: Path | None,
    config_path: Path | None,
    fmt: str,
    excel: bool,
    by: str,
    group: str,
    min_count: int | None,
    since: str | None,
    until: str | None,
    site: str | None,
    language: str | None,
    output: Path | None,
) -> None:
    """The released figures for funders: closed periods only, protected (docs/facilitators.md).

    Read-only: it shows what `skillcheck publish` released, never a fresh count.
    """
    import io

    from skillcheck.output import check_output_path, write_output
    from skillcheck.reports import export_database, report_translator, write_export

    with FacilitatorErrors():
        if excel and fmt != "csv":
            raise click.UsageError("--excel goes with --format csv")
        groups = [g.strip() for g in group.split(",") if g.strip()]
        from skillcheck.reports import GROUPS

        unknown = [g for g in groups if g not in GROUPS]
        if unknown:
            raise click.UsageError(f"unknown group {unknown[0]!r}: use {', '.join(GROUPS)}")
        filters = filters_of(since, until, site)
        t = report_translator(language_of(language, config_path))
        database = database_path(db_path, config_path)
        sources = _files(database)
        if output is not None:
            # Before anything is read: an export onto the database destroys it.
            check_output_path(output, kind=fmt, sources=sources)
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
            write_output(output, buffer.getvalue(), kind=fmt, sources=sources)
            click.echo(f"{len(table.rows)} rows written to {output}", err=True)


@click.command()
@db_options
@click.option(
    "--min-count",
    type=int,
    default=None,
    help="The network's threshold: set at the first publish (default 10, at least 5), "
    "only ever raised.",
)
@click.option(
    "--grace-days",
    type=int,
    default=None,
    help="A period closes this many days after its last day (default 14; only raised).",
)
def publish(
    db_path: Path | None,
    config_path: Path | None,
    min_count: int | None,
    grace_days: int | None,
) -> None:
    """Release the figures of every closed period, once (export and report read them)."""
    import datetime as dt

    from skillcheck.central import open_for_publishing
    from skillcheck.releases import publish as release

    with FacilitatorErrors():
        path = database_path(db_path, config_path)
        # An SQLite file, or a central database's URL as its owner role (any other
        # login is refused in one line before anything is written).
        db = open_for_publishing(path)
        try:
            result = release(db, dt.date.today(), min_count=min_count, grace_days=grace_days)
        finally:
            db.close()
        settings = result.settings
        click.echo(
            f"Network settings: threshold {settings.threshold}, "
            f"periods close {settings.grace_days} days after their end"
        )
        if result.release is None:
            click.echo("Nothing to release: no closed period is waiting.")
        else:
            click.echo(
                f"Release {result.release}: {len(result.periods)} periods "
                f"({', '.join(result.periods)}), {result.cells:,} figures; "
                "they never change from now on"
            )
        if result.waiting:
            click.echo(f"Not closed yet: {', '.join(result.waiting)}")


@click.command()
@db_options
@click.option(
    "--period",
    default=None,
    metavar="2026-03|2026-Q1|2026",
    help="A released month, quarter or year [default: the last released month].",
)
@click.option("--site", default=None, help="Only this site [default: the whole network].")
@lang_option("the page")
@min_count_option
@output_option(required=True, help="The PDF file to write.")
def report(
    db_path: Path | None,
    config_path: Path | None,
    period: str | None,
    site: str | None,
    language: str | None,
    min_count: int | None,
    output: Path,
) -> None:
    """A one-page PDF for funders from released figures: headline, trend, levels per area."""
    from skillcheck.central import open_for_reading
    from skillcheck.funder_report import REPORT_STEPS, render_pdf, report_figures
    from skillcheck.output import check_output_path, write_output
    from skillcheck.releases import parse_period
    from skillcheck.reports import report_translator

    with FacilitatorErrors():
        chosen = parse_period(period) if period else None
        t = report_translator(language_of(language, config_path))
        database = database_path(db_path, config_path)
        sources = _files(database)
        check_output_path(output, kind="pdf", sources=sources)
        with Progress(REPORT_STEPS + 1, "Building the report") as advance:
            db = open_for_reading(database)  # a file, or a central database's URL
            try:
                figures = report_figures(db, chosen, site, min_count)
            finally:
                db.close()
            advance()
            data = render_pdf(figures, t, step=advance)
        write_output(output, data, kind="pdf", sources=sources)
        click.echo(f"Report written to {output}", err=True)


@click.command()
@db_options
@since_option
@until_option
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

    Reads the completed visits of the bank version in --questions, read-only; only
    closed periods, and only languages with at least the network's threshold of
    visits in the window (answers item by item are staff data).
    """
    import datetime as dt

    from skillcheck.bank import load_bank
    from skillcheck.central import open_for_reading
    from skillcheck.item_statistics import item_report, read_visits
    from skillcheck.releases import closed_until, network_settings

    with FacilitatorErrors():
        since, until = day(since, "--since"), day(until, "--until")
        if since and until and since > until:
            raise click.UsageError(f"--since {since} is after --until {until}")
        bank = load_bank(questions_dir)
        path = database_path(db_path, config_path)
        db = open_for_reading(path)  # an SQLite file, or a central database's URL
        try:
            last_closed = closed_until(db, dt.date.today())
            settings = network_settings(db)
        finally:
            db.close()
        until = until or last_closed
        if until > last_closed:
            fail(
                f"items reads closed periods only: give --until {last_closed} or earlier "
                f"(periods close {settings.grace_days} days after their end); nothing printed"
            )
        report = item_report(bank, read_visits(path, bank.version, since, until))
        if language is not None and language not in report.visits:
            known = ", ".join(report.visits) or "none"
            fail(f"--lang {language}: no completed visits in that language (found: {known})")
        k = settings.threshold
        wanted = [language] if language is not None else list(report.visits)
        small = [w for w in wanted if report.visits[w] < k]
        if small:
            counts = ", ".join(f"{w}: fewer than {k}" for w in small)
            fail(
                f"too few completed visits in this window to show answers item by item "
                f"({counts}; at least {k} per language, the network's threshold): widen "
                "--since/--until; nothing printed"
            )
        _print_items(path, bank, report, since, until, language)


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"


def _print_items(path: Path, bank, report, since, until, language) -> None:
    """Plain lines within 80 columns: one row per item and language, then the flags."""
    from skillcheck.bank import DONT_KNOW
    from skillcheck.digcomp import AREA_SHORT_NAMES
    from skillcheck.item_statistics import (
        DELTA_B,
        DELTA_C,
        LOW_ITEM_REST,
        MIN_ANSWERS,
        SIGNIFICANCE,
    )

    echo = click.echo
    total = sum(report.visits.values())
    echo(f"skillcheck items · {path}")
    period = f"{since or '…'} … {until}"  # until: given, or the last closed day
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
            cases = f"{consistency.complete_cases:,} visits asked all of"
            items = ", ".join(consistency.items)
            echo(f"  Cronbach's alpha {alpha} (all languages), {cases}: {items}")
    echo("")
    echo(
        "The path is adaptive: each item is asked of the people its area's ticks lead to it, "
        "so alpha counts only visits asked all its items; item-rest is against the "
        "activities ticked, which every visit answered."
    )
    echo(f"Flags (at least {MIN_ANSWERS} answers): item-rest below {LOW_ITEM_REST:.2f};")
    echo(
        "  languages: Mantel-Haenszel at equal activities ticked, ETS class C "
        f"(|delta| >= {DELTA_C}, significantly above {DELTA_B:.0f}; p < {SIGNIFICANCE} "
        "after Bonferroni)"
    )
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
            f"{difference.other}, delta {difference.delta:.1f}, p {difference.p_value:.3g}, "
            f"class {difference.ets_class} ({difference.answers[0]:,} and "
            f"{difference.answers[1]:,} answers)"
        )
        flags += 1
    if not flags:
        echo("  none")


@click.command()
@click.option(
    "--into",
    type=DATABASE,
    required=True,
    metavar="FILE|URL",
    help="The combined database (created when missing, in an existing folder), or a "
    "central one as postgresql://… (its owner role).",
)
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
def merge(into: Path | str, sources: tuple[Path, ...]) -> None:
    """Combine several terminals' databases into one; merging twice changes nothing."""
    from skillcheck.copies import merge_databases

    with FacilitatorErrors():
        if isinstance(into, str):
            from skillcheck.central import merge_into_central

            for source, added, total in merge_into_central(into, list(sources)):
                click.echo(f"{source}: {added:,} of {total:,} sessions added")
            return
        # One step per source, shown on a terminal only; the results are printed after.
        with Progress(len(sources), "Merging") as advance:
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


@click.command()
@db_options
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

    with FacilitatorErrors():
        database = sqlite_only(
            database_path(db_path, config_path), "backup (a central database: pg_dump)"
        )
        with Progress(100, "Backing up") as advance:
            shown = 0

            def step(copied: int, total: int) -> None:
                nonlocal shown
                percent = copied * 100 // max(total, 1)
                advance(percent - shown)
                shown = percent

            count = backup_database(database, destination, progress=step)
        click.echo(f"{count:,} sessions backed up to {destination}")


@click.command()
@db_options
@click.option(
    "--before",
    default=None,
    metavar="YYYY-MM-DD",
    help="Delete every session of an earlier day (this day is kept; at most today).",
)
@click.option(
    "--implausible",
    is_flag=True,
    help="Delete every session made while the kiosk's clock was implausible.",
)
@click.option("--dry-run", is_flag=True, help="Only say what would be deleted.")
@click.option("--yes", is_flag=True, help="Delete without asking (for scripts).")
def purge(
    db_path: Path | None,
    config_path: Path | None,
    before: str | None,
    implausible: bool,
    dry_run: bool,
    yes: bool,
) -> None:
    """Delete old sessions (retention), or those with a wrong date; the daily count
    tables stay right.

    It says how many sessions of which days it will delete and, on a terminal, asks
    you to type yes; `--dry-run` only says it, `--yes` does not ask.
    """
    import datetime as dt

    from skillcheck.copies import purge_plan, purge_sessions

    with FacilitatorErrors():
        if before is None and not implausible:
            raise click.UsageError("give --before YYYY-MM-DD, --implausible, or both")
        first_kept = day(before, "--before") if before is not None else None
        # An SQLite file, or a central database's URL as its owner role (any other
        # login is refused in one line before anything is deleted).
        path = database_path(db_path, config_path)
        today = dt.date.today()
        if first_kept is not None and isinstance(path, str):
            # The earlier of this computer's date and the server's: a laptop whose
            # clock runs ahead cannot delete the server's live sessions.
            from skillcheck.central import reading
            from skillcheck.releases import network_today

            with reading(path) as reader:
                today = network_today(reader, today)
        if first_kept is not None and first_kept > today.isoformat():
            # A typo (2030 for 2023) would delete today's sessions and every other.
            fail(f"--before {first_kept} is after today ({today}); nothing was deleted")
        which = " or ".join(
            [f"before {first_kept}"] * (first_kept is not None)
            + ["with an implausible date"] * implausible
        )
        plan = purge_plan(path, first_kept, implausible=implausible)
        if not plan.sessions:
            click.echo(f"No session {which}: nothing to delete.")
            return
        click.echo(
            f"{plan.sessions:,} sessions of {len(plan.days):,} days {which} "
            f"will be deleted from {path}:"
        )
        for line in _purge_days(plan.days):
            click.echo(f"  {line}")
        if dry_run:
            click.echo("Nothing was deleted (--dry-run).")
            return
        if not yes:
            if not sys.stdin.isatty():
                fail("not on a terminal: add --yes to delete without asking, nothing was deleted")
            answer = click.prompt("Type yes to delete them", default="", show_default=False)
            if answer.strip().lower() != "yes":
                click.echo("Nothing was deleted.")
                raise click.exceptions.Exit(1)
        result = purge_sessions(path, first_kept, implausible=implausible)
        click.echo(
            f"{result.sessions:,} sessions {which} removed "
            f"({result.area_results:,} area results, {result.answers:,} answers)"
        )


def _files(database: Path | str) -> tuple[Path, ...]:
    """The database files an output must never overwrite (none for a central URL)."""
    return (database,) if isinstance(database, Path) else ()


def _purge_days(days: tuple[tuple[str, int], ...]) -> list[str]:
    """The days a purge deletes, one line each; by month when there are more than 31."""
    if len(days) <= 31:
        return [f"{day}: {count:,}" for day, count in days]
    months: dict[str, list[int]] = {}
    for day_, count in days:
        months.setdefault(day_[:7], []).append(count)
    return [
        f"{month}: {sum(counts):,} sessions on {len(counts)} days"
        for month, counts in months.items()
    ]


@click.command()
@db_options
@click.option(
    "--region",
    type=click.Choice(["brussels", "flanders", "wallonia"]),
    default=None,
    help="The terminal's region, for its old sessions [default: the site config's].",
)
def upgrade(db_path: Path | None, config_path: Path | None, region: str | None) -> None:
    """Bring a database of an older skillcheck to this version's schema (backup first)."""
    from skillcheck.store import SCHEMA_VERSION, upgrade_database

    with FacilitatorErrors():
        if region is None and config_path is not None:
            from skillcheck.config import load_config

            region = load_config(config_path).region
        path = sqlite_only(database_path(db_path, config_path), "upgrade")
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


COMMANDS = (stats, publish, export, report, items, merge, backup, purge, upgrade)
