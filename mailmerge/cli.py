"""The `hagaki` command: a thin click layer over the library.

Exit codes: 0 the command did what was asked (nothing new to print included); 1 rows had
errors, or something could not be done (one line saying what, no traceback); 2 wrong usage.
Every command finds the shop (hagaki.toml and the send log) through mailmerge.shop.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import sys
from pathlib import Path

import click

from mailmerge.cli_language import LocalisedGroup, lang_option
from mailmerge.config import FONT_ROLES, load_settings, printer_offsets
from mailmerge.errors import HagakiError
from mailmerge.i18n import N_, _
from mailmerge.layout.profiles import load_profile
from mailmerge.outputs import check_outputs, log_files
from mailmerge.package_files import package_file
from mailmerge.run import DUPLEX, SIDES, SORTS, RunOptions, print_cards
from mailmerge.selection.plan import SITUATIONS
from mailmerge.sendlog.edits import active_corrections
from mailmerge.sendlog.store import SendLog
from mailmerge.shop import Shop, open_shop
from mailmerge.sources.customers import ReadOptions
from mailmerge.summary import summary_lines
from mailmerge.typeface.catalog import FontCatalog

DEMO_DAY = dt.date(2026, 11, 23)  # the sample sales are dated around this day
DATE_WARNING_DAYS = 120  # a --date further than this from today is said out loud
DEMO_SUMMER_DAY = dt.date(2026, 7, 20)


def user_errors(command):
    """Turn every HagakiError (and a failed write) into a one-line message and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except HagakiError as error:
            raise click.ClickException(str(error)) from None
        except OSError as error:
            from mailmerge.outputs import describe_os_error

            raise click.ClickException(describe_os_error(error, error.filename or "")) from None

    return wrapper


config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
    help="hagaki.toml (default: $HAGAKI_CONFIG, else hagaki.toml beside the customer list or "
         "in a folder above it, else in the current folder).")
log_option = click.option("--log", "log_path", type=click.Path(dir_okay=False, path_type=Path),
                          help="The send log (default: hagaki-log.sqlite beside hagaki.toml).")
replace_option = click.option("--replace", is_flag=True,
                              help="Allow replacing an existing file at --out.")


def reading_options(command):
    """--encoding, --sheet, --source-format and --ship-to, and further customer files as extra
    arguments, shared by the commands that read customer files."""
    command = click.argument("more", nargs=-1, type=click.Path(path_type=Path))(command)
    command = click.option("--ship-to", is_flag=True,
                           help="Order exports: send the card to the gift recipient "
                                "(配送先) instead of the buyer.")(command)
    command = click.option("--source-format", metavar="NAME",
                           help="Read the file as this export (see hagaki formats); "
                                "detected from the header row otherwise.")(command)
    command = click.option("--sheet", help="XLSX: the sheet to read (default: the first).")(
        command)
    return click.option("--encoding",
                        help="CSV/TSV: force the encoding (utf-8, cp932); detected otherwise."
                        )(command)


def _shop(config_path: Path | None, near: Path | None = None,
          log_path: Path | None = None) -> Shop:
    """The shop every command works in; says which settings and log it uses (on stderr, so
    json and csv output stay clean)."""
    shop = open_shop(config_path, near, log_path)
    click.echo(shop.describe(), err=True)
    return shop


