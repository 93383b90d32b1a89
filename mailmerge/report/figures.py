"""The report's labels and its key figures, shared by the text report and the workbook.

In: Measures. Out: the key figures as (label, value, unit) in the order people read them,
the KPI tree of the printed stock-take (売上 = 客数 × 客単価 × 頻度; 客数 = 期首 + 新規 + 復帰
− 離反); the names of segments and card situations (Japanese, marked with N_: translate them
with `_` where they are shown; Figure.text writes a value in the reader's language).
"""

from __future__ import annotations

from msgspec import Struct

from mailmerge.i18n import N_, _, cards, ngettext, pgettext, yen
from mailmerge.report.measures import Measures

SEGMENT_LABELS = {"excluded": N_("送付対象外"), "new": N_("新規"),
                  "active": N_("優良客"), "dormant": N_("休眠客"), "lapsed": N_("離反客"),
                  "no_purchase": N_("購入記録なし")}
SHARE = "%"
UNKNOWN = "—"
# Figures of money or of shares of sales: left out when the sales list has no amounts.
_OF_SALES = frozenset({N_("売上合計"), N_("平均購入額 (1件あたり)"), N_("平均購入額 (1人あたり)"),
                       N_("新規客の売上"), N_("既存客の売上"), N_("新規客の売上比率"),
                       N_("最大顧客の売上比率"), N_("上位10%の売上比率"),
                       N_("名簿にない顧客の売上")})


class Figure(Struct, frozen=True):
    label: str  # marked with N_: translate where shown
    value: float | None  # None: not known (a sales list without amounts)
    unit: str  # 人, 件, 円, 枚, 回, or % for a share (value 0–1)

    def text(self) -> str:
        """The value with its unit in the reader's language: 12.3%, 1,234円 / ¥1,234,
        3人 / 3 customers, 2.50回 / 2.50 times; a dash when it is not known."""
        if self.value is None:
            return UNKNOWN
        if self.unit == SHARE:
            return f"{self.value:.1%}"
        if self.unit == "円":
            return yen(self.value)
        if self.unit == "枚":
            return cards(round(self.value))
        if self.unit == "人":
            return ngettext("{n:,}人", "{n:,}人", round(self.value))
        if self.unit == "件":
            return ngettext("{n:,}件", "{n:,}件", round(self.value))
        return _("{value:,.2f}回", value=self.value)


def unit_word(unit: str) -> str:
    """The unit of a figure as a column of a table shows it (none for a share)."""
    if unit == "円":
        return pgettext("unit", "円")
    if unit == "人":
        return pgettext("unit", "人")
    if unit == "件":
        return pgettext("unit", "件")
    if unit == "枚":
        return pgettext("unit", "枚")
    if unit == "回":
        return pgettext("unit", "回")
    return ""


def key_figures(measures: Measures) -> list[Figure]:
    """The summary's figures, each read from Measures as it is."""
    cards = measures.cards
    figures = [
        Figure(N_("名簿の顧客数"), measures.customer_count, "人"),
        Figure(N_("うち名簿に誤りのある顧客"), measures.flagged_count, "人"),
        Figure(N_("売上合計"), measures.sales_total, "円"),
        Figure(N_("購入件数"), measures.sales_count, "件"),
        Figure(N_("平均購入額 (1件あたり)"), measures.average_per_sale, "円"),
        Figure(N_("平均購入額 (1人あたり)"), measures.average_per_customer, "円"),
        Figure(N_("新規客の売上"), measures.new_customer_sales, "円"),
        Figure(N_("既存客の売上"), measures.existing_customer_sales, "円"),
        Figure(N_("新規客の売上比率"), measures.new_sales_share, SHARE),
        Figure(N_("最大顧客の売上比率"), measures.top_customer_share, SHARE),
        Figure(N_("上位10%の売上比率"), measures.top10_share, SHARE),
        Figure(N_("離反率 (12か月)"), measures.loss_rate, SHARE),
        Figure(N_("送付枚数"), cards.sent, "枚"),
    ]
    if cards.posted:
        figures.append(Figure(N_("うち投函済み"), cards.posted, "枚"))
    figures += [
        Figure(N_("郵送料"), cards.postage_total, "円"),
        Figure(N_("再来店率 (90日以内)"), measures.winback_response_rate, SHARE),
        Figure(N_("名簿にない顧客の売上"), measures.unknown_sales_total, "円"),
        Figure(N_("名簿にない顧客の売上件数"), measures.unknown_sales_count, "件"),
    ]
    if not measures.has_amounts:
        return [figure for figure in figures if figure.label not in _OF_SALES]
    return figures


def sales_tree(measures: Measures) -> list[Figure]:
    """売上 = 客数 × 客単価 × 頻度, each factor read from Measures (the money unknown
    without amounts)."""
    amounts = measures.has_amounts
    return [Figure(N_("客数 (購入した顧客)"), measures.buyer_count, "人"),
            Figure(N_("客単価 (1件あたり)"), measures.average_per_sale if amounts else None,
                   "円"),
            Figure(N_("購入頻度 (1人あたり件数)"), measures.purchase_frequency, "回"),
            Figure(N_("売上"), measures.sales_total if amounts else None, "円")]


def base_figures(measures: Measures) -> list[Figure]:
    """客数の増減 over the last months: start + new + back − lost = end."""
    flow = measures.base_flow
    return [Figure(ngettext("{n}か月前の客数", "{n}か月前の客数", flow.months), flow.start, "人"),
            Figure(N_("新規"), flow.new, "人"), Figure(N_("復帰"), flow.back, "人"),
            Figure(N_("離反"), flow.lost, "人"), Figure(N_("現在の客数"), flow.end, "人")]
