"""The `hagaki` command: a thin click layer over the library.

Exit codes: 0 the command did what was asked (nothing new to print included); 1 rows had
errors, or something could not be done (one line saying what, no traceback); 2 wrong usage.
Every command finds the shop (hagaki.toml and the send log) through mailmerge.shop.folder.
Each command imports the library it needs inside its function, so `hagaki --help` (and a
command's first card) does not wait for the rest: tests/test_cli_startup.py keeps it so.
Help texts are Japanese msgids marked with N_ (translated when shown, cli_language.py);
every message goes through the catalogue (mailmerge.i18n).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import json
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mailmerge import __version__, clock
from mailmerge.errors import HagakiError
from mailmerge.i18n import N_, _, cards, ngettext
from mailmerge.i18n.cli_language import VERSION_OPTION_HELP, LocalisedGroup, lang_option
from mailmerge.i18n.click_words import install as install_click_words
from mailmerge.layout.paper import PAPERS
from mailmerge.runs.choices import DUPLEX, MEASURED_X, MEASURED_Y, SIDES, SORTS
from mailmerge.selection.situations import SITUATIONS
from mailmerge.templates.shop_kinds import CATEGORIES, CHANNELS

if TYPE_CHECKING:  # the library is imported by each command for itself: a quick start-up
    from mailmerge.sendlog.store import SendLog
    from mailmerge.shop.folder import Shop
    from mailmerge.sources.customers import ReadOptions

install_click_words()  # click's own words (Usage:, Error: …) in Japanese too


class _InWords:
    """A click number range that says its range and refusals in the person's words, with
    the value as typed ('-1', not '-1.0'); a number that is not finite (nan) is refused."""

    def _describe_range(self) -> str:
        low, high = (f"{bound:g}" if bound is not None else None for bound in (self.min, self.max))
        if high is None or self.max >= 2 ** 63 - 1:  # SQLite's largest number: no upper bound
            return _("{low} 以上", low=low)
        return _("{low}〜{high}", low=low, high=high)

    def convert(self, value, param, ctx):
        try:
            number = self._number_class(value)
        except (TypeError, ValueError):
            number = None
        if number is None or number != number or number in (float("inf"), float("-inf")):
            self.fail(_("{value!r} は数ではありません（{range}の数で書いてください）",
                        value=value, range=self._describe_range()), param, ctx)
        if (self.min is not None and number < self.min) or (
                self.max is not None and number > self.max):
            self.fail(_("{value} は範囲（{range}）の外です", value=value,
                        range=self._describe_range()), param, ctx)
        return number


class IntRange(_InWords, click.IntRange):
    """click.IntRange in words."""


class FloatRange(_InWords, click.FloatRange):
    """click.FloatRange in words."""


class Percent(FloatRange):
    """A share in percent, typed with or without its % sign: '10', '10%', '１０％'."""

    def convert(self, value, param, ctx):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).strip().removesuffix("%").strip()
        return super().convert(value, param, ctx)


DEMO_DAY = dt.date(2026, 11, 23)  # the sample sales are dated around this day
DATE_WARNING_DAYS = 120  # a --date further than this from today is said out loud
DEMO_SUMMER_DAY = dt.date(2026, 7, 20)


def user_errors(command):
    """Turn every HagakiError (and a failed write) into a one-line message and exit code 1;
    a reader that stopped reading (a closed pipe) is left to click, which exits quietly."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except HagakiError as error:
            raise click.ClickException(str(error)) from None
        except BrokenPipeError:  # `hagaki log list | head -1`: click ends quietly
            raise
        except OSError as error:
            from mailmerge.runs.outputs import describe_os_error

            raise click.ClickException(describe_os_error(error, error.filename or "")) from None

    return wrapper


config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
    help=N_("設定ファイル hagaki.toml（既定: $HAGAKI_CONFIG、なければ顧客リストと同じフォルダか"
            "その上のフォルダ、なければ今のフォルダの hagaki.toml）。"))
log_option = click.option("--log", "log_path", type=click.Path(dir_okay=False, path_type=Path),
                          help=N_("送付記録（既定: hagaki.toml の隣の hagaki-log.sqlite）。"))
replace_option = click.option("--replace", is_flag=True,
                              help=N_("--out のファイルが既にあれば置き換えます。"))


def reading_options(command):
    """--encoding, --sheet, --source-format and --ship-to, and further customer files as extra
    arguments, shared by the commands that read customer files."""
    command = click.argument("more", nargs=-1, type=click.Path(path_type=Path))(command)
    command = click.option("--ship-to", is_flag=True,
                           help=N_("注文データ: 購入者ではなく、贈り物の配送先にはがきを"
                                   "送ります。"))(command)
    command = click.option("--source-format", metavar="NAME",
                           help=N_("この書き出し形式として読みます（hagaki formats で一覧）。"
                                   "指定がなければ見出しの行から判定します。"))(command)
    command = click.option("--sheet", help=N_("XLSX: 読むシート（既定: 最初のシート）。"))(
        command)
    return click.option("--encoding",
                        help=N_("CSV/TSV: 文字コードを指定します（utf-8、cp932）。"
                                "指定がなければ判定します。"))(command)


def _shop(config_path: Path | None, near: Path | None = None,
          log_path: Path | None = None) -> Shop:
    """The shop every command works in; says which settings and log it uses (on stderr, so
    json and csv output stay clean)."""
    from mailmerge.shop.folder import open_shop

    shop = open_shop(config_path, near, log_path)
    click.echo(shop.describe(), err=True)
    return shop