@click.group(cls=LocalisedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@lang_option
@click.version_option(package_name="hagaki-mailmerge")
def main() -> None:
    """hagaki: thank-you, seasonal and win-back postcards for a shop's customers.

    \b
    The shop: every command uses --config, else $HAGAKI_CONFIG, else hagaki.toml beside
    the customer list or in a folder above it, else hagaki.toml in the current folder; the
    send log hagaki-log.sqlite lives beside that hagaki.toml (--log to choose).

    \b
    Exit codes: 0 done (nothing new to print included); 1 rows had errors, or something
    could not be done (one line says what); 2 wrong usage.
    """
    for stream in (sys.stdout, sys.stderr):  # a console that cannot show 𠮷 gets \U00020bb7
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")


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
@click.option("--side", type=click.Choice(list(SIDES)),
              help="Which side of the card: address (the default), message, or both.")
@click.option("--out", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="The PDF to write (default: cards-DATE-runNNNN.pdf in the shop folder).")
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
@click.option("--offset-x", type=float, help="Shift everything right by this many mm (±20).")
@click.option("--offset-y", type=float, help="Shift everything down by this many mm (±20).")
@click.option("--printer", metavar="NAME",
              help="Use the offsets hagaki calibrate saved for this printer ([printers.NAME]).")
@click.option("--strict", is_flag=True, help="Write nothing if any row has an error.")
@log_option
@click.option("--force", is_flag=True, help="Print again cards the log says were printed.")
@click.option("--reprint", multiple=True, metavar="CARD|CUSTOMER",
              help="Print a logged card exactly again (a jammed sheet): its card number, or a "
                   "customer id for their latest card; repeatable.")
@click.option("--proof", is_flag=True,
              help="A proof: every card stamped 見本, nothing logged, nothing counted.")
@click.option("--replace", is_flag=True,
              help="Allow replacing existing files (a replaced run's cards are marked as no "
                   "longer in a file).")
@click.option("--no-sender", is_flag=True, help="Allow address sides without a [sender].")
@click.option("--sort", type=click.Choice(list(SORTS)), default="postal", show_default=True,
              help="Stack order: postal code (区分 order), customer id or name.")
@click.option("--duplex", type=click.Choice(list(DUPLEX)), default="interleave",
              show_default=True, help="--side both: one file (address, message, …) or two.")
@click.option("--flip", type=click.Choice(["long", "short"]), default="long",
              show_default=True, help="The edge your duplex printer turns the card on.")
@click.option("--batch-size", type=click.IntRange(min=1, max=5000),
              help="Split into files of this many cards (what the tray takes).")
@click.option("--barcode", is_flag=True, help="Print Japan Post's customer barcode.")
@click.option("--indicia", type=click.Choice(["betsunou", "kounou"]),
              help="料金別納 or 料金後納 mark instead of stamps (10 cards or more).")
@click.option("--impose", type=click.Choice(["a4"]),
              help="Four cards per A4 sheet with crop marks, to cut yourself.")
@click.option("--preview", is_flag=True, help="Also write a contact sheet PNG to look at.")
@click.option("--run-sheet", is_flag=True,
              help="Also write the run sheet (発送明細, …-sheet.pdf beside the cards): counts, "
                   "postage, 区分 groups, every card with its file and page.")
@reading_options
@user_errors
def print_command(customers: Path, side: str | None, output: Path | None,
                  config_path: Path | None, sales: Path | None, situation: str | None, on,
                  template: Path | None, horizontal: bool, handwriting: bool,
                  image: Path | None, docx_path: Path | None, layout: str | None,
                  offset_x: float | None, offset_y: float | None, printer: str | None,
                  strict: bool, log_path: Path | None, force: bool, reprint: tuple[str, ...],
                  proof: bool,
                  replace: bool, no_sender: bool, sort: str, duplex: str, flip: str,
                  batch_size: int | None, barcode: bool, indicia: str | None,
                  impose: str | None, preview: bool, run_sheet: bool,
                  encoding: str | None, sheet: str | None, source_format: str | None,
                  ship_to: bool, more: tuple[Path, ...]) -> None:
    """Print the cards due today: the address side, the message side, or both.

    Example: hagaki print customers.csv --sales sales.csv --side both
    """
    shop = _shop(config_path, customers, log_path)
    if on is not None and abs((on.date() - dt.date.today()).days) > DATE_WARNING_DAYS:
        click.echo(f"注意: --date {on.date()} は今日（{dt.date.today()}）から "
                   f"{abs((on.date() - dt.date.today()).days)} 日離れています。"
                   "はがきの日付とお礼・休眠の判定はこの日で行います", err=True)
    if printer is not None:
        printer_x, printer_y = printer_offsets(shop.settings, printer)
        offset_x = printer_x if offset_x is None else offset_x
        offset_y = printer_y if offset_y is None else offset_y
    with _progress() as advance:
        options = RunOptions(
            layout=layout, offset_x=offset_x, offset_y=offset_y, strict=strict,
            encoding=encoding, sheet=sheet, side=side, sales=sales, situation=situation,
            date=on.date() if on else None, template=template, horizontal=horizontal,
            handwriting=handwriting, image=image, log=shop.log_path, force=force,
            reprint=reprint, sort=sort, duplex=duplex, flip=flip, batch_size=batch_size,
            barcode=barcode, impose=impose, docx=docx_path, indicia=indicia, proof=proof,
            replace=replace, no_sender=no_sender, folder=shop.folder, progress=advance,
            run_sheet=run_sheet,
            source_format=source_format, ship_to=ship_to, more_customers=more)
        report = print_cards(customers, output, shop.settings, options)
    for line in summary_lines(report, strict, shop.settings.postage_yen):
        click.echo(line)
    if report.run_sheet is not None:
        click.echo(f"発送明細 → {report.run_sheet}")
    if preview and report.outputs:
        _write_preview(report.outputs[0], report.outputs[0].with_suffix(".png"))
    if report.skipped:
        raise SystemExit(1)


def _write_preview(pdf: Path, target: Path) -> None:
    """The contact sheet after a run: a failure here is a warning, the cards stay printed."""
    from mailmerge.render.preview import contact_sheet

    try:
        check_outputs([target], [pdf], replace=False)
        contact_sheet(pdf, target)
    except (HagakiError, OSError) as error:
        click.echo(f"注意: 見本画像は作れませんでした（{error}）。印刷と記録はできています")
        return
    click.echo(f"見本画像 → {target}")


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
@log_option
@reading_options
@user_errors
def plan(customers: Path, sales: Path | None, situation: str | None, on,
         output_format: str, config_path: Path | None, log_path: Path | None,
         encoding: str | None, sheet: str | None, source_format: str | None, ship_to: bool,
         more: tuple[Path, ...]) -> None:
    """Show who gets which card (and who does not, and why) without printing: exactly what
    `hagaki print` would do today, read from the same send log.

    Example: hagaki plan customers.csv --sales sales.csv --date 2026-12-01
    """
    from mailmerge.planning import format_plan, plan_cards
    shop = _shop(config_path, customers, log_path)
    settings = shop.settings
    options = ReadOptions(encoding, sheet, settings.columns, source_format, ship_to, more,
                          active_corrections(shop.log_path))
    the_plan = plan_cards(customers, settings, options, sales, situation,
                          on.date() if on else None, shop.log_path)
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
          config_path: Path | None, encoding: str | None, sheet: str | None,
          source_format: str | None, ship_to: bool, more: tuple[Path, ...]) -> None:
    """Find every problem in a customer list before printing; exit 1 if any row has an error.

    Example: hagaki check customers.xlsx --sales sales.csv --format json
    """
    from mailmerge.check import check_files, format_text
    shop = _shop(config_path, customers)
    settings = shop.settings
    options = ReadOptions(encoding, sheet, settings.columns, source_format, ship_to, more,
                          active_corrections(shop.log_path))
    report = check_files(customers, settings, options, sales, layout, shop.log_path)
    if output_format == "json":
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        for line in format_text(report):
            click.echo(line)
    if report.errors:
        raise SystemExit(1)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--name", help="The shop's name as printed (差出人).")
