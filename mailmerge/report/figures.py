"""The report's labels and its key figures, shared by the text report and the workbook.

In: Measures. Out: the key figures as (label, value, unit) in the order people read them,
the KPI tree of the printed stock-take (売上 = 客数 × 客単価 × 頻度; 客数 = 期首 + 新規 + 復帰
− 離反); the Japanese names of segments and card situations.
"""

from __future__ import annotations

from dataclasses import dataclass

from mailmerge.report.measures import Measures

SEGMENT_LABELS = {"excluded": "送付対象外", "new": "新規", "active": "活動中 (生きた客)",
                  "dormant": "休眠 (眠った客)", "lapsed": "離反 (死んだ客)",
                  "no_purchase": "購入記録なし"}
SITUATION_LABELS = {"thanks": "お礼状", "nenga": "年賀状", "kanchu": "寒中見舞い",
                    "yokan": "余寒見舞い", "shochu": "暑中見舞い", "zansho": "残暑見舞い",
                    "birthday": "誕生日", "dormant": "休眠フォロー", "winback": "再来店のお願い",
                    "greeting": "ご挨拶"}
SHARE = "%"


@dataclass(frozen=True)
class Figure:
    label: str
    value: float
    unit: str  # 人, 件, 円, 枚, 回, or % for a share (value 0–1)


def key_figures(measures: Measures) -> list[Figure]:
    """The summary's figures, each read from Measures as it is."""
    cards = measures.cards
    figures = [
        Figure("名簿の顧客数", measures.customer_count, "人"),
        Figure("うち名簿に誤りのある顧客", measures.flagged_count, "人"),
        Figure("売上合計", measures.sales_total, "円"),
        Figure("購入件数", measures.sales_count, "件"),
        Figure("平均購入額 (1件あたり)", measures.average_per_sale, "円"),
        Figure("平均購入額 (1人あたり)", measures.average_per_customer, "円"),
        Figure("新規客の売上", measures.new_customer_sales, "円"),
        Figure("既存客の売上", measures.existing_customer_sales, "円"),
        Figure("新規客の売上比率", measures.new_sales_share, SHARE),
        Figure("最大顧客の売上比率", measures.top_customer_share, SHARE),
        Figure("上位10%の売上比率", measures.top10_share, SHARE),
        Figure("離反率 (12か月)", measures.loss_rate, SHARE),
        Figure("送付枚数", cards.sent, "枚"),
    ]
    if cards.posted:
        figures.append(Figure("うち投函済み", cards.posted, "枚"))
    figures += [
        Figure("郵送料", cards.postage_total, "円"),
        Figure("再来店率 (90日以内)", measures.winback_response_rate, SHARE),
        Figure("名簿にない顧客の売上", measures.unknown_sales_total, "円"),
        Figure("名簿にない顧客の売上件数", measures.unknown_sales_count, "件"),
    ]
    return figures


def sales_tree(measures: Measures) -> list[Figure]:
    """売上 = 客数 × 客単価 × 頻度, each factor read from Measures."""
    return [Figure("客数 (購入した顧客)", measures.buyer_count, "人"),
            Figure("客単価 (1件あたり)", measures.average_per_sale, "円"),
            Figure("購入頻度 (1人あたり件数)", measures.purchase_frequency, "回"),
            Figure("売上", measures.sales_total, "円")]


def base_figures(measures: Measures) -> list[Figure]:
    """客数の増減 over the last months: start + new + back − lost = end."""
    flow = measures.base_flow
    return [Figure(f"{flow.months}か月前の客数", flow.start, "人"),
            Figure("新規", flow.new, "人"), Figure("復帰", flow.back, "人"),
            Figure("離反", flow.lost, "人"), Figure("現在の客数", flow.end, "人")]
