"""The `hagaki` command: a thin click layer over the library.

Exit codes: 0 done, 1 an error the user can fix (message, no traceback), 2 wrong usage.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import sys
from pathlib import Path

import click

from mailmerge.config import FONT_ROLES, Settings, load_settings
from mailmerge.errors import HagakiError
from mailmerge.layout.profiles import load_profile
from mailmerge.package_files import package_file
from mailmerge.run import (
    DUPLEX,
    SIDES,
    SORTS,
    RunOptions,
    RunReport,
    default_log_path,
    print_cards,
)
from mailmerge.selection.plan import SITUATIONS
from mailmerge.sendlog.store import SendLog
from mailmerge.sources.customers import ReadOptions
from mailmerge.typeface.catalog import FontCatalog

DEMO_DAY = dt.date(2026, 11, 23)  # the sample sales are dated around this day
DEMO_SUMMER_DAY = dt.date(2026, 7, 20)


def user_errors(command):
    """Turn every HagakiError into a one-line message and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except HagakiError as error:
            raise click.ClickException(str(error)) from None

    return wrapper


config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
    help="hagaki.toml with [sender], [fonts], [address], [print] and [columns] settings.")


def reading_options(command):
    """--encoding and --sheet, shared by the commands that read customer files."""
    command = click.option("--sheet", help="XLSX: the sheet to read (default: the first).")(
        command)
    return click.option("--encoding",
                        help="CSV/TSV: force the encoding (utf-8, cp932); detected otherwise."
                        )(command)


def _settings(config_path: Path | None) -> Settings:
    if config_path is None and Path("hagaki.toml").is_file():
        config_path = Path("hagaki.toml")
    return load_settings(config_path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hagaki-mailmerge")
def main() -> None:
    """hagaki: thank-you, seasonal and win-back postcards for a shop's customers."""


def plan_options(command):
    """--sales, --situation and --date, shared by print and plan."""
    command = click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]),
                           help="Plan as of this day (default: today).")(command)
    command = click.option("--situation",
                           type=click.Choice(["auto", *SITUATIONS]),
                           help="The kind of card; auto (the default with --sales) picks "
                                "thanks, dormant or winback per customer.")(command)
    return click.option("--sales", type=click.Path(path_type=Path),
                        help="A sales list (顧客ID, 日付, 商品, 金額).")(command)


@main.command("print")
@click.argument("customers", type=click.Path(path_type=Path))
@click.option("--side", type=click.Choice(list(SIDES)), default="address", show_default=True,
              help="Which side of the card: address, message, or both (interleaved).")
