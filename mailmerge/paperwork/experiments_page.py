"""The stock-take's はがきの効果 section: mailed and held-out customers compared, in the same
words as the text report (report.experiment_words) and the same figures as the workbook.

In: Measures and the styles of the stock-take. Out: flowables (none without an experiment).
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from mailmerge.i18n import _
from mailmerge.paperwork.document import Styles, paragraph
from mailmerge.report import experiment_words
from mailmerge.report.measures import Measures

SECTION_ROOM = 60 * mm  # a heading and the first experiment, or a new page


def experiments_section(measures: Measures, styles: Styles) -> list[Flowable]:
    if not measures.experiments:
        return []
    story: list[Flowable] = [CondPageBreak(SECTION_ROOM),
                             paragraph(_("はがきの効果（くじで比べた結果）"), styles.heading),
                             paragraph(experiment_words.scope_note(), styles.body)]
    for experiment in measures.experiments:
        story.append(KeepTogether([
            paragraph(experiment_words.title(experiment), styles.body),
            *(paragraph(f"　{line}", styles.body)
              for line in experiment_words.lines(experiment, measures.has_amounts)),
            Spacer(1, 2 * mm)]))
    return [*story, paragraph(experiment_words.method_note(), styles.body)]