def _read_options(shop: Shop, encoding: str | None, sheet: str | None,
                  source_format: str | None, ship_to: bool, more: tuple[Path, ...]
                  ) -> ReadOptions:
    """How plan, check and report read the shop's lists: its columns and corrections, and
    every core this process may use."""
    from mailmerge.runs.forked import usable_cores
    from mailmerge.sendlog.edits import active_corrections
    from mailmerge.sources.customers import ReadOptions

    return ReadOptions(encoding, sheet, shop.settings.columns, source_format, ship_to, more,
                       active_corrections(shop.log_path), usable_cores())


# Python looks for garbage cycles after every 700 new objects by default; a run keeps most of
# what it makes (rows, customers, pages) and makes few cycles, so it looks far less often
# (10,000 cards: about 20 ms less in this process and 15 ms in each worker).
GC_THRESHOLD = (50_000, 20, 20)


@click.group(cls=LocalisedGroup, context_settings={"help_option_names": ["-h", "--help"]},
             help=N_("hagaki: お客様へのお礼状、季節のはがき、再来店のお願いを印刷します。\n"
                     "\n"
                     "\b\n"
                     "店の設定: --config、なければ $HAGAKI_CONFIG、なければ顧客リストと\n"
                     "同じフォルダかその上のフォルダの hagaki.toml、なければ今のフォルダの\n"
                     "hagaki.toml を使います。送付記録 hagaki-log.sqlite はその hagaki.toml\n"
                     "の隣に置きます（--log で変えられます）。\n"
                     "\n"
                     "\b\n"
                     "終了コード: 0 できた（新しく印刷するはがきがない場合も）、\n"
                     "1 エラーのある行があった、またはできなかった（理由を 1 行で表示）、\n"
                     "2 使い方の誤り。"))
@lang_option
@click.version_option(__version__, help=VERSION_OPTION_HELP)
def main() -> None:
    """hagaki: thank-you, seasonal and win-back postcards for a shop's customers."""
    gc.set_threshold(*GC_THRESHOLD)
    for stream in (sys.stdout, sys.stderr):  # a console that cannot show 𠮷 gets \U00020bb7
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")


class DayOption(click.DateTime):
    """--date: a day written 2026-11-23, within the days hagaki plans for."""

    def __init__(self) -> None:
        super().__init__(["%Y-%m-%d"])

    def convert(self, value, param, ctx) -> dt.date:
        from mailmerge.selection.seasons import supported_day

        try:
            return supported_day(super().convert(value, param, ctx).date())
        except HagakiError as error:
            self.fail(str(error), param, ctx)


def plan_options(command):
    """--sales, --situation, --paper and --date, shared by print and plan."""
    command = click.option("--date", "on", type=DayOption(),
                           help=N_("この日の予定にします（既定: 今日）。"))(command)
    command = click.option("--paper", type=click.Choice(list(PAPERS)),
                           help=N_("用紙: nenga（年賀はがき）、official（通常はがき）、plain"
                                   "（私製はがき・インクジェット紙）、a4（A4 に 4 面）。既定は"
                                   "はがきの種類で決まります（年賀状は年賀はがき、[paper] で"
                                   "変えられます）。"))(command)
    command = click.option("--situation",
                           type=click.Choice(["auto", *SITUATIONS]),
                           help=N_("はがきの種類。auto（--sales があるときの既定）はお客様"
                                   "ごとに thanks、dormant、winback から選びます。"))(command)
    return click.option("--sales", type=click.Path(path_type=Path),
                        help=N_("売上リスト（顧客ID、日付、商品、金額）。"))(command)


holdout_option = click.option(
    "--holdout", type=Percent(0, 50), metavar="PERCENT",
    help=N_("今日送るお客様のうちこの割合（%）をくじで選び、今回は送りません"
            "（対照: hagaki report ではがきの効果を比べます）。年賀状は除きます。"))


@main.command("print", help=N_(
    "今日送るはがきを印刷します: 宛名面、文面、または両面。\n\n"
    "例: hagaki print customers.csv --sales sales.csv --side both"))
@click.argument("customers", type=click.Path(path_type=Path))
@click.option("--side", type=click.Choice(list(SIDES)),
              help=N_("印刷する面: address（宛名面、既定）、message（文面）、both（両面）。"))
@click.option("--out", "output", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("書き出す PDF（既定: 店のフォルダの cards-日付-runNNNN.pdf）。"))
@config_option
@plan_options
@click.option("--template", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("すべての文面に使う Jinja2 のテンプレートファイル（組み込みの代わり）。"))
@click.option("--horizontal", is_flag=True, help=N_("文面を横書きにします。"))
@click.option("--handwriting/--no-handwriting", default=True, show_default=True,
              help=N_("文面の字を一字ずつ少し揺らして、手書きらしくします。"))
@click.option("--image", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("文面に入れる PNG/JPEG の画像（ロゴ、イラスト）。"))
@click.option("--docx", "docx_path", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("文面を編集できる Word ファイルにも書き出します。"))
@click.option("--layout", help=N_("はがきの型: official、nenga、plain、または .toml ファイル。"))
@click.option("--offset-x", type=float,
              help=N_("全体を右へずらす量（mm、±20 まで）。"))
@click.option("--offset-y", type=float,
              help=N_("全体を下へずらす量（mm、±20 まで）。"))
@click.option("--printer", metavar="NAME",
              help=N_("hagaki calibrate でこのプリンターに保存したずれ補正を使います"
                      "（[printers.NAME]）。"))
@click.option("--strict", is_flag=True,
              help=N_("エラーのある行が一つでもあれば何も書きません。"))
@log_option
@click.option("--force", is_flag=True,
              help=N_("送付記録で印刷済みのはがきも、もう一度印刷します。"))
@click.option("--reprint", multiple=True, metavar="CARD|CUSTOMER",
              help=N_("記録したはがきをそのまま刷り直します（紙詰まりのとき）: はがき番号、"
                      "または顧客ID（その人の最新のはがき）。何度でも指定できます。"))
