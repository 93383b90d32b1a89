"""Season windows from the 24 solar terms (二十四節気), computed, never a fixed table.

In: a seasonal situation and a day (plus the 松の内 setting and any [seasons] overrides).
Out: a SeasonRun: the season's year and campaign key, its PRINT window (when its cards may be
printed), its POSTING window (when they should be posted) and a posting note for the user; or
SeasonWindowError naming the current and the coming window. Solar terms come from the Sun's
apparent geocentric ecliptic longitude (ephem), dated in Japan Standard Time.

Posting windows follow the spec: 年賀状 Dec 15–25 for delivery on Jan 1 (年賀 handling until
Dec 28); 寒中見舞い from the end of 松の内 to the day before 立春; 余寒見舞い 立春 to the end of
February; 暑中見舞い 小暑 to the day before 立秋; 残暑見舞い 立秋 to the end of August.

Print windows open some weeks before posting opens and close when posting closes:
    年賀状      Nov 1 (年賀はがき go on sale) to the end of 松の内 (Jan 7, or Jan 15), for replies
    寒中見舞い  Dec 1 of the year before, so it is printed with the 年賀状 (喪中 households)
    余寒見舞い  Jan 15, about three weeks before 立春
    暑中見舞い  Jun 15, about three weeks before 小暑
    残暑見舞い  Jul 15, about three weeks before 立秋

A season's year is the year its cards are dated: nenga-2027 is printed from 2026-11-01 to
2027-01-07. Winter cards (nenga, kanchu, yokan) printed from July on belong to the next year.

[seasons.SITUATION] in hagaki.toml may widen a print window: print_from = "10-15",
print_until = "01-15" (month-day). A value that narrows the default is refused; where the
default reaches further in some year (松の内 to the 15th, a late 立秋) the default stays.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import TYPE_CHECKING

from msgspec import Struct

from mailmerge.errors import ConfigError, HagakiError
from mailmerge.i18n import N_, _

if TYPE_CHECKING:
    import ephem

JST = dt.timedelta(hours=9)
ONE_DAY = dt.timedelta(days=1)
RISSHUN, SHOSHO, RISSHU = 315.0, 105.0, 135.0  # 立春, 小暑, 立秋
TROPICAL_YEAR = 365.2422
LABELS = {"nenga": N_("年賀状"), "kanchu": N_("寒中見舞い"), "yokan": N_("余寒見舞い"),
          "shochu": N_("暑中見舞い"), "zansho": N_("残暑見舞い")}
MONTH_NAMES = (N_("1月"), N_("2月"), N_("3月"), N_("4月"), N_("5月"), N_("6月"), N_("7月"),
               N_("8月"), N_("9月"), N_("10月"), N_("11月"), N_("12月"))
WINTER = ("nenga", "kanchu", "yokan")
NENGA_POST_FIRST, NENGA_POST_LAST, NENGA_ACCEPTED_UNTIL = (12, 15), (12, 25), (12, 28)
PRINT_FROM = {"nenga": (11, 1), "kanchu": (12, 1), "yokan": (1, 15), "shochu": (6, 15),
              "zansho": (7, 15)}
OVERRIDE_KEYS = ("print_from", "print_until")
REFERENCE_YEARS = range(2000, 2100)  # the years a print_until override is compared over
# The days hagaki plans for: solar terms, eras, birthdays and the report's months are computed
# for these (and a year either side); a day outside is refused (supported_day).
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2200, 12, 31)

MonthDay = tuple[int, int]


class SeasonWindowError(HagakiError):
    """A seasonal card asked for outside its print window."""


class Window(Struct, frozen=True):
    situation: str
    first: dt.date
    last: dt.date  # inclusive
    rule: str  # how the window is defined, for messages

    def __contains__(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


class Override(Struct, frozen=True):
    """A widened print window from [seasons.SITUATION] (month, day), None: the default."""

    print_from: MonthDay | None = None
    print_until: MonthDay | None = None


class SeasonRun(Struct, frozen=True):
    """What printing a seasonal card on a given day means: its season, windows and a note."""

    situation: str
    year: int
    printing: Window
    posting: Window
    note: str

    @property
    def campaign(self) -> str:
        return f"{self.situation}-{self.year}"


def supported_day(day: dt.date) -> dt.date:
    """`day`, or HagakiError when it is outside FIRST_DAY … LAST_DAY: the one range check of
    a day a person asks for (--date, a date on a web page)."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise HagakiError(_("{day} の予定は立てられません。{first} から {last} までの日に"
                            "してください", day=day, first=FIRST_DAY, last=LAST_DAY))
    return day