@click.option("--postal-code", help="The shop's postal code, e.g. 150-0001.")
@click.option("--address", help="The shop's address (都道府県から).")
@click.option("--address2", default="", help="Building and floor, if any.")
@user_errors
def init(folder: Path, name: str | None, postal_code: str | None, address: str | None,
         address2: str) -> None:
    """Make a shop folder: a commented hagaki.toml with your shop as the sender.

    Example: hagaki init myshop --name 雑貨店 --postal-code 150-0001 --address 東京都渋谷区…
    """
    from mailmerge.init import write_shop_config

    ask = sys.stdin.isatty()
    name = name or (click.prompt("店名（差出人）") if ask else None)
    postal_code = postal_code or (click.prompt("郵便番号") if ask else None)
    address = address or (click.prompt("住所") if ask else None)
    if not (name and postal_code and address):
        raise click.UsageError("--name, --postal-code と --address を指定してください")
    path = write_shop_config(folder, name, postal_code, address, address2)
    click.echo(f"設定を作りました → {path}")
    click.echo(f"次に: 顧客リストを {folder} に置いて、"
               f"hagaki check {folder / 'customers.csv'} で確かめ、"
               f"hagaki print {folder / 'customers.csv'} --proof で見本を刷ってください")


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
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "demo-log.sqlite"  # the demo prints everything every time it runs
    common = {"log": log, "force": True, "replace": True}
    runs = [
        ("address-official.pdf", RunOptions(layout="official", **common)),
        ("address-plain.pdf", RunOptions(layout="plain", **common)),
        ("cards-both-sides.pdf", RunOptions(side="both", sales=sales, date=DEMO_DAY,
                                            **common)),
        ("shochu-messages.pdf", RunOptions(side="message", situation="shochu",
                                           date=DEMO_SUMMER_DAY, **common)),
    ]
    for name, options in runs:
        click.echo(f"— {name} —")
        report = print_cards(customers, folder / name, settings, options)
        for line in summary_lines(report, strict=False, postage_yen=settings.postage_yen):
            click.echo(line)


