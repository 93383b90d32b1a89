"""The paper a run prints on: which card profile and which imposition each kind of paper
takes, and its name for the person loading the printer.

In: a paper's name (`--paper`, [paper] in hagaki.toml, the 印刷 page). Out: Paper.
年賀はがき carry 年賀 printed; on every other paper a 年賀状 gets the red 年賀 mark
(layout.address_side), or the post office delivers it in December.
"""

from __future__ import annotations

from msgspec import Struct

from mailmerge.i18n import N_


class Paper(Struct, frozen=True):
    name: str  # nenga, official, plain, a4
    layout: str  # the card profile (layouts/*.toml)
    impose: str | None  # "a4": four cards on an A4 sheet
    label: str  # marked with N_: translate where shown


PAPERS = {paper.name: paper for paper in (
    Paper("nenga", "nenga", None, N_("年賀はがき")),
    Paper("official", "official", None, N_("通常はがき")),
    Paper("plain", "plain", None, N_("私製はがき・インクジェット紙")),
    Paper("a4", "plain", "a4", N_("A4 用紙（1 枚に 4 面）")),
)}
SITUATION_PAPERS = {"nenga": "nenga"}  # a 年賀状 run loads 年賀はがき unless told otherwise


def paper_of_layout(layout: str, impose: str | None) -> Paper | None:
    """The paper a bundled layout (and imposition) prints on; None for a layout file."""
    if impose == "a4":
        return PAPERS["a4"]
    return next((paper for paper in PAPERS.values()
                 if paper.layout == layout and paper.impose is None), None)