@click.option("--proof", is_flag=True,
              help=N_("見本: どのはがきにも「見本」と入れ、記録も数えもしません。"))
@click.option("--replace", is_flag=True,
              help=N_("既にあるファイルを置き換えます（置き換えた回のはがきは、"
                      "もうファイルにないと記録します）。"))
@click.option("--no-sender", is_flag=True,
              help=N_("[sender]（差出人）がなくても宛名面を印刷します。"))
@click.option("--sort", type=click.Choice(list(SORTS)), default="postal", show_default=True,
              help=N_("重ねる順: postal（郵便番号、区分の順）、id（顧客ID）、name（名前）。"))
@click.option("--duplex", type=click.Choice(list(DUPLEX)), default="interleave",
              show_default=True,
              help=N_("--side both のとき: interleave は 1 ファイル（宛名、文面、…）、"
                      "separate は 2 ファイル。"))
@click.option("--flip", type=click.Choice(["long", "short"]), default="long",
              show_default=True, help=N_("両面印刷でプリンターがはがきを返す辺（長辺・短辺）。"))
@click.option("--batch-size", type=IntRange(min=1, max=5000),
              help=N_("この枚数ごとにファイルを分けます（トレイに入る枚数）。"))
@click.option("--jobs", type=IntRange(min=1),
              help=N_("この数のプロセスで、はがきを同時に組みます（ファイルを分けた束は束ごとに、"
                      "1 つのファイルははがきを分け合って。既定: CPU のコアの数、多くてもコアの"
                      "数の 4 倍）。何にしても同じ PDF ができます。"))
@click.option("--barcode", is_flag=True, help=N_("郵便局のカスタマバーコードを印刷します。"))
@click.option("--indicia", type=click.Choice(["betsunou", "kounou"]),
              help=N_("切手の代わりに料金別納（betsunou）か料金後納（kounou）の表示"
                      "（10 通以上）。"))
@click.option("--impose", type=click.Choice(["a4"]),
              help=N_("A4 1 枚にはがき 4 枚を、トンボ付きで並べます（自分で切ります）。"))
@click.option("--preview", is_flag=True, help=N_("確かめ用の見本画像（PNG）も書き出します。"))
@click.option("--run-sheet", is_flag=True,
              help=N_("発送明細（はがきの隣の …-sheet.pdf）も書き出します: 枚数、切手代、"
                      "区分ごとの数、はがきごとのファイルとページ。"))
@holdout_option
@reading_options
@user_errors
def print_command(customers: Path, side: str | None, output: Path | None,
                  config_path: Path | None, sales: Path | None, situation: str | None,
                  paper: str | None, on,
                  template: Path | None, horizontal: bool, handwriting: bool,
                  image: Path | None, docx_path: Path | None, layout: str | None,
                  offset_x: float | None, offset_y: float | None, printer: str | None,
                  strict: bool, log_path: Path | None, force: bool, reprint: tuple[str, ...],
                  proof: bool,
                  replace: bool, no_sender: bool, sort: str, duplex: str, flip: str,
                  batch_size: int | None, jobs: int | None, barcode: bool, indicia: str | None,
                  impose: str | None, preview: bool, run_sheet: bool, holdout: float | None,
                  encoding: str | None, sheet: str | None, source_format: str | None,
                  ship_to: bool, more: tuple[Path, ...]) -> None:
    """Print the cards due today: the address side, the message side, or both."""
    from mailmerge.runs.jobs import RunOptions
    from mailmerge.runs.run import print_cards
    from mailmerge.runs.summary import summary_lines
    from mailmerge.shop.settings import printer_offsets

    shop = _shop(config_path, customers, log_path)
    if on is not None and abs((on - clock.today()).days) > DATE_WARNING_DAYS:
        days = abs((on - clock.today()).days)
        click.echo(ngettext("注意: --date {day} は今日（{today}）から {n:,} 日離れています。"
                            "はがきの日付とお礼・休眠の判定はこの日で行います",
                            "注意: --date {day} は今日（{today}）から {n:,} 日離れています。"
                            "はがきの日付とお礼・休眠の判定はこの日で行います",
                            days, day=on, today=clock.today()), err=True)
    if printer is not None:
        printer_x, printer_y = printer_offsets(shop.settings, printer)
        offset_x = printer_x if offset_x is None else offset_x
        offset_y = printer_y if offset_y is None else offset_y
    with _progress() as advance:
        options = RunOptions(
            paper=paper, layout=layout, offset_x=offset_x, offset_y=offset_y, strict=strict,
            encoding=encoding, sheet=sheet, side=side, sales=sales, situation=situation,
            date=on, template=template, horizontal=horizontal,
            handwriting=handwriting, image=image, log=shop.log_path, force=force,
            reprint=reprint, sort=sort, duplex=duplex, flip=flip, batch_size=batch_size,
            jobs=jobs,
            barcode=barcode, impose=impose, docx=docx_path, indicia=indicia, proof=proof,
            replace=replace, no_sender=no_sender, folder=shop.folder, progress=advance,
            run_sheet=run_sheet, holdout=holdout,
            source_format=source_format, ship_to=ship_to, more_customers=more)
        report = print_cards(customers, output, shop.settings, options)
    for line in summary_lines(report, strict, shop.settings.postage_yen):
        click.echo(line)
    if report.run_sheet is not None:
        click.echo(_("発送明細 → {path}", path=report.run_sheet))
    if preview and report.outputs:
        _write_preview(report.outputs[0], report.outputs[0].with_suffix(".png"))
    if report.written and not report.proof and report.run_id is not None:  # the next step
        click.echo(_("投函したら: hagaki log mark-mailed --run {run}", run=report.run_id))
    if report.skipped:
        raise SystemExit(1)