@main.command()
@click.argument("customers", type=click.Path(path_type=Path))
@click.option("--sales", required=True, type=click.Path(path_type=Path),
              help="The sales list (顧客ID, 日付, 金額 …).")
@log_option
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]),
              help="The report's day (default: today).")
@click.option("--out", "target", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write an Excel workbook (.xlsx) with charts, or an A4 PDF (.pdf).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@config_option
@replace_option
@reading_options
@user_errors
def report(customers: Path, sales: Path, log_path: Path | None, on, target: Path | None,
           output_format: str, config_path: Path | None, replace: bool, encoding: str | None,
           sheet: str | None, source_format: str | None, ship_to: bool,
           more: tuple[Path, ...]) -> None:
    """The stock-take of your customers: who is active, dormant, lapsed, and what cards bring.

    Example: hagaki report customers.csv --sales sales.csv --out report.pdf
    """
    from mailmerge.report.build import build_report, text_lines
    from mailmerge.report.workbook import write_workbook
    shop = _shop(config_path, customers, log_path)
    settings = shop.settings
    if target is not None:
        check_outputs([target], [customers, *more, sales, shop.config_path,
                                 *log_files(shop.log_path)], replace, (".xlsx", ".pdf"))
    measures = build_report(customers, sales, settings,
                            ReadOptions(encoding, sheet, settings.columns, source_format,
                                        ship_to, more, active_corrections(shop.log_path)),
                            shop.log_path,
                            on.date() if on else dt.date.today())
    if target is not None and target.suffix.lower() == ".pdf":
        from mailmerge.paperwork.stocktake import write_stocktake

        write_stocktake(measures, settings, target)
    elif target is not None:
        write_workbook(measures, target)
    if output_format == "json":
        click.echo(json.dumps(measures.as_json(), ensure_ascii=False, indent=2, default=str))
    else:
        for line in text_lines(measures):
            click.echo(line)
        if target is not None:
            click.echo(f"\n{'PDF' if target.suffix.lower() == '.pdf' else 'workbook'} → {target}")


@main.group()
def log() -> None:
    """The send log: what was printed, mailed, returned or cancelled."""


def _open_log(shop: Shop) -> SendLog:
    """The shop's send log, with any run an interrupted hagaki left settled first."""
    path = shop.log_path
    if not path.is_file():
        raise HagakiError(f"送付記録がありません: {path}（まだ何も印刷していないか、"
                          "--log か --config で場所を指定してください）")
    store = SendLog(path)
    try:
        for note in store.settle_unfinished():
            click.echo(f"お知らせ: {note}", err=True)
    except BaseException:
        store.close()
        raise
    return store


@log.command("list")
@log_option
@config_option
@click.option("--customer", "customers", multiple=True, help="Only these customer ids.")
@click.option("--status", type=click.Choice(["printed", "mailed", "returned", "cancelled"]))
@click.option("--campaign", help="Only this campaign, e.g. nenga-2027.")
@user_errors
def log_list(log_path, config_path, customers, status, campaign) -> None:
    """List logged cards: number, card date, customer, kind, status, campaign, file and page.

    Example: hagaki log list --campaign nenga-2027
    """
    with _open_log(_shop(config_path, None, log_path)) as store:
        rows = store.cards(list(customers), status, campaign)
    for row in rows:
        file_name = Path(row["output_file"]).name if row["output_file"] else "-"
        if row["file_state"] == "replaced":
            file_name += "（置き換え済み: もうこのファイルにはありません）"
        reprint = f" ← {row['reprint_of']} の刷り直し" if row["reprint_of"] else ""
        click.echo(f"{row['id']:>6}  {row['card_date']}  {row['customer_id']:<10} "
                   f"{row['situation']:<9} {row['status']:<9} {row['campaign']}  "
                   f"{file_name} p.{row['page']}{reprint}")
    click.echo(f"{len(rows)} 枚")


@log.command("verify")
@log_option
@config_option
@user_errors
def log_verify(log_path, config_path) -> None:
    """Check every logged card against its file: there, unchanged, with the card's page.

    Example: hagaki log verify
    """
    from mailmerge.sendlog.verify import verify

    with _open_log(_shop(config_path, None, log_path)) as store:
        result = verify(store)
    for line in result.lines():
        click.echo(line)
    if result.problems:
        raise SystemExit(1)


@log.command("export")
@log_option
@config_option
@click.option("--out", "target", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A .csv (UTF-8 with BOM, for Excel) or .xlsx file.")
@replace_option
@user_errors
def log_export(log_path, config_path, target: Path, replace: bool) -> None:
    """Export the log for a spreadsheet (formulas neutralised).

    Example: hagaki log export --out sent.xlsx
    """
    from mailmerge.sendlog.export import export
    shop = _shop(config_path, None, log_path)
    check_outputs([target], [*log_files(shop.log_path), shop.config_path], replace,
                  (".csv", ".xlsx"))
    with _open_log(shop) as store:
        count = export(store.cards(), target)
    click.echo(f"{count} 枚を書き出しました → {target}")


CARD_NUMBER = click.IntRange(min=1, max=2 ** 63 - 1)


def _status_command(name: str, status: str, summary: str):
    @log.command(name, help=summary)
    @click.argument("card_ids", nargs=-1, type=CARD_NUMBER)
    @click.option("--customer", "customers", multiple=True, help="Cards of these customers.")
    @click.option("--campaign", help="Every card of this campaign.")
    @log_option
    @config_option
    @user_errors
    def command(card_ids, customers, campaign, log_path, config_path) -> None:
        with _open_log(_shop(config_path, None, log_path)) as store:
            change = store.set_status(status, list(card_ids), list(customers), campaign)
        if change.changed or not (change.unknown or change.refused):
            click.echo(f"{change.changed} 枚を {STATUS_LABELS[status]} にしました")
        if not change.changed and not card_ids:
            click.echo("指定に合うはがきがありません（hagaki log list で確かめてください）")
            raise SystemExit(1)
        if change.unknown:
            click.echo(f"送付記録にない番号: {', '.join(map(str, change.unknown))}")
        for card_id, now in change.refused:
            click.echo(f"{card_id} 番は今「{STATUS_WORDS.get(now, now)}」なので "
                       f"{STATUS_LABELS[status]} にできません")
        if change.unknown or change.refused:
            raise SystemExit(1)

    return command


STATUS_LABELS = {"mailed": "投函済み", "returned": "宛所不明で返送", "cancelled": "取り消し"}
STATUS_WORDS = {**STATUS_LABELS, "printed": "印刷済み", "pending": "印刷中"}

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
@click.option("--pages", help="Which pages, e.g. 1-8, 2,5-6 or all (default: the first 48). "
                             "More than 48 pages are paged into sheet-1.png, sheet-2.png …")
@replace_option
@user_errors
def preview(pdf: Path, target: Path, pages: str | None, replace: bool) -> None:
    """Render a PDF's pages side by side into PNGs of at most 48 pages, to look at before
    printing.

    Example: hagaki preview cards.pdf --out sheet.png --pages all
    """
    from mailmerge.render.preview import contact_sheets
    shop = open_shop(near=pdf)
    inputs = [pdf, shop.config_path, *log_files(shop.log_path)]
    sheets = contact_sheets(pdf, target, pages,
                            lambda paths: check_outputs(paths, inputs, replace, (".png",)))
    for path, count in sheets:
        click.echo(f"{count} ページを並べました → {path}")


@main.command()
@click.option("--out", "target", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("calibrate.pdf"), show_default=True)
@click.option("--layout", default="official", show_default=True, help="Card profile.")
@click.option("--printer", metavar="NAME",
              help="The printer to measure: its saved offsets are used, and --measured-x/-y "
                   "are saved for it ([printers.NAME] in hagaki.toml).")
@click.option("--measured-x", type=click.FloatRange(20, 80),
              help="Millimetres from the card's left edge to the printed cross's centre.")
@click.option("--measured-y", type=click.FloatRange(40, 110),
              help="Millimetres from the card's top edge to the printed cross's centre.")
@config_option
@replace_option
@user_errors
def calibrate(target: Path, layout: str, printer: str | None, measured_x: float | None,
              measured_y: float | None, config_path: Path | None, replace: bool) -> None:
    """Print a calibration card (scales, a cross, the feed direction, instructions), or save
    what you measured on it as your printer's offsets.

    Print the card, measure the cross's centre from the left and the top edge with a ruler,
    then run the command again with --measured-x and --measured-y: the offsets go into
    hagaki.toml as [printers.NAME]; print with --printer NAME to use them.

    Example: hagaki calibrate --printer PX-049A --measured-x 51.0 --measured-y 73.5
    """
    from mailmerge.layout.calibration import REFERENCE, calibration_page, offsets_from

    shop = _shop(config_path)
    settings = shop.settings
    current = settings.printers.get(printer or "", (settings.offset_x, settings.offset_y))
    if (measured_x is None) != (measured_y is None):
        raise click.UsageError("--measured-x と --measured-y は両方指定してください")
    if measured_x is not None and measured_y is not None:
        from mailmerge.printer_settings import save_printer_offsets

        if printer is None or shop.config_path is None:
            raise click.UsageError("測った値は hagaki.toml の [printers.名前] に保存します: "
                                   "--printer 名前 を付け、hagaki init で作った設定の"
                                   "フォルダで実行してください")
        offset_x, offset_y = offsets_from(measured_x, measured_y, current)
        save_printer_offsets(shop.config_path, printer, offset_x, offset_y)
        click.echo(f"{shop.config_path} の [printers.{printer}] に保存しました: "
                   f"offset_x {offset_x:+.2f} mm、offset_y {offset_y:+.2f} mm（十字は "
                   f"{REFERENCE[0]:.1f} / {REFERENCE[1]:.1f} mm の位置です）。"
                   f"印刷は hagaki print … --printer {printer}")
        return
    from mailmerge.render.pdf import write_pdf
    from mailmerge.typeface.roles import FontRoles

    check_outputs([target], [shop.config_path, *log_files(shop.log_path)], replace, (".pdf",))
    face = FontRoles(settings).chain("address").primary
    page = calibration_page(load_profile(layout), face).shifted(*current)
    write_pdf([page], target, title="hagaki calibration")
    click.echo(f"調整用カード → {target}（今のずれ補正 x {current[0]:+.2f} mm、"
               f"y {current[1]:+.2f} mm）")


@main.command()
def formats() -> None:
    """List the exports hagaki reads as they are (order exports, registers, address books).

    Example: hagaki formats
    """
    from mailmerge.sources.presets import all_presets

    kinds = {"orders": "注文（顧客＋売上）", "customers": "顧客", "sales": "売上（顧客番号で結合）"}
    for preset in all_presets():
        detected = "見出しで自動判定" if preset.detect else "--source-format で指定"
        click.echo(f"{preset.name:22} {preset.label}　{kinds[preset.kind]}、{detected}")


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
    settings = _shop(config_path, check_file).settings
    if check_file is not None:
        for line in check_fonts(check_file, settings):
            click.echo(line)
        return
    for role in FONT_ROLES:
        click.echo(f"{role:8} {' → '.join(settings.font_chains[role])}")
    click.echo("")
    for entry in FontCatalog(list(settings.font_paths)).list_fonts():
        click.echo(f"{entry.origin:10} {entry.name}  ({entry.path})")


@main.command(help=N_(
    "店をブラウザで開きます: 今日のはがき、印刷、送付記録、棚卸し。\n\n"
    "このパソコンからだけ開けます（127.0.0.1）。--host を付けると、お店のほかのパソコンからも"
    "パスワードを入れて開けます。\n\n"
    "例: hagaki serve myshop"))
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path),
                default=".")
