"""The printed stock-take (顧客の棚卸し) on A4, for the owner's monthly review.

In: Measures (every figure is read from it, as the text, JSON and workbook read it) and the
settings (shop name, font chain). Out: the PDF bytes: the KPI tree (売上 = 客数 × 客単価 ×
頻度; 客数 = 期首 + 新規 + 復帰 − 離反; the top customer's share against the 10 % line), the
warnings, the key figures, the segments with a chart, the monthly trend (charts and table),
what the cards brought, what they did against held-out customers, the 連絡リスト of dormant
and lapsed customers with their last purchase and last card, rows with errors and sales for
customers not in the list.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from mailmerge.i18n import _, ngettext, pgettext
from mailmerge.paperwork import charts
from mailmerge.paperwork.document import (
    TEXT_WIDTH,
    Styles,
    font_name,
    paragraph,
    pdf_bytes,
    tables,
    write_pdf,
)
from mailmerge.paperwork.experiments_page import experiments_section
from mailmerge.report.figures import (
    SEGMENT_LABELS,
    Figure,
    base_figures,
    key_figures,
    sales_tree,
)
from mailmerge.report.mailings import REPEAT_DAYS
from mailmerge.report.measures import CONCENTRATION_WARNING, Measures
from mailmerge.selection.plan import LABELS as SITUATION_LABELS
from mailmerge.shop.settings import Settings

TREND_MONTHS = 24  # the charts show the last two years; the table every month
SECTION_ROOM = 35 * mm  # a heading and its first lines, or a new page


def write_stocktake(measures: Measures, settings: Settings, target: Path) -> None:
    """Write the stock-take to `target` (atomically)."""
    write_pdf(stocktake_pdf(measures, settings), target)


def stocktake_pdf(measures: Measures, settings: Settings) -> bytes:
    """The stock-take as PDF bytes."""
    font = font_name(settings)
    styles = Styles(font)
    shop = settings.sender.name
    title = _("顧客の棚卸し　{day}", day=measures.date.isoformat()) + (f"　{shop}" if shop else "")
    story: list[Flowable] = [paragraph(title, styles.title)]
    story += _kpis(measures, styles)
    story += _key_figures(measures, styles)
    story += _segments(measures, styles)
    story += _trend(measures, styles)
    story += _cards(measures, styles)
    story += experiments_section(measures, styles)
    story += _to_call(measures, styles)
    story += _flagged(measures, styles)
    story += _unlisted(measures, styles)
    return pdf_bytes(story, title, font, subject="hagaki report")


def _heading(text: str, styles: Styles) -> list[Flowable]:
    """A section's heading, on a new page only when too little of this one is left for it
    and a few lines (sections flow: no page is left mostly blank)."""
    return [CondPageBreak(SECTION_ROOM), paragraph(text, styles.heading)]


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _situation(code: str) -> str:
    label = SITUATION_LABELS.get(code)
    return _(label) if label else code


def _kpis(measures: Measures, styles: Styles) -> list[Flowable]:
    return [
        *_heading(_("要点"), styles),
        *_equation(sales_tree(measures), "××=", styles.font),
        Spacer(1, 3 * mm),
        *_equation(base_figures(measures), "++−=", styles.font),
        Spacer(1, 3 * mm),
        *([charts.share_against_line(_("最大顧客の売上比率"), measures.top_customer_share,
                                     CONCENTRATION_WARNING, styles.font, TEXT_WIDTH),
           charts.share_against_line(_("上位10%の売上比率"), measures.top10_share, None,
                                     styles.font, TEXT_WIDTH)]
          if measures.has_amounts else
          [paragraph(_("売上金額の列がないため、売上のグラフはありません"), styles.note)]),
        *[paragraph(_("注意: {warning}", warning=warning), styles.note)
          for warning in measures.warnings],
    ]


def _equation(figures: list[Figure], operators: str, font: str) -> list[Flowable]:
    """The figures as one row with the operators between them (a × b × c = d)."""
    headers: list[str] = []
    row: list[str] = []
    for index, figure in enumerate(figures):
        headers.append(_(figure.label))
        row.append(figure.text())
        if index < len(operators):
            headers.append("")
            row.append(operators[index])
    width = (180 - 6 * len(operators)) / len(figures)
    widths = [width if index % 2 == 0 else 6 for index in range(len(headers))]
    return tables(font, headers, [row], widths, right=range(0, len(headers), 2), size=9)


def _key_figures(measures: Measures, styles: Styles) -> list[Flowable]:
    rows = [[_(f.label), f.text()] for f in key_figures(measures)]
    return [*_heading(_("主な数字"), styles),
            *tables(styles.font, [_("指標"), _("値")], rows, [70, 40], right=(1,))]


def _segments(measures: Measures, styles: Styles) -> list[Flowable]:
    labels = [_(SEGMENT_LABELS[name]) for name in measures.segments]
    rows = [[_(SEGMENT_LABELS[name]), f"{count:,}", f"{measures.segment_shares[name]:.1%}"]
            for name, count in measures.segments.items()]
    rows.append([_("合計"), f"{measures.customer_count:,}", ""])
    return [KeepTogether([paragraph(_("顧客の区分"), styles.heading),
                          charts.segment_bars(labels, list(measures.segments.values()),
                                              styles.font, TEXT_WIDTH)]),
            *tables(styles.font, [_("区分"), _("人数"), _("比率")], rows, [50, 25, 20],
                    right=(1, 2))]


def _trend(measures: Measures, styles: Styles) -> list[Flowable]:
    months = measures.monthly
    heading = paragraph(_("月次の推移"), styles.heading)
    if not months:
        return [heading, paragraph(_("まだ売上がありません。"), styles.body)]
    recent = months[-TREND_MONTHS:]
    names = [m.month for m in recent]
    story: list[Flowable] = [KeepTogether([
        heading,
        paragraph(ngettext("顧客数・新規・離反（直近{n}か月）", "顧客数・新規・離反（直近{n}か月）",
                           len(recent)), styles.body),
        charts.base_lines(names, {_("顧客数"): [m.heads.customers for m in recent],
                                  _("新規"): [m.heads.new for m in recent],
                                  _("離反"): [m.heads.lost for m in recent]},
                          styles.font, TEXT_WIDTH)])]
    if measures.has_amounts:
        story.append(KeepTogether([
            paragraph(ngettext("売上（直近{n}か月、円）", "売上（直近{n}か月、円）", len(recent)),
                      styles.body),
            charts.sales_bars(names, [m.new_customer_sales for m in recent],
                              [m.existing_customer_sales for m in recent], styles.font,
                              TEXT_WIDTH)]))
    money = (lambda value: f"{value:,.0f}") if measures.has_amounts else (lambda _value: "—")
    rows = [[m.month, f"{m.heads.new:,}", f"{m.heads.back:,}", f"{m.heads.lost:,}",
             f"{m.heads.customers:,}", f"{m.heads.lapsed:,}", f"{m.heads.loss_rate:.1%}",
             money(m.sales), money(m.new_customer_sales), money(m.existing_customer_sales)]
            for m in months]
    return story + tables(styles.font, [_("月"), _("新規"), pgettext("column", "復帰"),
                                        _("離反"), _("顧客数"),
                                        _("離反中"), _("離反率"), _("売上 (円)"),
                                        _("新規客 (円)"), _("既存客 (円)")],
                          rows, [16, 10, 11, 12, 17, 18, 17, 22, 22, 22],
                          right=range(1, 10))


def _cards(measures: Measures, styles: Styles) -> list[Flowable]:
    responses = [[_situation(r.situation), f"{r.cards:,}",
                  f"{r.customers:,}", f"{r.bought_again:,}", f"{r.rate:.1%}",
                  f"{r.sales:,.0f}"] for r in measures.card_responses]
    sent = [[_situation(r["situation"]), r["month"],
             f"{r['cards']:,}", f"{r['postage']:,}"] for r in measures.cards.by_month]
    story = _heading(_("はがきの成果"), styles)
    if not responses:
        return story + [paragraph(_("送付記録にはがきがありません。"), styles.body)]
    return story + [
        paragraph(ngettext("はがきを送った顧客のうち、{n}日以内にまた買った人（種類別）",
                           "はがきを送った顧客のうち、{n}日以内にまた買った人（種類別）",
                           REPEAT_DAYS), styles.body),
        *tables(styles.font, [_("種類"), _("枚数"), _("顧客"),
                              ngettext("{n}日以内に購入", "{n}日以内に購入", REPEAT_DAYS),
                              _("比率"), _("その売上 (円)")], responses,
                [35, 20, 20, 32, 20, 32], right=range(1, 6)),
        Spacer(1, 3 * mm),
        paragraph(_("送付実績（種類・月別）"), styles.body),
        *tables(styles.font, [_("種類"), _("月"), _("枚数"), _("郵送料 (円)")], sent,
                [35, 20, 20, 25], right=(2, 3)),
    ]


def _to_call(measures: Measures, styles: Styles) -> list[Flowable]:
    rows = []
    for line in measures.to_call:
        card = measures.last_cards.get(line.customer.customer_id)
        last_card = f"{card.card_date.isoformat()} {_situation(card.situation)}" if card else ""
        rows.append([line.customer.customer_id, line.name, _(SEGMENT_LABELS[line.segment]),
                     _day(line.last_purchase), f"{line.days_since_last:,}",
                     f"{line.purchases:,}", f"{line.total:,.0f}", last_card])
    return [*_heading(_("連絡リスト（休眠客・離反客）"), styles),
            paragraph(_("休眠客は最終購入の古い順（離反客になりそうな人から）、離反客は最終購入の"
                        "新しい順（戻りやすい人から）。"), styles.body), Spacer(1, 2 * mm),
            *tables(styles.font, [_("顧客ID"), _("氏名"), _("区分"), _("最終購入"), _("経過日数"),
                                  _("購入回数"), _("購入合計 (円)"), _("最後のはがき")], rows,
                    [15, 39, 18, 19, 15, 14, 20, 40], right=(4, 5, 6))]


def _flagged(measures: Measures, styles: Styles) -> list[Flowable]:
    rows = [[line.customer.customer_id, line.name, _(SEGMENT_LABELS[line.segment]),
             _("、").join(line.flags)] for line in measures.customers if line.flags]
    if not rows:
        return []
    return [*_heading(_("名簿の誤り（直す箇所は、顧客リストの画面か名簿の確認で"
                        "確かめてください）"), styles),
            *tables(styles.font, [_("顧客ID"), _("氏名"), _("区分"), _("誤り")], rows,
                    [17, 34, 26, 103])]


def _unlisted(measures: Measures, styles: Styles) -> list[Flowable]:
    rows = [[u.customer_id or _("(空欄)"), f"{u.count:,}", f"{u.total:,.0f}"]
            for u in measures.unlisted]
    if not rows:
        return []
    return [*_heading(_("名簿にない顧客の売上"), styles),
            *tables(styles.font, [_("売上の顧客ID"), _("件数"), _("金額 (円)")], rows,
                    [30, 15, 25],
                    right=(1, 2))]