def _write_preview(pdf: Path, target: Path) -> None:
    """The run's contact sheets (every page, at most 48 a sheet) after a run: a failure here
    is a warning, the cards stay printed."""
    from mailmerge.render.preview import contact_sheets
    from mailmerge.runs.outputs import check_outputs

    try:
        sheets = contact_sheets(pdf, target, "all",
                                lambda paths: check_outputs(paths, [pdf], replace=False))
    except (HagakiError, OSError) as error:
        click.echo(_("注意: 見本画像は作れませんでした（{error}）。印刷と記録はできています",
                     error=error))
        return
    click.echo(ngettext("見本画像 → {path}", "見本画像 {n:,} 枚 → {path} …", len(sheets),
                        path=sheets[0][0]))


@contextlib.contextmanager
def _progress():
    """A progress bar on stderr for long runs in a terminal; silent otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=0, label=_("はがき"), file=sys.stderr,
                           show_pos=True) as bar:
        def advance(count: int) -> None:
            bar.length = max(bar.length or 0, bar.pos + count)
            bar.update(count)
        yield advance


@main.command(help=N_(
    "だれにどのはがきを送るかを表示します（印刷はしません）。送らないお客様とその理由も"
    "表示します。今日 hagaki print がすることと同じで、同じ送付記録を読みます。\n\n"
    "例: hagaki plan customers.csv --sales sales.csv --date 2026-12-01"))
@click.argument("customers", type=click.Path(path_type=Path))
@plan_options
@click.option("--format", "output_format", type=click.Choice(["text", "json", "csv"]),
              default="text", show_default=True,
              help=N_("text は人が読むため、json と csv はプログラム用。"))
@config_option
@log_option
@holdout_option
@reading_options
@user_errors
def plan(customers: Path, sales: Path | None, situation: str | None, paper: str | None, on,
         output_format: str, config_path: Path | None, log_path: Path | None,
         holdout: float | None, encoding: str | None, sheet: str | None,
         source_format: str | None, ship_to: bool, more: tuple[Path, ...]) -> None:
    """Show who gets which card today, and who does not and why, without printing."""
    from mailmerge.runs.jobs import RunOptions
    from mailmerge.runs.planning import format_plan, plan_cards
    from mailmerge.runs.run import paper_for
    shop = _shop(config_path, customers, log_path)
    settings = shop.settings
    options = _read_options(shop, encoding, sheet, source_format, ship_to, more)
    the_plan = plan_cards(customers, settings, options, sales, situation,
                          on, shop.log_path,
                          paper_for(RunOptions(paper=paper, situation=situation), settings),
                          holdout)
    click.echo(format_plan(the_plan, output_format, settings), nl=False)
    if the_plan.skipped_rows:  # as check and print: rows had errors
        raise SystemExit(1)


@main.command(help=N_(
    "印刷の前に、顧客リストの問題をすべて探します。エラーのある行があれば終了コードは 1 です。\n\n"
    "例: hagaki check customers.xlsx --sales sales.csv --format json"))
@click.argument("customers", type=click.Path(path_type=Path))
@click.option("--sales", type=click.Path(path_type=Path),
              help=N_("売上リストも確かめます。"))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help=N_("text は人が読むため、json はプログラム用。"))
@click.option("--layout", help=N_("収まるかを確かめるはがきの型。"))
@config_option
@reading_options
@user_errors
def check(customers: Path, sales: Path | None, output_format: str, layout: str | None,
          config_path: Path | None, encoding: str | None, sheet: str | None,
          source_format: str | None, ship_to: bool, more: tuple[Path, ...]) -> None:
    """Find every problem in a customer list before printing; exit 1 on an error."""
    from mailmerge.runs.check import check_files, format_text
    shop = _shop(config_path, customers)
    settings = shop.settings
    options = _read_options(shop, encoding, sheet, source_format, ship_to, more)
    report = check_files(customers, settings, options, sales, layout, shop.log_path)
    if output_format == "json":
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        for line in format_text(report):
            click.echo(line)
    if report.errors:
        raise SystemExit(1)


@main.command(help=N_(
    "店のフォルダを作ります: 店を差出人にした、説明付きの hagaki.toml。"
    "店の種類と買い方に合わせて、はがきの文面の言葉が変わります。\n\n"
    "例: hagaki init myshop --name ささき雑貨店 --postal-code 150-0001 "
    "--address 東京都渋谷区神宮前1-2-3 --kind goods --channel store"))
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--name", help=N_("はがきに印刷する店名（差出人）。"))
@click.option("--postal-code", help=N_("店の郵便番号（例: 150-0001）。"))
@click.option("--address", help=N_("店の住所（都道府県から）。"))
@click.option("--address2", default="", help=N_("建物名と階（あれば）。"))
@click.option("--phone", help=N_("店の電話番号（例: 03-1234-5678）。宛名面の差出人に小さく"
                                 "印刷されます。"))
@click.option("--email", help=N_("店のメールアドレス。文面で {{ shop.email }} と書けます。"))
@click.option("--url", help=N_("店のホームページ（https://… かドメイン）。文面で "
                               "{{ shop.url }} と書けます。"))
@click.option("--kind", type=click.Choice(CATEGORIES),
              help=N_("主に扱うもの: food（食べ物）、goods（品物）、services（施術・教室など）。"))
@click.option("--channel", type=click.Choice(CHANNELS),
              help=N_("お客様の買い方: store（店頭）、mail_order（通信販売）、both（両方）。"
                      "指定しなければ both。"))
@user_errors
def init(folder: Path, name: str | None, postal_code: str | None, address: str | None,
         address2: str, phone: str | None, email: str | None, url: str | None,
         kind: str | None, channel: str | None) -> None:
    """Make a shop folder with a commented hagaki.toml, the shop as the sender."""
    from mailmerge.shop.init import write_shop_config

    ask = sys.stdin.isatty()
    walk_through = ask and not (name or postal_code or address)  # the contact is asked too
    name = name or (click.prompt(_("店名（差出人）")) if ask else None)
    postal_code = postal_code or (click.prompt(_("郵便番号")) if ask else None)
    address = address or (click.prompt(_("住所")) if ask else None)
    if not (name and postal_code and address):
        raise click.UsageError(_("--name、--postal-code と --address を指定してください"))
    contact = {"phone": phone, "email": email, "url": url}
    for field, words in (("phone", N_("電話番号（なければそのまま Enter）")),
                         ("email", N_("メールアドレス（なければそのまま Enter）")),
                         ("url", N_("ホームページ（なければそのまま Enter）"))):
        if walk_through and contact[field] is None:
            contact[field] = click.prompt(_(words), default="", show_default=False)
    if ask and kind is None:
        kind = click.prompt(_("主に扱うもの（food: 食べ物、goods: 品物、"
                              "services: 施術・教室など）"), type=click.Choice(CATEGORIES))
    if ask and channel is None:
        channel = click.prompt(_("お客様の買い方（store: 店頭、mail_order: 通信販売、both: 両方）"),
                               type=click.Choice(CHANNELS))
    path = write_shop_config(folder, name, postal_code, address, address2, kind or "",
                             channel or "both", **{k: v or "" for k, v in contact.items()})
    click.echo(_("設定を作りました → {path}", path=path))
    customer_list = folder / "customers.csv"
    click.echo(_("次に: 顧客リストを {folder} に置いて、hagaki check {customers} で確かめ、"
                 "hagaki print {customers} --proof で見本を刷ってください",
                 folder=folder, customers=customer_list))


@main.command(help=N_("同梱の見本の顧客を ./hagaki-demo/ に印刷します。\n\n例: hagaki demo"))
@click.option("--out", "folder", type=click.Path(file_okay=False, path_type=Path),
              default=Path("hagaki-demo"), show_default=True,
              help=N_("見本の PDF を書き出すフォルダ。"))
@user_errors
def demo(folder: Path) -> None:
    """Print the bundled sample customers into ./hagaki-demo/."""
    from mailmerge.package_files import package_file
    from mailmerge.runs.jobs import RunOptions
    from mailmerge.runs.run import print_cards
    from mailmerge.runs.summary import summary_lines
    from mailmerge.shop.settings import load_settings

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
    from mailmerge.runs.demo_history import END, write_history

    history = write_history(folder / "history", package_file("data", "sample_hagaki.toml"))
    click.echo(_("はがきの効果の見本（1 年分の記録、対照のお客様つき）→ {folder}\n"
                 "  hagaki report {customers} --sales {sales} --date {day}",
                 folder=history.parent, customers=history, sales=history.parent / "sales.csv",
                 day=END))


@main.command(help=N_(
    "お客様の棚卸し: 来店中、休眠、離脱のお客様と、はがきの効果。\n\n"
    "例: hagaki report customers.csv --sales sales.csv --out report.pdf"))
@click.argument("customers", type=click.Path(path_type=Path))
@click.option("--sales", required=True, type=click.Path(path_type=Path),
              help=N_("売上リスト（顧客ID、日付、金額 …）。"))
@log_option
@click.option("--date", "on", type=DayOption(),
              help=N_("棚卸しの日（既定: 今日）。"))
@click.option("--out", "target", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("グラフ付きの Excel ブック（.xlsx）か A4 の PDF（.pdf）にも書き出します。"))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help=N_("text は人が読むため、json はプログラム用。"))
@config_option
@replace_option
@reading_options
@user_errors
def report(customers: Path, sales: Path, log_path: Path | None, on, target: Path | None,
           output_format: str, config_path: Path | None, replace: bool, encoding: str | None,
           sheet: str | None, source_format: str | None, ship_to: bool,
           more: tuple[Path, ...]) -> None:
    """The stock-take of the customers: active, dormant, lapsed, and what cards bring."""
    from mailmerge.report.build import build_report, text_lines
    from mailmerge.report.workbook import write_workbook
    from mailmerge.runs.outputs import check_outputs, log_files
    shop = _shop(config_path, customers, log_path)
    settings = shop.settings
    if target is not None:
        check_outputs([target], [customers, *more, sales, shop.config_path,
                                 *log_files(shop.log_path)], replace, (".xlsx", ".pdf"),
                      shop.lists())
    measures = build_report(customers, sales, settings,
                            _read_options(shop, encoding, sheet, source_format, ship_to,
                                          more),
                            shop.log_path,
                            on or clock.today())
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
            kind = "PDF" if target.suffix.lower() == ".pdf" else _("Excel ブック")
            click.echo(f"\n{kind} → {target}")


@main.group(help=N_("送付記録: 印刷、投函、返送、取り消ししたはがき。"))
def log() -> None:
    """The send log: what was printed, mailed, returned or cancelled."""


@contextlib.contextmanager
def _open_log(shop: Shop) -> Iterator[SendLog]:
    """The shop's send log, with any run an interrupted hagaki left settled first (said on
    stderr); an error when there is none yet."""
    from mailmerge.sendlog.store import SendLog

    path = shop.log_path
    with SendLog.settled(path, lambda note: click.echo(_("お知らせ: {note}", note=note),
                                                       err=True)) as store:
        if store is None:
            raise HagakiError(_("送付記録がありません: {path}（まだ何も印刷していないか、"
                                "--log か --config で場所を指定してください）", path=path))
        yield store


LOG_LIST_COLUMNS = ("id", "card_date", "customer_id", "customer_name", "kind", "status",
                    "campaign_words", "output_file", "page")


@log.command("list", help=N_(
    "記録したはがきの一覧: 番号、はがきの日付、顧客、種類、状態、キャンペーン、"
    "ファイルとページ。\n\n"
    "例: hagaki log list --campaign nenga-2027"))
@log_option
@config_option
@click.option("--customer", "customers", multiple=True, help=N_("この顧客IDのはがきだけ。"))
@click.option("--status", type=click.Choice(["printed", "mailed", "returned", "cancelled",
                                             "held-out"]),
              help=N_("この状態のはがきだけ（held-out: 対照として送らなかったお客様）。"))
@click.option("--campaign", help=N_("このキャンペーンのはがきだけ（例: nenga-2027）。"))
@user_errors
def log_list(log_path, config_path, customers, status, campaign) -> None:
    """List logged cards, then the customers held out: number, date, customer, kind, status,
    campaign, file and page."""
    from mailmerge.sendlog.labels import campaign_words, column_titles, kind_word, status_word

    with _open_log(_shop(config_path, None, log_path)) as store:
        rows = [] if status == "held-out" else store.cards(list(customers), status, campaign)
        held = [row for row in store.held_out_rows() if status in (None, "held-out")
                and (not customers or row["customer_id"] in customers)
                and (not campaign or row["campaign"] == campaign)]
    if rows or held:
        click.echo("\t".join(column_titles(LOG_LIST_COLUMNS)))
    for row in rows + held:
        file_name = Path(row["output_file"]).name if row["output_file"] else "-"
        if row["file_state"] == "replaced":
            file_name += _("（置き換え済み: もうこのファイルにはありません）")
        reprint = (_(" ← {card} 番の刷り直し", card=row["reprint_of"]) if row["reprint_of"]
                   else "")
        click.echo("\t".join([str(row["id"] or "-"), row["card_date"], row["customer_id"],
                              row["customer_name"] or "-", kind_word(row["situation"]),
                              status_word(row["status"]),
                              campaign_words(row["campaign"], row["situation"],
                                             row["card_date"]),
                              file_name, str(row["page"] or "-")]) + reprint)
    click.echo(cards(len(rows)))
    if held:
        click.echo(ngettext("対照（送らず）のお客様 {n:,}人（はがきの効果を測るため、くじで"
                            "送らなかったお客様）", "対照（送らず）のお客様 {n:,}人（はがきの効果を"
                            "測るため、くじで送らなかったお客様）", len(held)))


@log.command("verify", help=N_(
    "記録したはがきをファイルと照らし合わせます: ファイルがあるか、変わっていないか、"
    "そのページにあるか。\n\n例: hagaki log verify"))
@log_option
@config_option
@user_errors
def log_verify(log_path, config_path) -> None:
    """Check every logged card against its file: there, unchanged, with the card's page."""
    from mailmerge.sendlog.verify import verify

    with _open_log(_shop(config_path, None, log_path)) as store:
        result = verify(store)
    for line in result.lines():
        click.echo(line)
    if result.problems:
        raise SystemExit(1)


