"""The words a person reads for the send log's and the plan's codes: card statuses, the card
columns (headers of `hagaki log list` and `hagaki log export`), kinds of card and the rules
that keep a card back.

In: codes from the log or the plan. Out: STATUS_WORDS and COLUMN_TITLES, Japanese texts marked
with N_ (translate them with `_` where they are shown), `column_titles` for a row of headers,
and the words for a status, a kind of card, a campaign and a rule.
"""

from __future__ import annotations

from collections.abc import Iterable

from mailmerge.i18n import N_, _
from mailmerge.selection.plan import LABELS, RULE_WORDS, SEASONAL

STATUS_WORDS = {"printed": N_("印刷済み"), "mailed": N_("投函済み"),
                "returned": N_("宛所不明で返送"), "cancelled": N_("取り消し"),
                "pending": N_("印刷中"), "failed": N_("失敗"),
                "held-out": N_("対照（送らず）")}
COLUMN_TITLES = {"id": N_("番号"), "customer_id": N_("顧客ID"), "situation": N_("種類"),
                 "campaign": N_("キャンペーン"), "template": N_("テンプレート"),
                 "card_date": N_("はがきの日付"), "status": N_("状態"),
                 "output_file": N_("ファイル"), "page": N_("ページ"),
                 "checksum": N_("チェックサム"), "updated_at": N_("更新日時"),
                 "reprint_of": N_("刷り直した元のはがき"), "customer_name": N_("お客様の名前"),
                 "kind": N_("種類"), "campaign_words": N_("キャンペーン"),
                 "status_words": N_("状態"), "situation_code": N_("種類コード"),
                 "campaign_code": N_("キャンペーンコード"), "status_code": N_("状態コード"),
                 "template_words": N_("使った文面"), "template_code": N_("テンプレートのファイル")}


def kind_word(situation: str) -> str:
    """A kind of card in the reader's language ('thanks' → お礼状)."""
    return _(LABELS[situation]) if situation in LABELS else situation


def rule_word(code: str) -> str:
    """A rule that keeps a card back, in the reader's language ('not-due' → まだ時期でない)."""
    return _(RULE_WORDS[code]) if code in RULE_WORDS else _("送らない")


def campaign_words(campaign: str, situation: str, card_date: str) -> str:
    """A campaign as a person names it: 年賀状 2027, 誕生日 2026, お礼状 2026-11-30 (a thank-you
    or follow-up campaign by its card's date, where its code is a hash or a day)."""
    year = campaign.rpartition("-")[2]
    if situation in SEASONAL or situation == "birthday":
        return f"{kind_word(situation)} {year}"
    return f"{kind_word(situation)} {card_date}"


def status_word(status: str) -> str:
    """A card status in the reader's language ('printed' → 印刷済み); an unknown code as it is."""
    word = STATUS_WORDS.get(status)
    return _(word) if word else status


def column_titles(columns: Iterable[str]) -> list[str]:
    """The headers for these card columns in the reader's language."""
    return [_(COLUMN_TITLES[column]) for column in columns]