@click.option("--out", "output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("cards.pdf"), show_default=True, help="The PDF to write.")
@config_option
@plan_options
@click.option("--template", type=click.Path(dir_okay=False, path_type=Path),
              help="A Jinja2 template file for every message (instead of the built-ins).")
@click.option("--horizontal", is_flag=True, help="Set the message side horizontally.")
@click.option("--handwriting/--no-handwriting", default=True, show_default=True,
              help="Small per-character variation on the message side.")
@click.option("--image", type=click.Path(dir_okay=False, path_type=Path),
              help="A PNG/JPEG (logo, illustration) for the message side.")
@click.option("--docx", "docx_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the message sides as an editable Word file.")
@click.option("--layout", help="Card profile: official, nenga, plain, or a .toml file.")
@click.option("--offset-x", type=float, help="Shift everything right by this many mm.")
@click.option("--offset-y", type=float, help="Shift everything down by this many mm.")
@click.option("--strict", is_flag=True, help="Write nothing if any row has an error.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The send log (default: hagaki-log.sqlite beside hagaki.toml).")
@click.option("--force", is_flag=True, help="Print again cards the log says were printed.")
@click.option("--reprint", multiple=True, metavar="ID",
              help="Print these customers' cards again (a jammed sheet); repeatable.")
@click.option("--sort", type=click.Choice(list(SORTS)), default="postal", show_default=True,
              help="Stack order: postal code (区分 order), customer id or name.")
@click.option("--duplex", type=click.Choice(list(DUPLEX)), default="interleave",
              show_default=True, help="--side both: one file (address, message, …) or two.")
@click.option("--flip", type=click.Choice(["long", "short"]), default="long",
              show_default=True, help="The edge your duplex printer turns the card on.")
@click.option("--batch-size", type=click.IntRange(min=1),
              help="Split into files of this many cards (what the tray takes).")
@click.option("--barcode", is_flag=True, help="Print Japan Post's customer barcode.")
@click.option("--indicia", type=click.Choice(["betsunou", "kounou"]),
              help="料金別納 or 料金後納 mark instead of stamps (10 cards or more).")
@click.option("--impose", type=click.Choice(["a4"]),
              help="Four cards per A4 sheet with crop marks, to cut yourself.")
@click.option("--preview", is_flag=True, help="Also write a contact sheet PNG to look at.")
@reading_options
@user_errors
def print_command(customers: Path, side: str, output: Path, config_path: Path | None,
                  sales: Path | None, situation: str | None, on, template: Path | None,
                  horizontal: bool, handwriting: bool, image: Path | None,
                  docx_path: Path | None, layout: str | None, offset_x: float | None,
                  offset_y: float | None, strict: bool, log_path: Path | None, force: bool,
                  reprint: tuple[str, ...], sort: str, duplex: str, flip: str,
                  batch_size: int | None, barcode: bool, indicia: str | None,
                  impose: str | None, preview: bool,
                  encoding: str | None, sheet: str | None) -> None:
    """Print the cards due today: the address side, the message side, or both.

    Example: hagaki print customers.csv --sales sales.csv --side both --out cards.pdf
    """
    settings = _settings(config_path)
    with _progress() as advance:
        options = RunOptions(
            layout=layout, offset_x=offset_x, offset_y=offset_y, strict=strict,
            encoding=encoding, sheet=sheet, side=side, sales=sales, situation=situation,
            date=on.date() if on else None, template=template, horizontal=horizontal,
            handwriting=handwriting, image=image, log=log_path, force=force, reprint=reprint,
            sort=sort, duplex=duplex, flip=flip, batch_size=batch_size, barcode=barcode,
            impose=impose, keep_messages=docx_path is not None, indicia=indicia,
            progress=advance)
        report = print_cards(customers, output, settings, options)
    if docx_path is not None and report.messages:
        from mailmerge.render.docx import write_docx

        write_docx(report.messages, docx_path)
        click.echo(f"wrote the message sides as Word → {docx_path}")
    if preview and report.outputs:
        from mailmerge.render.preview import contact_sheet

        sheet_path = report.outputs[0].with_suffix(".png")
        contact_sheet(report.outputs[0], sheet_path)
        click.echo(f"preview → {sheet_path}")
    _summarise(report, strict, settings.postage_yen)


@contextlib.contextmanager
def _progress():
    """A progress bar on stderr for long runs in a terminal; silent otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=0, label="cards", file=sys.stderr,
                           show_pos=True) as bar:
        def advance(count: int) -> None:
            bar.length = max(bar.length or 0, bar.pos + count)
            bar.update(count)
        yield advance


@main.command()
@click.argument("customers", type=click.Path(path_type=Path))
@plan_options
@click.option("--format", "output_format", type=click.Choice(["text", "json", "csv"]),
              default="text", show_default=True, help="text for people, json/csv for programs.")
@config_option
@reading_options
@user_errors
def plan(customers: Path, sales: Path | None, situation: str | None, on,
         output_format: str, config_path: Path | None, encoding: str | None,
         sheet: str | None) -> None:
    """Show who gets which card (and who does not, and why) without printing.

    Example: hagaki plan customers.csv --sales sales.csv --date 2026-12-01
    """
    from mailmerge.planning import format_plan, plan_cards
    settings = _settings(config_path)
    the_plan = plan_cards(customers, settings, ReadOptions(encoding, sheet, settings.columns),
                          sales, situation, on.date() if on else None)
    click.echo(format_plan(the_plan, output_format, settings), nl=False)


@main.command()
@click.argument("customers", type=click.Path(path_type=Path))
@click.option("--sales", type=click.Path(path_type=Path), help="A sales list to check too.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for people, json for programs.")
@click.option("--layout", help="Card profile to check the fit against.")
@config_option
@reading_options
@user_errors
def check(customers: Path, sales: Path | None, output_format: str, layout: str | None,
          config_path: Path | None, encoding: str | None, sheet: str | None) -> None:
    """Find every problem in a customer list before printing; exit 1 if any row has an error.

    Example: hagaki check customers.xlsx --sales sales.csv --format json
    """
    from mailmerge.check import check_files, format_text
    settings = _settings(config_path)
    options = ReadOptions(encoding, sheet, settings.columns)
    report = check_files(customers, settings, options, sales, layout)
    if output_format == "json":
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        for line in format_text(report):
            click.echo(line)
    if report.errors:
        raise SystemExit(1)


@main.command()
@click.option("--out", "folder", type=click.Path(file_okay=False, path_type=Path),
              default=Path("hagaki-demo"), show_default=True, help="Folder for the demo PDFs.")
@user_errors
def demo(folder: Path) -> None:
    """Print the bundled sample customers into ./hagaki-demo/.

    Example: hagaki demo
    """
    customers = package_file("data", "sample_customers.csv")
    settings = load_settings(package_file("data", "sample_hagaki.toml"))
    sales = package_file("data", "sample_sales.csv")
    log = folder / "demo-log.sqlite"  # the demo prints everything every time it runs
    runs = [
        ("address-official.pdf", RunOptions(layout="official", log=log, force=True)),
        ("address-plain.pdf", RunOptions(layout="plain", log=log, force=True)),
        ("cards-both-sides.pdf", RunOptions(side="both", sales=sales, date=DEMO_DAY, log=log,
                                            force=True)),
        ("shochu-messages.pdf", RunOptions(side="message", situation="shochu",
                                           date=DEMO_SUMMER_DAY, log=log, force=True)),
    ]
    for name, options in runs:
        click.echo(f"— {name} —")
        report = print_cards(customers, folder / name, settings, options)
        _summarise(report, strict=False, postage_yen=settings.postage_yen, exit_on_error=False)


@main.command()
@click.argument("customers", type=click.Path(path_type=Path))
@click.option("--sales", required=True, type=click.Path(path_type=Path),
              help="The sales list (顧客ID, 日付, 金額 …).")
@click.option("--log", "log_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The send log (default: hagaki-log.sqlite beside hagaki.toml, if there).")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]),
              help="The report's day (default: today).")
@click.option("--out", "target", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write an Excel workbook (.xlsx) with charts.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@config_option
@reading_options
@user_errors
def report(customers: Path, sales: Path, log_path: Path | None, on, target: Path | None,
           output_format: str, config_path: Path | None, encoding: str | None,
           sheet: str | None) -> None:
    """The stock-take of your customers: who is active, dormant, lapsed, and what cards bring.

    Example: hagaki report customers.csv --sales sales.csv --out report.xlsx
    """
    from mailmerge.report.build import build_report, text_lines
    from mailmerge.report.workbook import write_workbook
    settings = _settings(config_path)
    measures = build_report(customers, sales, settings,
                            ReadOptions(encoding, sheet, settings.columns),
                            log_path or default_log_path(settings),
                            on.date() if on else dt.date.today())
    if target is not None:
        write_workbook(measures, target)
    if output_format == "json":
        click.echo(json.dumps(measures.as_json(), ensure_ascii=False, indent=2, default=str))
    else:
        for line in text_lines(measures):
            click.echo(line)
        if target is not None:
            click.echo(f"\nworkbook → {target}")


@main.group()
def log() -> None:
    """The send log: what was printed, mailed, returned or cancelled."""


log_option = click.option("--log", "log_path", type=click.Path(dir_okay=False, path_type=Path),
                          help="The send log (default: hagaki-log.sqlite beside hagaki.toml).")


def _open_log(log_path: Path | None, config_path: Path | None) -> SendLog:
    path = log_path or default_log_path(_settings(config_path))
    if not path.is_file():
        raise HagakiError(f"no send log at {path}; print some cards first or pass --log")
    return SendLog(path)


@log.command("list")
@log_option
@config_option
@click.option("--customer", "customers", multiple=True, help="Only these customer ids.")
@click.option("--status", type=click.Choice(["printed", "mailed", "returned", "cancelled",
                                             "failed"]))
@click.option("--campaign", help="Only this campaign, e.g. nenga-2027.")
@user_errors
def log_list(log_path, config_path, customers, status, campaign) -> None:
    """List logged cards.

    Example: hagaki log list --campaign nenga-2027
    """
    store = _open_log(log_path, config_path)
    try:
        rows = store.cards(list(customers), status, campaign)
    finally:
        store.close()
    for row in rows:
        click.echo(f"{row['id']:>6}  {row['card_date']}  {row['customer_id']:<10} "
                   f"{row['situation']:<9} {row['status']:<9} {row['campaign']}  "
                   f"{Path(row['output_file']).name} p.{row['page']}")
    click.echo(f"{len(rows)} cards")


@log.command("export")
@log_option
@config_option
@click.option("--out", "target", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A .csv (UTF-8 with BOM, for Excel) or .xlsx file.")
@user_errors
def log_export(log_path, config_path, target: Path) -> None:
    """Export the log for a spreadsheet (formulas neutralised).

    Example: hagaki log export --out sent.xlsx
    """
    from mailmerge.sendlog.export import export
    store = _open_log(log_path, config_path)
    try:
        count = export(store.cards(), target)
    finally:
        store.close()
    click.echo(f"exported {count} cards → {target}")


def _status_command(name: str, status: str, summary: str):
    @log.command(name, help=summary)
    @click.argument("card_ids", nargs=-1, type=int)
    @click.option("--customer", "customers", multiple=True, help="Cards of these customers.")
    @click.option("--campaign", help="Every card of this campaign.")
    @log_option
    @config_option
    @user_errors
    def command(card_ids, customers, campaign, log_path, config_path) -> None:
        store = _open_log(log_path, config_path)
        try:
            count = store.set_status(status, list(card_ids), list(customers), campaign)
        finally:
            store.close()
        click.echo(f"{count} cards marked {status}")

    return command


_status_command("mark-mailed", "mailed", """Mark cards as posted.

    Example: hagaki log mark-mailed --campaign nenga-2027
    """)
_status_command("mark-returned", "returned", """Mark cards that came back (宛所不明); the
    customer gets no card until their address is corrected.

    Example: hagaki log mark-returned --customer C004
    """)
_status_command("cancel", "cancelled", """Cancel cards (thrown away, never posted); the rules
    treat them as not sent.

    Example: hagaki log cancel 17 18
    """)


@main.command()
@click.argument("pdf", type=click.Path(path_type=Path))
@click.option("--out", "target", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("sheet.png"), show_default=True, help="The PNG to write.")
@click.option("--pages", help="Which pages, e.g. 1-8 or 2,5-6 (default: all).")
@user_errors
def preview(pdf: Path, target: Path, pages: str | None) -> None:
    """Render a PDF's pages side by side into one PNG, to look at before printing.

    Example: hagaki preview cards.pdf --out sheet.png --pages 1-8
    """
    from mailmerge.render.preview import contact_sheet
    count = contact_sheet(pdf, target, pages)
    click.echo(f"{count} pages → {target}")


@main.command()
@click.option("--out", "target", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("calibrate.pdf"), show_default=True)
@click.option("--layout", default="official", show_default=True, help="Card profile.")
@config_option
@user_errors
def calibrate(target: Path, layout: str, config_path: Path | None) -> None:
    """Print a test card: a millimetre grid and the official boxes, shifted by your offsets.

    Measure where the boxes land on a real card and put the difference in hagaki.toml
    [print] offset_x / offset_y (mm; right and down are positive).

    Example: hagaki calibrate --layout nenga
    """
    from mailmerge.layout.calibration import calibration_page
    from mailmerge.render.pdf import write_pdf

    settings = _settings(config_path)
    page = calibration_page(load_profile(layout)).shifted(settings.offset_x, settings.offset_y)
    write_pdf([page], target, title="hagaki calibration")
    click.echo(f"calibration card → {target} (offsets x {settings.offset_x:+.1f} mm, "
               f"y {settings.offset_y:+.1f} mm)")


@main.command()
@click.option("--check", "check_file", type=click.Path(path_type=Path),
              help="A customer list: report the characters each font cannot draw.")
@config_option
@user_errors
def fonts(check_file: Path | None, config_path: Path | None) -> None:
    """List the fonts hagaki can use, or check a customer list against them.

    Example: hagaki fonts --check customers.csv
    """
    from mailmerge.fontcheck import check_fonts
    settings = _settings(config_path)
    if check_file is not None:
        for line in check_fonts(check_file, settings):
            click.echo(line)
        return
    for role in FONT_ROLES:
        click.echo(f"{role:8} {' → '.join(settings.font_chains[role])}")
    click.echo("")
    for entry in FontCatalog(list(settings.font_paths)).list_fonts():
        click.echo(f"{entry.origin:10} {entry.name}  ({entry.path})")


def _summarise(report: RunReport, strict: bool, postage_yen: int,
               exit_on_error: bool = True) -> None:
    """Tell the user what happened to every row; exit 1 when nothing was written and
    nothing was due."""
    for note in report.notes:
        click.echo(f"note: {note}")
    if report.written:
        count = len(report.cards)
        files = ", ".join(str(path) for path in report.outputs)
        click.echo(f"printed {count} cards → {files} "
                   f"(postage {count} × {postage_yen} yen = {count * postage_yen:,} yen)")
    if report.already_printed:
        days = sorted({day for _, day in report.already_printed})
        when = days[0].isoformat() if len(days) == 1 else f"{days[0]} … {days[-1]}"
        click.echo(f"{len(report.already_printed)} cards already printed on {when} "
                   f"(logged in {report.log}); --force prints them again")
    if report.skipped:
        click.echo(f"skipped {len(report.skipped)} rows with errors:")
        for problem in report.skipped:
            where = f"{report.source} row {problem.row}"
            who = f" ({problem.customer_id})" if problem.customer_id else ""
            column = f" {problem.column}" if problem.column else ""
            click.echo(f"  {where}{who}{column}: [{problem.code}] {problem.message}")
    for problem in report.warnings:
        click.echo(f"  warning: row {problem.row} {problem.column}: {problem.message}")
    if report.not_sent:
        click.echo(f"not sent to {len(report.not_sent)} customers:")
        for entry in report.not_sent:
            click.echo(f"  row {entry.customer.row} ({entry.customer.label}): [{entry.code}] "
                       f"{entry.reason}")
    if not report.written:
        if report.already_printed and not (strict and report.skipped):
            click.echo("nothing new to print")
            return
        reason = ("--strict: nothing written because some rows have errors" if strict
                  and report.skipped else "no card to print")
        if exit_on_error:
            raise click.ClickException(reason)
        click.echo(reason)