@log.command("restore", help=N_(
    "なくなった・空になった・壊れた送付記録を、最新のバックアップ（または --backup の"
    "ファイル）から戻します。元のファイルは消さずに別の名前で残します。\n\n"
    "例: hagaki log restore"))
@log_option
@config_option
@click.option("--backup", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help=N_("戻すバックアップ（既定: 最新のもの）。"))
@click.option("--start-new", is_flag=True,
              help=N_("戻さずに、わざと新しい記録を始めます（バックアップは別の名前で残します）。"))
@user_errors
def log_restore(log_path, config_path, backup: Path | None, start_new: bool) -> None:
    """Restore a lost, empty or damaged send log from its latest backup, or begin anew."""
    from mailmerge.sendlog import backups
    from mailmerge.sendlog.store import SendLog

    path = _shop(config_path, None, log_path).log_path
    if start_new:
        for moved in backups.start_new(path):
            click.echo(_("別の名前で残しました → {path}", path=moved))
        click.echo(_("次の印刷から新しい送付記録 {path} を始めます", path=path))
        return
    try:
        with SendLog.settled(path) as store:
            healthy = store is not None
    except HagakiError:
        healthy = False
    if healthy:
        raise HagakiError(_("送付記録 {path} は正常に開けます。戻す必要はありません", path=path))
    chosen = backup or backups.latest_backup(path)
    if chosen is None:
        raise HagakiError(_("送付記録 {path} のバックアップがありません", path=path))
    for moved in backups.restore(path, chosen):
        click.echo(_("元のファイルを別の名前で残しました → {path}", path=moved))
    with _open_log(_shop(config_path, None, log_path)) as store:
        count = len(store.cards())
    click.echo(_("{backup} から戻しました（{cards}）。hagaki log verify で、最後の印刷が記録に"
                 "あるか確かめてください", backup=chosen.name, cards=cards(count)))


