"""The words a person reads for a problem's code: 郵便番号の書き方 for postal-format.

In: a Problem's code (stable, for machines: JSON, the workbook's code column). Out: PROBLEM_WORDS,
short Japanese titles marked with N_, and `problem_word` for one in the reader's language.
Each code has its own words, so problems grouped by code never show two groups alike.
"""

from __future__ import annotations

from mailmerge.i18n import N_, _

PROBLEM_WORDS = {
    "missing-name": N_("名前がない"),
    "missing-address": N_("住所がない"),
    "postal-format": N_("郵便番号の書き方"),
    "postal-unknown": N_("見つからない郵便番号"),
    "postal-mismatch": N_("郵便番号と住所が合わない"),
    "postal-catch-all": N_("町の番号でない郵便番号"),
    "postal-missing": N_("郵便番号がない"),
    "postal-other-town": N_("ほかの町の郵便番号"),
    "duplicate": N_("重複したお客様"),
    "glyph-missing": N_("印刷できない文字"),
    "too-long": N_("長すぎて入らない"),
    "bad-date": N_("日付の書き方"),
    "bad-amount": N_("金額の書き方"),
    "unknown-customer": N_("名簿にないお客様"),
    "returned": N_("宛所不明で戻ったはがき"),
    "generated-id": N_("顧客IDがない"),
    "newline-in-field": N_("セルの中の改行"),
    "control-character": N_("見えない制御文字"),
    "formula-error": N_("数式のエラー"),
    "formula-not-computed": N_("保存されていない数式の結果"),
    "merged": N_("同じお客様をまとめた"),
    "address-conflict": N_("違う住所"),
    "cancelled-order": N_("キャンセルされた注文"),
    "refund-row": N_("返品"),
    "lost-character": N_("失われた文字"),
    "no-barcode": N_("バーコードなし"),
    "template-error": N_("テンプレートの誤り"),
    "template-limit": N_("テンプレートの限度"),
    "empty-message": N_("空の文面"),
    "message-too-long": N_("長すぎる文面"),
}
# A code with no words of its own (a new one): still words, never the code.
ANY_PROBLEM = N_("そのほかの問題")


def problem_word(code: str) -> str:
    """A problem's code as a person names it, in the reader's language."""
    return _(PROBLEM_WORDS.get(code, ANY_PROBLEM))
