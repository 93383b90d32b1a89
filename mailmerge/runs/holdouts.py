"""A print run's draw: the jobs of the day, less the customers held out, each mailed card
with the template it drew where its kind names several (A/B wording).

In: the run's jobs, the day, the settings ([situations.KIND] holdout, templates, shares),
RunOptions (--holdout, the draw's seed: the day's by default) and the send log. Out: the jobs
to print, the customers held out (for the run's report, as not sent) and the draws the run
logs with its cards. `hagaki plan`, the web's pages and a proof draw the same way, so they
show what the print will do. A template named in hagaki.toml that does not exist is a
ConfigError naming it (check_templates, for plan and check too).
"""

from __future__ import annotations

import datetime as dt

from msgspec.structs import replace

from mailmerge.errors import ConfigError
from mailmerge.i18n import _
from mailmerge.runs.jobs import Job, RunOptions
from mailmerge.selection.holdout import (
    NEVER_UNLESS_ASKED,
    Shares,
    day_seed,
    draw,
    holdout_share,
)
from mailmerge.selection.plan import LABELS, History, NotSent
from mailmerge.sendlog.draws import HELD_OUT, Draw
from mailmerge.sendlog.store import person_key
from mailmerge.shop.settings import Settings
from mailmerge.templates import BUILTIN


def hold_out(jobs: list[Job], on: dt.date, settings: Settings, options: RunOptions,
             log: History) -> tuple[list[Job], list[NotSent], list[Draw]]:
    """Draw the held-out customers and the templates among the jobs (neither for a reprint,
    no templates for a run with one template file, --template)."""
    if options.reprint:
        return jobs, [], []
    check_templates(settings)
    share = holdout_share(options.holdout, {situation: kind.holdout for situation, kind
                                            in settings.situations.items()})

    def templates(situation: str) -> Shares:
        kind = settings.situations.get(situation)
        if kind is None or options.template is not None:
            return (), ()
        return kind.templates, kind.shares

    if not any(share(job.entry.situation) > 0 or len(templates(job.entry.situation)[0]) > 1
               for job in jobs):
        return jobs, [], []
    drawn = draw([(job.entry, job.campaign) for job in jobs], on, share, log,
                 options.holdout_seed or day_seed(on), person_key, templates)
    kept = {id(entry) for entry, _campaign in drawn.cards}
    chosen = drawn.templates
    return ([replace(job, entry=replace(job.entry, template=chosen.get(
                (job.entry.customer.customer_id, job.campaign), job.entry.template)))
             for job in jobs if id(job.entry) in kept], drawn.held_out, drawn.draws)


def holdout_notes(jobs: list[Job], draws: list[Draw], options: RunOptions) -> list[str]:
    """What the owner should know of a run's draw: 年賀状 left out of --holdout, and a kind
    of card with too few customers for anyone to be held out (no comparison made)."""
    notes = []
    if options.holdout and any(job.entry.situation in NEVER_UNLESS_ASKED for job in jobs):
        notes.append(_("年賀状は対照（送らず）にしません。年賀状でも比べるときは hagaki.toml の "
                       "[situations.nenga] に holdout を書いてください"))
    for drawn in draws:
        if drawn.holdout_percent > 0 and not any(a.arm == HELD_OUT for a in drawn.assignments):
            notes.append(_("{card}: くじに入るお客様が {n:,}人だけなので、{percent:g}% では"
                           "送らないお客様が 0人でした（今回は比べる組ができていません）",
                           card=_(LABELS.get(drawn.situation, drawn.situation)),
                           n=len(drawn.assignments), percent=drawn.holdout_percent))
    return notes


def check_templates(settings: Settings) -> None:
    """Refuse a template named in [situations.KIND] templates that is neither in the shop's
    templates folder nor among the built-in ones (named by its key, not by where hagaki lives)."""
    own = settings.templates_folder
    for situation, kind in settings.situations.items():
        for name in kind.templates:
            if any((folder / name).is_file() for folder in (own, BUILTIN) if folder):
                continue
            where = (_("店のテンプレートのフォルダ（{folder}）にも同梱の文面にもありません",
                       folder=own.name) if own else
                     _("同梱の文面にありません（店のテンプレートのフォルダは [templates] folder "
                       "で決めます）"))
            raise ConfigError(_("{file}: [situations.{situation}] templates: テンプレート "
                                "{name} は{where}", file=settings.path or "hagaki.toml",
                                situation=situation, name=name, where=where))