@log.command("export", help=N_(
    "送付記録を表計算ソフト用に書き出します（数式は無効にします）。\n\n"
    "例: hagaki log export --out sent.xlsx"))
@log_option
@config_option
@click.option("--out", "target", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help=N_(".csv（Excel 用の BOM 付き UTF-8）か .xlsx のファイル。"))
@replace_option
@user_errors
def log_export(log_path, config_path, target: Path, replace: bool) -> None:
    """Export the log for a spreadsheet (formulas neutralised)."""
    from mailmerge.runs.outputs import check_outputs, log_files
    from mailmerge.sendlog.export import export
    shop = _shop(config_path, None, log_path)
    check_outputs([target], [*log_files(shop.log_path), shop.config_path], replace,
                  (".csv", ".xlsx"), shop.lists())
    with _open_log(shop) as store:
        held_out = store.held_out_rows()
        count = export(store.cards() + held_out, target,
                       shop.settings.templates_folder) - len(held_out)
    click.echo(_("{cards}を書き出しました → {target}", cards=cards(count), target=target))
    if held_out:
        click.echo(ngettext("対照（送らず）のお客様 {n:,}人も書き出しました",
                            "対照（送らず）のお客様 {n:,}人も書き出しました", len(held_out)))


CARD_NUMBER = IntRange(min=1, max=2 ** 63 - 1)
MAX_CARDS_IN_RANGE = 100_000


