"""Season windows from the 24 solar terms (二十四節気), computed, never a fixed table.

In: a situation and a year (or a day). Out: the window in which that seasonal card may be
sent, or SeasonWindowError naming that year's window. Solar terms come from the Sun's
apparent geocentric ecliptic longitude (ephem), dated in Japan Standard Time.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass

import ephem

from mailmerge.errors import HagakiError

JST = dt.timedelta(hours=9)
RISSHUN, SHOSHO, RISSHU = 315.0, 105.0, 135.0  # 立春, 小暑, 立秋
TROPICAL_YEAR = 365.2422
LABELS = {"nenga": "年賀状", "kanchu": "寒中見舞い", "yokan": "余寒見舞い",
          "shochu": "暑中見舞い", "zansho": "残暑見舞い"}


class SeasonWindowError(HagakiError):
    """A seasonal card asked for outside its window."""


@dataclass(frozen=True)
class Window:
    situation: str
    first: dt.date
    last: dt.date  # inclusive
    rule: str  # how the window is defined, for messages

    def __contains__(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


def _sun_longitude(moment: ephem.Date) -> float:
    """The Sun's apparent geocentric ecliptic longitude (degrees, equinox of date)."""
    sun = ephem.Sun(moment)
    equatorial = ephem.Equatorial(sun.g_ra, sun.g_dec, epoch=moment)
    return math.degrees(ephem.Ecliptic(equatorial, epoch=moment).lon) % 360


@functools.cache
def solar_term_date(year: int, longitude_deg: float) -> dt.date:
    """The JST day in `year` on which the Sun reaches `longitude_deg` (315 = 立春 …)."""
    longitude = longitude_deg % 360
    # Longitudes from 285° (about Jan 5) on fall early in the year, before the equinox.
    offset = (longitude - (360 if longitude >= 285 else 0)) / 360 * TROPICAL_YEAR
    moment = ephem.Date(dt.datetime(year, 3, 20, 12)) + offset
    for _ in range(50):
        error = (longitude_deg - _sun_longitude(ephem.Date(moment)) + 180) % 360 - 180
        moment += error / 360 * TROPICAL_YEAR
        if abs(error) < 1e-7:
            break
    return (ephem.Date(moment).datetime() + JST).date()


def window(situation: str, year: int, matsunouchi_end_day: int = 7) -> Window:
    """The sending window of a seasonal card in `year` (nenga: December of that year)."""
    day = dt.timedelta(days=1)
    if situation == "nenga":
        return Window(situation, dt.date(year, 12, 15), dt.date(year, 12, 25),
                      "posted Dec 15–25 for delivery on Jan 1")
    if situation == "kanchu":
        return Window(situation, dt.date(year, 1, matsunouchi_end_day + 1),
                      solar_term_date(year, RISSHUN) - day,
                      "after 松の内 to the day before 立春")
    if situation == "yokan":
        return Window(situation, solar_term_date(year, RISSHUN),
                      dt.date(year, 3, 1) - day, "立春 to the end of February")
    if situation == "shochu":
        return Window(situation, solar_term_date(year, SHOSHO),
                      solar_term_date(year, RISSHU) - day, "小暑 to the day before 立秋")
    if situation == "zansho":
        return Window(situation, solar_term_date(year, RISSHU), dt.date(year, 8, 31),
                      "立秋 to the end of August")
    raise ValueError(f"{situation!r} is not a seasonal card")


def check_window(situation: str, on: dt.date, matsunouchi_end_day: int = 7) -> None:
    """Raise SeasonWindowError when `on` is outside the situation's window for its year."""
    current = window(situation, on.year, matsunouchi_end_day)
    if on not in current:
        raise SeasonWindowError(
            f"{LABELS[situation]} is for {current.first.isoformat()} … "
            f"{current.last.isoformat()} ({current.rule}); the date is {on.isoformat()}"
        )
