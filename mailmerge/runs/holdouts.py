"""A print run's draw: the jobs of the day, less the customers held out, each mailed card
with the template it drew where its kind names several (A/B wording).

In: the run's jobs, the day, the settings ([situations.KIND] holdout, templates, shares),
RunOptions (--holdout, the draw's seed) and the send log. Out: the jobs to print, the
customers held out (for the run's report, as not sent) and the draws the run logs with its
cards. A template named in hagaki.toml that does not exist is a ConfigError naming it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from mailmerge.errors import ConfigError
from mailmerge.i18n import _
from mailmerge.runs.jobs import Job, RunOptions
from mailmerge.selection.holdout import Shares, draw, holdout_share, new_seed
from mailmerge.selection.plan import NotSent
from mailmerge.sendlog.draws import Draw
from mailmerge.sendlog.store import SendLog, person_key
from mailmerge.shop.settings import Settings


def hold_out(jobs: list[Job], on: dt.date, settings: Settings, options: RunOptions,
             log: SendLog) -> tuple[list[Job], list[NotSent], list[Draw]]:
    """Draw the held-out customers and the templates among the jobs (neither for a proof, a
    reprint or a run with one template file, --template)."""
    if options.proof or options.reprint:
        return jobs, [], []
    share = holdout_share(options.holdout, {situation: kind.holdout for situation, kind
                                            in settings.situations.items()})

    def templates(situation: str) -> Shares:
        kind = settings.situations.get(situation)
        if kind is None or options.template is not None:
            return (), ()
        _check_templates(settings, situation, kind.templates)
        return kind.templates, kind.shares

    if not any(share(job.entry.situation) > 0 or len(templates(job.entry.situation)[0]) > 1
               for job in jobs):
        return jobs, [], []
    drawn = draw([(job.entry, job.campaign) for job in jobs], on, share, log,
                 options.holdout_seed or new_seed(), person_key, templates)
    kept = {id(entry) for entry, _campaign in drawn.cards}
    chosen = drawn.templates
    return ([replace(job, entry=replace(job.entry, template=chosen.get(
                (job.entry.customer.customer_id, job.campaign), job.entry.template)))
             for job in jobs if id(job.entry) in kept], drawn.held_out, drawn.draws)


def _check_templates(settings: Settings, situation: str, names: tuple[str, ...]) -> None:
    from mailmerge.templates.engine import BUILTIN

    folders = [folder for folder in (settings.templates_folder, BUILTIN) if folder]
    for name in names:
        if not any((folder / name).is_file() for folder in folders):
            raise ConfigError(_("{file}: [situations.{situation}] templates: テンプレート "
                                "{name} がありません（{folders} を探しました）",
                                file=settings.path or "hagaki.toml", situation=situation,
                                name=name, folders=", ".join(str(f) for f in folders)))