class CardNumbers(click.ParamType):
    """Card numbers as a shop writes them: 17, 1-21, 3,5,9-12 (a list of numbers)."""

    name = "numbers"

    def convert(self, value, param, ctx) -> list[int]:
        if isinstance(value, list):
            return value
        numbers: list[int] = []
        for part in str(value).replace("、", ",").split(","):
            first, dash, last = part.strip().replace("〜", "-").replace("~", "-").partition("-")
            if not all(text.isascii() and text.isdigit() for text in (first, *[last] * bool(dash))):
                raise click.UsageError(_("{value!r} ははがき番号の範囲ではありません（例: 17、"
                                         "1-21 や 3,5,9-12）", value=value), ctx)
            low, high = int(first), int(last) if dash else int(first)
            if low == 0:
                raise click.UsageError(_("0 ははがきの番号ではありません（はがきの番号は 1 から"
                                         "始まります）"), ctx)
            if not 1 <= low <= high < 2 ** 63 or high - low >= MAX_CARDS_IN_RANGE:
                raise click.UsageError(_("{value!r}: 番号の範囲が違います（小さい番号から大きい"
                                         "番号へ、{most:,}枚まで）", value=value,
                                         most=MAX_CARDS_IN_RANGE), ctx)
            numbers += range(low, high + 1)
        return numbers


def number_spans(numbers: list[int]) -> str:
    """Card numbers as a person writes them: [1, 2, 3, 4, 5, 9] → '1〜5、9'."""
    spans: list[list[int]] = []
    for number in sorted(set(numbers)):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return _("、").join(str(low) if low == high else _("{low}〜{high}", low=low, high=high)
                       for low, high in spans)


def _status_command(name: str, status: str, summary: str):
    @log.command(name, help=summary)
    @click.argument("card_ids", nargs=-1, type=CardNumbers())
    @click.option("--customer", "customers", multiple=True,
                  help=N_("この顧客IDのお客様のはがき。"))
    @click.option("--campaign", help=N_("このキャンペーンのすべてのはがき。"))
    @click.option("--run", "run_id", type=CARD_NUMBER,
                  help=N_("この印刷番号のすべてのはがき（印刷の結果に出る番号）。"))
    @log_option
    @config_option
    @user_errors
    def command(card_ids, customers, campaign, run_id, log_path, config_path) -> None:
        from mailmerge.sendlog.labels import status_word

        numbers = [number for numbers in card_ids for number in numbers]
        with _open_log(_shop(config_path, None, log_path)) as store:
            in_run = _run_cards(store, run_id, status) if run_id is not None else []
            if run_id is not None and not (in_run or numbers or customers or campaign):
                click.echo(_("印刷番号 {run} のはがきは、どれももう「{status}」にできません"
                             "（済んでいるか、取り消してあります）", run=run_id,
                             status=status_word(status)))
                return
            change = store.set_status(status, numbers + in_run, list(customers), campaign)
        label = status_word(status)
        already = [card_id for card_id, now in change.refused if now == status]
        refused = [(card_id, now) for card_id, now in change.refused if now != status]
        if change.changed or not (change.unknown or change.refused):
            click.echo(_("{cards}を「{status}」にしました", cards=cards(change.changed),
                         status=label))
        if not change.changed and not numbers:
            click.echo(_("指定に合うはがきがありません（hagaki log list で確かめてください）"))
            raise SystemExit(1)
        if already:  # nothing to do is not an error
            click.echo(_("{numbers} 番はもう「{status}」です", numbers=number_spans(already),
                         status=label))
        if change.unknown:
            click.echo(_("送付記録にない番号: {numbers}",
                         numbers=", ".join(map(str, change.unknown))))
        for card_id, now in refused:
            click.echo(_("{card} 番は今「{now}」なので「{status}」にできません", card=card_id,
                         now=status_word(now),
                         status=label))
        if change.unknown or refused:
            raise SystemExit(1)

    return command


def _run_cards(store: SendLog, run_id: int, status: str) -> list[int]:
    """The numbers of the run's cards that can move to `status` (a run half marked before
    is finished, not refused); HagakiError when the log has no such run."""
    from mailmerge.sendlog.store import MOVES

    rows = store.cards(run_id=run_id)
    if not rows:
        raise HagakiError(_("印刷番号 {run} のはがきは送付記録にありません", run=run_id))
    return [row["id"] for row in rows if row["status"] in MOVES[status]]


_status_command("mark-mailed", "mailed", N_(
    "はがきを投函済みにします（番号は 17、1-21、3,5,9-12 のように書けます）。\n\n"
    "例: hagaki log mark-mailed --run 12"))
_status_command("mark-returned", "returned", N_(
    "戻ってきた（宛所不明の）はがきを記録します。住所を直すまで、そのお客様には送りません。\n\n"
    "例: hagaki log mark-returned --customer C004"))
_status_command("cancel", "cancelled", N_(
    "はがきを取り消します（捨てた、投函しなかった）。送っていないものとして扱います。\n\n"
    "例: hagaki log cancel 17 18"))


@main.command(help=N_(
    "PDF のページを並べた PNG を作ります（1 枚に 48 ページまで）。印刷の前に見るためです。\n\n"
    "例: hagaki preview cards.pdf --out sheet.png --pages all"))
@click.argument("pdf", type=click.Path(path_type=Path))
@click.option("--out", "target", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("sheet.png"), show_default=True, help=N_("書き出す PNG。"))
@click.option("--pages", help=N_("並べるページ（例: 1-8、2,5-6、all。既定: 最初の 48 ページ）。"
                                 "48 ページを超えると sheet-1.png、sheet-2.png … に分けます。"))
