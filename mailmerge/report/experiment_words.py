"""The experiments said in plain words, the same for the text report, the A4 paper and the
web page: one Experiment → a title and its lines.

In: an Experiment (experiments.py) and whether the sales had amounts. Out: strings in the
reader's language: 「お礼状を出したお客様は、出さなかったお客様より 12 ポイント多く再来店
（95% の範囲: 3〜21 ポイント）」, or 「まだ差は分かりません」 with how many more customers it
would take.
"""

from __future__ import annotations

from mailmerge.i18n import _, cards, ngettext, yen
from mailmerge.report.experiments import Experiment
from mailmerge.report.mailings import REPEAT_DAYS
from mailmerge.sendlog.labels import kind_word


def title(experiment: Experiment) -> str:
    """お礼状（90 日以内の再来店）, or with the template: お礼状 文面 2（…）."""
    name = kind_word(experiment.situation)
    if experiment.template:
        name = f"{name} {experiment.template_title}"
    return ngettext("{name}（{n} 日以内の再来店）", "{name}（{n} 日以内の再来店）",
                    experiment.window_days, name=name)


def scope_note() -> str:
    """How this section differs from はがきの成果 (every card, the customers who bought again)."""
    return ngettext("ここでは、くじで選んだお客様だけを、送らなかったお客様と同じ日数で比べています"
                    "（印刷用の棚卸し（PDF）の「はがきの成果」は、送ったはがきすべてについて"
                    " {n} 日以内にまた買った割合で、送らなかったお客様とは比べていません）",
                    "ここでは、くじで選んだお客様だけを、送らなかったお客様と同じ日数で比べています"
                    "（印刷用の棚卸し（PDF）の「はがきの成果」は、送ったはがきすべてについて"
                    " {n} 日以内にまた買った割合で、送らなかったお客様とは比べていません）",
                    REPEAT_DAYS)


def method_note() -> str:
    return _("範囲は 95%: 再来店の割合の差は 2 つの割合の差の区間（Newcombe 法）、"
             "売上の差はブートストラップ（2,000 回）で求めています。くじで選んだお客様だけを"
             "比べ、どちらの組も、くじの日から同じ日数の売上を数えます（返品は差し引き）")


def lines(experiment: Experiment, amounts: bool = True) -> list[str]:
    """The experiment's figures and what they mean."""
    mailed, held = experiment.mailed, experiment.held_out
    found = [_("送った {mailed:,}人 ／ 送らなかった（対照） {held:,}人", mailed=mailed.customers,
               held=held.customers)]
    if experiment.running:
        found.append(ngettext("ほかに {n:,}人は、まだ期間中なので数えていません",
                              "ほかに {n:,}人は、まだ期間中なので数えていません",
                              experiment.running))
    if experiment.not_randomised:
        found.append(ngettext(
            "前回対照だったお客様 {n:,}人は比べる組に入れていません（続けて対照にしないよう、"
            "くじを引かずに送りました）", "前回対照だったお客様 {n:,}人は比べる組に入れていません"
            "（続けて対照にしないよう、くじを引かずに送りました）", experiment.not_randomised))
    if not (mailed.customers and held.customers):
        return [*found, verdict(experiment)]
    found.append(_("再来店: 送った {mailed:.1%} ／ 送らなかった {held:.1%}",
                   mailed=mailed.bought_share, held=held.bought_share))
    if amounts:
        found.append(_("1人あたりの売上: 送った {mailed} ／ 送らなかった {held}",
                       mailed=yen(mailed.sales_per_customer), held=yen(held.sales_per_customer)))
    found.append(verdict(experiment))
    if amounts and experiment.sales_uplift is not None:
        spent = experiment.sales_uplift
        found.append(_("売上の差: 1人あたり {difference}（95% の範囲: {low}〜{high}、"
                       "ブートストラップ）", difference=yen(spent.difference),
                       low=yen(spent.low), high=yen(spent.high)))
    found.append(_("はがき {cards}、郵送料 {postage}", cards=cards(experiment.cards),
                   postage=yen(experiment.postage)))
    if amounts and experiment.extra_sales_per_yen is not None:
        found.append(_("郵送料 1 円あたりの売上の増分: {extra:,.2f} 円（送ったお客様の売上は "
                       "1 円あたり {sales:,.2f} 円）", extra=experiment.extra_sales_per_yen,
                       sales=experiment.sales_per_yen))
    return found


def verdict(experiment: Experiment) -> str:
    """What the difference in who bought again says, in a sentence."""
    interval = experiment.bought_uplift
    if interval is None:
        return _("まだ比べられません: 期間の終わったお客様が、どちらかの組にいません")
    points = round(abs(interval.difference) * 100)
    low, high = round(interval.low * 100), round(interval.high * 100)
    card = kind_word(experiment.situation)
    if interval.known:
        more = interval.difference > 0
        return (_("{card}を出したお客様は、出さなかったお客様より {points} ポイント多く再来店"
                  "（95% の範囲: {low}〜{high} ポイント）", card=card, points=points, low=low,
                  high=high) if more else
                _("{card}を出したお客様は、出さなかったお客様より {points} ポイント少なく再来店"
                  "（95% の範囲: {low}〜{high} ポイント）", card=card, points=points, low=low,
                  high=high))
    said = _("まだ差は分かりません（差 {difference:+.0f} ポイント、95% の範囲: {low}〜{high} "
             "ポイント）", difference=interval.difference * 100, low=low, high=high)
    if experiment.needed is None:
        if interval.difference == 0:
            return said + _("。今のところ、送った組と送らなかった組の再来店は同じです")
        return said + _("。この差はとても小さく、どれだけ比べても分かりそうにありません")
    return said + _("。この差が本当なら、同じ割合で{needed}比べると分かります",
                    needed=needed_words(experiment))


def needed_words(experiment: Experiment) -> str:
    """全部で約 N人（あと約 M人）: the randomised customers it would take, in all and more than
    those counted so far (the text, the web, the PDF and the workbook say it the same way)."""
    more = experiment.more_needed or 0
    return ngettext("全部で約 {total:,}人（あと約 {n:,}人）",
                    "全部で約 {total:,}人（あと約 {n:,}人）", more, total=experiment.needed)