def _sun_longitude(moment: ephem.Date) -> float:
    """The Sun's apparent geocentric ecliptic longitude (degrees, equinox of date)."""
    import ephem

    sun = ephem.Sun(moment)
    equatorial = ephem.Equatorial(sun.g_ra, sun.g_dec, epoch=moment)
    return math.degrees(ephem.Ecliptic(equatorial, epoch=moment).lon) % 360


@functools.cache
def solar_term_date(year: int, longitude_deg: float) -> dt.date:
    """The JST day in `year` on which the Sun reaches `longitude_deg` (315 = 立春 …)."""
    import ephem  # (loaded only by a run that works out a season)

    longitude = longitude_deg % 360
    # Longitudes from 285° (about Jan 5) on fall early in the year, before the equinox.
    offset = (longitude - (360 if longitude >= 285 else 0)) / 360 * TROPICAL_YEAR
    moment = ephem.Date(dt.datetime(year, 3, 20, 12)) + offset
    for _step in range(50):
        error = (longitude_deg - _sun_longitude(ephem.Date(moment)) + 180) % 360 - 180
        moment += error / 360 * TROPICAL_YEAR
        if abs(error) < 1e-7:
            break
    return (ephem.Date(moment).datetime() + JST).date()


def season_year(situation: str, on: dt.date) -> int:
    """The year a card printed on `on` is dated: 2026-12-01 → nenga 2027, shochu → 2026."""
    if situation not in LABELS:
        raise ValueError(f"{situation!r} is not a seasonal card")
    return on.year + 1 if situation in WINTER and on.month >= 7 else on.year


def _place(situation: str, year: int, month_day: MonthDay) -> dt.date:
    """A month-day of season `year` as a date (winter seasons start in July of the year before)."""
    month, day = month_day
    return dt.date(year - 1 if situation in WINTER and month >= 7 else year, month, day)


def posting_window(situation: str, year: int, matsunouchi_end_day: int = 7) -> Window:
    """When the cards of season `year` should be posted (nenga 2027: 2026-12-15 … 12-25)."""
    if situation == "nenga":
        return Window(situation, _place(situation, year, NENGA_POST_FIRST),
                      _place(situation, year, NENGA_POST_LAST),
                      _("元日に届くのは{last}までの投函、年賀郵便の受付は{accepted}まで",
                        last=_md(NENGA_POST_LAST), accepted=_md(NENGA_ACCEPTED_UNTIL)))
    if situation == "kanchu":
        return Window(situation, dt.date(year, 1, matsunouchi_end_day + 1),
                      solar_term_date(year, RISSHUN) - ONE_DAY,
                      _("松の内（{end}まで）が明けてから立春の前日まで",
                        end=_md((1, matsunouchi_end_day))))
    if situation == "yokan":
        return Window(situation, solar_term_date(year, RISSHUN),
                      dt.date(year, 3, 1) - ONE_DAY, _("立春から2月末まで"))
    if situation == "shochu":
        return Window(situation, solar_term_date(year, SHOSHO),
                      solar_term_date(year, RISSHU) - ONE_DAY, _("小暑から立秋の前日まで"))
    if situation == "zansho":
        return Window(situation, solar_term_date(year, RISSHU), dt.date(year, 8, 31),
                      _("立秋から8月末まで"))
    raise ValueError(f"{situation!r} is not a seasonal card")


def campaign_posting(campaign: str, matsunouchi_end_day: int = 7) -> Window | None:
    """The posting window of a seasonal campaign ('kanchu-2027'); None for any other."""
    situation, _dash, year = campaign.rpartition("-")
    if situation not in LABELS or not year.isdigit():
        return None
    return posting_window(situation, int(year), matsunouchi_end_day)


