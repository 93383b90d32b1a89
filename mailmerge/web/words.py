"""A logged card's campaign as the pages show it: the year a seasonal or birthday card is for;
the campaign itself (nenga-2027, thanks-<its sales>) stays in a tooltip for support.

In: a campaign. Out: its year, or ''.
"""

from __future__ import annotations

import re

YEAR = re.compile(r"-(\d{4})$")


def campaign_year(campaign: str) -> str:
    """The year a seasonal or birthday card's campaign is for ('nenga-2027': '2027'), else ''
    (a thank-you card's campaign is its sales, a follow-up's its day: nothing to say)."""
    found = YEAR.search(campaign)
    return found.group(1) if found else ""