@click.option("--port", type=click.IntRange(0, 65535), default=0,
              help=N_("127.0.0.1 のポート（既定: 空いているポート）。"))
@click.option("--no-browser", is_flag=True, help=N_("ブラウザを開きません。"))
@click.option("--host", help=N_("ほかのパソコンからも開けるように、この名前か IP アドレスで"
                                "待ち受けます（すべてのアドレスなら 0.0.0.0）。"
                                "パスワードが要ります。"))
@click.option("--password-file", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("--host のパスワードを 1 行目に書いたファイル。なければ環境変数 "
                      "HAGAKI_PASSWORD、それもなければ画面で（見えないように）たずねます。"))
@user_errors
def serve(folder: Path, port: int, no_browser: bool, host: str | None,
          password_file: Path | None) -> None:
    """Open the shop in the browser (127.0.0.1 only, unless --host with a password)."""
    import os

    from mailmerge.web.login import PasswordError, password_for_host
    from mailmerge.web.server import serve as run_server

    if password_file is not None and host is None:
        raise click.UsageError(_("--password-file は --host と一緒に使います"))
    password = None
    if host is not None:
        ask = functools.partial(click.prompt, _("パスワード"), hide_input=True,
                                confirmation_prompt=_("もう一度パスワード"))
        try:
            password = password_for_host(password_file, os.environ,
                                         ask if sys.stdin.isatty() else None)
        except PasswordError as error:
            raise click.UsageError(str(error)) from None
    run_server(folder, port, not no_browser, lambda line: click.echo(line, err=True),
               host, password)
