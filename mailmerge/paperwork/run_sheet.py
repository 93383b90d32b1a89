"""The run sheet (発送明細) of one print run: what the person at the post office counter needs.

In: the send log (the run's cards: the truth of what was printed), the run's report (the
customers, in print order), the settings (postage) and the run's options (sort, indicia).
Out: RunSheet (counts by situation, postage, the paper and what it must be, the 区分 groups
by the first three postal digits when the run is large enough for the 区分郵便物 discount,
the 料金別納/後納 count, and every card in print order with its file and page, to find a
jammed card), and its A4 PDF.

The sheet is written after the run is logged and in place: a sheet that cannot be written is
said in a note, and never undoes or changes the run.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import Struct
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from mailmerge.errors import HagakiError
from mailmerge.i18n import _, cards, yen
from mailmerge.layout.impose import stock_notes
from mailmerge.paperwork.document import (
    Styles,
    font_name,
    paragraph,
    pdf_bytes,
    tables,
    write_pdf,
)
from mailmerge.runs.cards import INDICIA
from mailmerge.selection.plan import LABELS as SITUATION_LABELS
from mailmerge.sendlog.store import SendLog
from mailmerge.shop.settings import Settings

if TYPE_CHECKING:
    from mailmerge.runs.jobs import RunOptions, RunReport

# The kinds of card in the order a shop thinks of them (as in `hagaki --help`).
SITUATION_ORDER = ("thanks", "nenga", "kanchu", "yokan", "shochu", "zansho", "birthday",
                   "dormant", "winback", "greeting")
SORTED_MINIMUM = 2000  # 区分郵便物: 2,000 or more identical items sorted by postal code
WITH_ADDRESS = ("address", "both")


class SheetLine(Struct, frozen=True):
    order: int  # 1, 2, … in print order
    card_id: int
    customer_id: str
    name: str
    postal_code: str
    situation: str
    reprint_of: int | None
    file: str
    page: int


class RunSheet(Struct, frozen=True):
    run_id: int
    printed_at: str
    lines: list[SheetLine]
    postage_yen: int
    indicia: str | None  # 料金別納 or 料金後納
    indicia_count: int  # cards with an address side, which carry the mark
    sorted_by_postal: bool
    paper: str = ""  # the paper loaded, in the reader's words ('' for a layout file's card)
    paper_notes: tuple[str, ...] = ()  # what that paper must be (A4: as thick as a postcard)

    @property
    def by_situation(self) -> dict[str, int]:
        counts = Counter(line.situation for line in self.lines)
        return {situation: counts[situation] for situation in
                sorted(counts, key=lambda s: SITUATION_ORDER.index(s)
                       if s in SITUATION_ORDER else len(SITUATION_ORDER))}

    @property
    def postage_total(self) -> int:
        return len(self.lines) * self.postage_yen

    @property
    def sort_groups(self) -> list[tuple[str, int]]:
        """(first three postal digits, cards) in print order, for a run of 2,000 or more."""
        if len(self.lines) < SORTED_MINIMUM:
            return []
        return list(Counter(line.postal_code[:3] for line in self.lines).items())


def run_sheet(log: SendLog, report: RunReport, settings: Settings, options: RunOptions
              ) -> RunSheet:
    """The run's sheet from its logged cards, matched in order with the report's customers."""
    rows = [row for row in log.cards() if row["run_id"] == report.run_id]
    if len(rows) != len(report.cards):
        raise HagakiError(_("送付記録の枚数（{logged}）と印刷した枚数（{printed}）が合いません",
                            logged=len(rows), printed=len(report.cards)))
    lines = []
    for order, (row, entry) in enumerate(zip(rows, report.cards, strict=True), start=1):
        customer = entry.customer
        if row["customer_id"] != customer.customer_id:
            raise HagakiError(_("{order} 枚目: 送付記録の顧客 {logged} と印刷した顧客 {printed} "
                                "が違います", order=order, logged=row["customer_id"],
                                printed=customer.customer_id))
        lines.append(SheetLine(
            order, row["id"], customer.customer_id,
            f"{customer.family_name} {customer.given_name}".strip() or customer.company,
            customer.postal_code, row["situation"], row["reprint_of"],
            Path(row["output_file"] or "").name, row["page"]))
    indicia = INDICIA[options.indicia] if options.indicia else None
    return RunSheet(report.run_id or 0, rows[0]["printed_at"] if rows else "", lines,
                    settings.postage_yen, indicia,
                    sum(row["sides"] in WITH_ADDRESS for row in rows) if indicia else 0,
                    options.sort == "postal", _(report.paper.label) if report.paper else "",
                    tuple(stock_notes(options.impose)))


def write_run_sheet(target: Path, log: SendLog, report: RunReport, settings: Settings,
                    options: RunOptions) -> None:
    """Write the sheet beside the run's files; a failure becomes a note on the report (the
    run stays logged and its files in place)."""
    try:
        write_pdf(run_sheet_pdf(run_sheet(log, report, settings, options), settings), target)
    except (HagakiError, OSError, ValueError) as error:
        report.notes.append(_("発送明細 {name} を書けませんでした（{error}）。印刷と"
                              "送付記録はそのままです", name=target.name, error=error))
        return
    report.run_sheet = target


def run_sheet_pdf(sheet: RunSheet, settings: Settings) -> bytes:
    font = font_name(settings)
    styles = Styles(font)
    title = _("発送明細　印刷 {run} 番　{day}", run=sheet.run_id, day=sheet.printed_at[:10])
    story: list[Flowable] = [paragraph(title, styles.title)]
    story += _totals(sheet, styles)
    story += _groups(sheet, styles)
    story += _cards(sheet, styles)
    return pdf_bytes(story, title, font, subject=f"hagaki run {sheet.run_id}")


def _totals(sheet: RunSheet, styles: Styles) -> list[Flowable]:
    count = len(sheet.lines)
    rows = [[_("枚数"), cards(count)],
            [_("郵送料"), _("{total}（{each} × {cards}）", total=yen(sheet.postage_total),
                            each=yen(sheet.postage_yen), cards=cards(count))]]
    if sheet.paper:
        rows.append([_("用紙"), sheet.paper])
    if sheet.indicia:
        rows.append([_("{indicia}の表示", indicia=sheet.indicia), cards(sheet.indicia_count)])
    situations = [[_situation(name), f"{count:,}"] for name, count in sheet.by_situation.items()]
    situations.append([_("合計"), f"{len(sheet.lines):,}"])
    return [*tables(styles.font, [_("項目"), _("値")], rows, [55, 80], size=10),
            *[item for note in sheet.paper_notes
              for item in (Spacer(1, 2 * mm), paragraph(note, styles.note))],
            Spacer(1, 4 * mm), paragraph(_("種類別の枚数"), styles.heading),
            *tables(styles.font, [_("種類"), _("枚数")], situations, [40, 25], right=(1,),
                    size=10)]


def _situation(code: str) -> str:
    label = SITUATION_LABELS.get(code)
    return _(label) if label else code


def _groups(sheet: RunSheet, styles: Styles) -> list[Flowable]:
    groups = sheet.sort_groups
    if not groups:
        return []
    story: list[Flowable] = [paragraph(_("区分（郵便番号の上3桁ごと、印刷順）"), styles.heading)]
    if not sheet.sorted_by_postal:
        story.append(paragraph(_("郵便番号順に印刷されていません。区分郵便物として出すには "
                                 "--sort postal で印刷してください。"), styles.note))
    rows = [[f"{prefix}-", f"{count:,}"] for prefix, count in groups]
    return story + tables(styles.font, [_("郵便番号"), _("枚数")], rows, [25, 20], right=(1,))


def _cards(sheet: RunSheet, styles: Styles) -> list[Flowable]:
    rows = [[f"{line.order:,}", str(line.card_id), line.customer_id, line.name,
             _postal(line.postal_code),
             _situation(line.situation)
             + (_("（{card}番の刷り直し）", card=line.reprint_of) if line.reprint_of else ""),
             line.file, str(line.page)] for line in sheet.lines]
    return [paragraph(_("印刷順のはがき"), styles.heading),
            *tables(styles.font, [_("順"), _("番号"), _("顧客ID"), _("氏名"), _("郵便番号"),
                                  _("種類"), _("ファイル"), _("ページ")], rows,
                    [12, 10, 20, 40, 17, 37, 32, 12],
                    right=(0, 1, 7))]


def _postal(code: str) -> str:
    return f"{code[:3]}-{code[3:]}" if len(code) == 7 and code.isdigit() else code