def opens_words(posting: Window) -> str:
    """The day posting opens, as words ('1月8日')."""
    return _md(posting.first)


def _default_print_until(situation: str, year: int, matsunouchi_end_day: int) -> dt.date:
    if situation == "nenga":
        return dt.date(year, 1, matsunouchi_end_day)
    return posting_window(situation, year, matsunouchi_end_day).last


def printing_window(situation: str, year: int, matsunouchi_end_day: int = 7,
                    override: Override | None = None) -> Window:
    """When the cards of season `year` may be printed, widened by `override` if given."""
    first = _place(situation, year, PRINT_FROM[situation])
    last = _default_print_until(situation, year, matsunouchi_end_day)
    if override is not None and override.print_from is not None:
        first = min(first, _place(situation, year, override.print_from))
    if override is not None and override.print_until is not None:
        last = max(last, _place(situation, year, override.print_until))
    return Window(situation, first, last, _("印刷できる期間"))


def season_plan(situation: str, on: dt.date, matsunouchi_end_day: int = 7,
                overrides: dict[str, Override] | None = None) -> SeasonRun:
    """The season a card printed on `on` belongs to, or SeasonWindowError outside printing."""
    year = season_year(situation, on)
    override = (overrides or {}).get(situation)
    printing = printing_window(situation, year, matsunouchi_end_day, override)
    posting = posting_window(situation, year, matsunouchi_end_day)
    label = _(LABELS[situation])
    if on < printing.first:
        raise SeasonWindowError(_(
            "{card}はまだ印刷できません（{on}）。{print_first} から印刷でき、投函は "
            "{post_first} … {post_last} です（{rule}）", card=label, on=on,
            print_first=printing.first, post_first=posting.first, post_last=posting.last,
            rule=posting.rule))
    if on > printing.last:
        coming = printing_window(situation, year + 1, matsunouchi_end_day, override)
        coming_posting = posting_window(situation, year + 1, matsunouchi_end_day)
        raise SeasonWindowError(_(
            "{card}の時期（印刷 {print_first} … {print_last}、投函 {post_first} … "
            "{post_last}）は終わりました（{on}）。次は {next_print} から印刷でき、投函は "
            "{next_first} … {next_last} です（{rule}）", card=label, on=on,
            print_first=printing.first, print_last=printing.last, post_first=posting.first,
            post_last=posting.last, next_print=coming.first, next_first=coming_posting.first,
            next_last=coming_posting.last, rule=coming_posting.rule))
    return SeasonRun(situation, year, printing, posting, posting_note(posting, on))


def _md(month_day: MonthDay | dt.date) -> str:
    """12月25日 / 25 Dec."""
    month, day = (month_day.month, month_day.day) if isinstance(month_day, dt.date) else month_day
    return _("{month_name}{day}日", month_name=_(MONTH_NAMES[month - 1]), day=day)


def posting_note(posting: Window, on: dt.date) -> str:
    """When to post a card of `posting`'s season on `on`, in words for the user."""
    first, last = _md(posting.first), _md(posting.last)
    if posting.situation == "nenga":
        accepted = _md(NENGA_ACCEPTED_UNTIL)
        if on < posting.first:
            return _("{first}〜{last}に投函すると1月1日に届きます"
                     "（{accepted}までは年賀郵便として受け付けられます）",
                     first=first, last=last, accepted=accepted)
        if on <= posting.last:
            return _("{last}までに投函すると1月1日に届きます"
                     "（{accepted}までは年賀郵便として受け付けられます）",
                     last=last, accepted=accepted)
        if on <= dt.date(posting.last.year, *NENGA_ACCEPTED_UNTIL):
            return _("今から投函すると元日には届きません（{accepted}までは年賀郵便の扱い）",
                     accepted=accepted)
        return _("元日以降の配達になります")
    if on < posting.first:
        return _("{first}〜{last}に投函してください（{rule}）", first=first, last=last,
                 rule=posting.rule)
    if on <= posting.last:
        return _("{last}までに投函してください（{rule}）", last=last, rule=posting.rule)
    return _("{card}の投函期間（{first}〜{last}）は過ぎています",
             card=_(LABELS[posting.situation]), first=first, last=last)