@replace_option
@user_errors
def preview(pdf: Path, target: Path, pages: str | None, replace: bool) -> None:
    """Render a PDF's pages side by side into PNGs of at most 48 pages."""
    from mailmerge.render.preview import contact_sheets
    from mailmerge.runs.outputs import check_outputs, log_files
    from mailmerge.shop.folder import open_shop
    shop = open_shop(near=pdf)
    inputs = [pdf, shop.config_path, *log_files(shop.log_path)]
    sheets = contact_sheets(pdf, target, pages,
                            lambda paths: check_outputs(paths, inputs, replace, (".png",)))
    for path, count in sheets:
        click.echo(ngettext("{n:,} ページを並べました → {path}",
                            "{n:,} ページを並べました → {path}", count, path=path))


@main.command(help=N_(
    "調整用カード（目盛り、十字、紙の送り方向、説明）を印刷します。カードで測った値を、"
    "プリンターのずれ補正として保存することもできます。\n\n"
    "カードを印刷し、十字の中心を左の端と上の端から定規で測って、--measured-x と "
    "--measured-y を付けてもう一度実行します。ずれ補正は hagaki.toml の [printers.NAME] "
    "に入ります。印刷では --printer NAME で使います。\n\n"
    "例: hagaki calibrate --printer PX-049A --measured-x 51.0 --measured-y 73.5"))
@click.option("--out", "target", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("calibrate.pdf"), show_default=True,
              help=N_("書き出す調整用カードの PDF。"))
@click.option("--layout", default="official", show_default=True, help=N_("はがきの型。"))
@click.option("--printer", metavar="NAME",
              help=N_("測るプリンター: 保存したずれ補正を使い、--measured-x/-y をこの"
                      "プリンターの値として保存します（hagaki.toml の [printers.NAME]）。"))
@click.option("--measured-x", type=FloatRange(*MEASURED_X),
              help=N_("はがきの左の端から、印刷された十字の中心までの mm。"))
@click.option("--measured-y", type=FloatRange(*MEASURED_Y),
              help=N_("はがきの上の端から、印刷された十字の中心までの mm。"))
@config_option
@replace_option
@user_errors
def calibrate(target: Path, layout: str, printer: str | None, measured_x: float | None,
              measured_y: float | None, config_path: Path | None, replace: bool) -> None:
    """Print a calibration card, or save what was measured on it as a printer's offsets."""
    from mailmerge.atomic import atomic_write
    from mailmerge.layout.calibration import REFERENCE
    from mailmerge.runs.calibration_card import calibration_pdf, current_offsets, save_measured
    from mailmerge.runs.outputs import check_outputs, log_files

    shop = _shop(config_path)
    if (measured_x is None) != (measured_y is None):
        raise click.UsageError(_("--measured-x と --measured-y は両方指定してください"))
    if measured_x is not None and measured_y is not None:
        if printer is None or shop.config_path is None:
            raise click.UsageError(_("測った値は hagaki.toml の [printers.NAME] に保存します: "
                                     "--printer NAME を付け、hagaki init で作った店の"
                                     "フォルダで実行してください"))
        offset_x, offset_y = save_measured(shop.config_path, printer, measured_x, measured_y)
        click.echo(_("{config} の [printers.{printer}] に保存しました: "
                     "offset_x {offset_x:+.2f} mm、offset_y {offset_y:+.2f} mm（十字は "
                     "{cross_x:.1f} / {cross_y:.1f} mm の位置です）。"
                     "印刷は hagaki print … --printer {printer}",
                     config=shop.config_path, printer=printer, offset_x=offset_x,
                     offset_y=offset_y, cross_x=REFERENCE[0], cross_y=REFERENCE[1]))
        return
    check_outputs([target], [shop.config_path, *log_files(shop.log_path)], replace, (".pdf",))
    pdf = calibration_pdf(shop.settings, printer, layout)
    with atomic_write(target) as stream:
        stream.write(pdf)
    current = current_offsets(shop.settings, printer)
    click.echo(_("調整用カード → {path}（今のずれ補正 x {offset_x:+.2f} mm、"
                 "y {offset_y:+.2f} mm）", path=target, offset_x=current[0],
                 offset_y=current[1]))


FORMAT_KINDS = {"orders": N_("注文（顧客＋売上）"), "customers": N_("顧客のみ"),
                "sales": N_("売上（顧客番号で結合）")}


@main.command(help=N_(
    "そのまま読める書き出し形式（注文データ、レジ、住所録）の一覧です。\n\n例: hagaki formats"))
def formats() -> None:
    """List the exports hagaki reads as they are (order exports, registers, address books)."""
    from mailmerge.sources.presets import all_presets

    for preset in all_presets():
        detected = _("見出しで自動判定") if preset.detect else _("--source-format で指定")
        click.echo(f"{preset.name:22} " + _("{label}　{kind}、{detected}", label=_(preset.label),
                                                kind=_(FORMAT_KINDS[preset.kind]),
                                                detected=detected))


@main.command(help=N_(
    "使えるフォントの一覧を表示します。顧客リストをフォントで確かめることもできます。\n\n"
    "例: hagaki fonts --check customers.csv"))
@click.option("--check", "check_file", type=click.Path(path_type=Path),
              help=N_("顧客リスト: それぞれのフォントで描けない文字を表示します。"))
@config_option
@user_errors
def fonts(check_file: Path | None, config_path: Path | None) -> None:
    """List the fonts hagaki can use, or check a customer list against them."""
    from mailmerge.runs.fontcheck import check_fonts
    from mailmerge.shop.settings import FONT_ROLES
    from mailmerge.typeface.catalog import FontCatalog
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
@click.option("--port", type=IntRange(0, 65535), default=0,
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