def card_day(situation: str, on: dt.date) -> dt.date:
    """The day a seasonal card's date line speaks for: 元旦 of its New Year for a 年賀状; Jan 1
    of the season's year for a winter card printed the autumn before; else the day itself."""
    year = season_year(situation, on)
    return on if situation != "nenga" and on.year == year else dt.date(year, 1, 1)


def season_overrides(table: dict, where: str) -> dict[str, Override]:
    """[seasons] of hagaki.toml → {situation: Override}; ConfigError naming the key when a
    value is not "MM-DD" or would narrow the default print window."""
    overrides = {}
    for situation, settings in table.items():
        if situation not in LABELS:
            raise ConfigError(_("{where}: [seasons.{situation}] は季節の便ではありません。"
                                "{known} のどれかにしてください", where=where,
                                situation=situation, known=", ".join(LABELS)))
        if not isinstance(settings, dict):
            raise ConfigError(_("{where}: [seasons.{situation}] は print_from = \"10-15\" の"
                                "ような表にしてください", where=where, situation=situation))
        unknown = sorted(set(settings) - set(OVERRIDE_KEYS))
        if unknown:
            raise ConfigError(_("{where}: [seasons.{situation}] {key} は使えません。"
                                "print_from か print_until にしてください", where=where,
                                situation=situation, key=unknown[0]))
        values = {key: _month_day(settings[key], f"{where}: [seasons.{situation}] {key}")
                  for key in OVERRIDE_KEYS if key in settings}
        _refuse_narrowing(situation, values, where)
        overrides[situation] = Override(**values)
    return overrides


def _month_day(value: object, key: str) -> MonthDay:
    match = re.fullmatch(r"(\d{2})-(\d{2})", value) if isinstance(value, str) else None
    if match is None:
        raise ConfigError(_("{key} は \"10-15\" のように月-日で書いてください"
                            "（{value} は読めません）", key=key, value=repr(value)))
    month, day = int(match[1]), int(match[2])
    if (month, day) == (2, 29):
        raise ConfigError(_("{key}: 02-29 はうるう年にしかありません。"
                            "02-28 か 03-01 にしてください", key=key))
    try:
        dt.date(2001, month, day)
    except ValueError:
        raise ConfigError(_("{key}: {value} という日付はありません", key=key,
                            value=value)) from None
    return month, day


def _refuse_narrowing(situation: str, values: dict[str, MonthDay], where: str) -> None:
    key = f"{where}: [seasons.{situation}]"
    default_from, earliest_until = PRINT_FROM[situation], _earliest_print_until(situation)
    if "print_from" in values and _order(situation, values["print_from"]) > _order(
            situation, default_from):
        raise ConfigError(_("{key} print_from は既定の印刷開始 {default} より後で、"
                            "期間を狭めます。それ以前の日にしてください", key=key,
                            default=_mmdd(default_from)))
    if "print_until" in values and _order(situation, values["print_until"]) < _order(
            situation, earliest_until):
        raise ConfigError(_("{key} print_until は既定の印刷終了 {default} より前で、"
                            "期間を狭めます。それ以後の日にしてください", key=key,
                            default=_mmdd(earliest_until)))


@functools.cache
def _earliest_print_until(situation: str) -> MonthDay:
    """The earliest month-day the default print window ends on, over REFERENCE_YEARS."""
    ends = [_default_print_until(situation, year, 7) for year in REFERENCE_YEARS]
    return min(((day.month, day.day) for day in ends), key=lambda md: _order(situation, md))


def _order(situation: str, month_day: MonthDay) -> tuple[int, int, int]:
    """Sort key of a month-day within a season (winter seasons start in July)."""
    return (0 if situation in WINTER and month_day[0] >= 7 else 1, *month_day)


def _mmdd(month_day: MonthDay) -> str:
    return f"{month_day[0]:02d}-{month_day[1]:02d}"
