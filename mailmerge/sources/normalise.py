"""Cleaning cell values: what should be cleaned is, names are kept exactly as typed.

In: cell text. Out: clean values, or None where a value cannot be understood (the caller
reports it with the row and column).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from mailmerge.japanese.text import ERAS, PREFECTURES, widen_halfwidth_kana

MAX_AMOUNT = 1e12  # yen; anything larger is a typing or export mistake
# \ is ¥ in Shift_JIS: Excel in Japan saves a typed ¥ as the byte of a backslash.
# (Patterns kept as text are compiled by re when first used: a run that never needs one
# does not compile it at its start.)
_AMOUNT_NOISE = r"[,¥￥\\円\s]"
_AMOUNT = r"^([-−△▲+]?)(\d+(?:\.\d+)?)$"  # △/▲: the accounting minus
FALSE_FLAGS = {"", "0", "false", "no", "n", "いいえ", "無", "なし", "-", "×", "off"}
NAME_HONORIFICS = ("様方", "先生", "御中", "各位", "様", "殿", "さま")
_POSTAL_NOISE = re.compile(r"[\s\-‐‑–—―−－ー]")
_POSTAL_MARK = re.compile(r"^\s*〒")
_SPACES = re.compile(r"[ \u3000\t]+")
_DATE = r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$"
_COMPACT_DATE = r"^(\d{4})(\d{2})(\d{2})(?:\d{4}(?:\d{2})?)?$"  # 20261123[1530[00]]
_US_DATE = r"^(\d{1,2})/(\d{1,2})/(\d{4})$"  # 11/23/2026 (Square, US exports)
_ERA_DATE = re.compile(r"^(明治|大正|昭和|平成|令和|[MTSHR])\s*(元|\d{1,2})\s*[年./-]\s*(\d{1,2})"
                       r"\s*[月./-]\s*(\d{1,2})\s*日?$", re.IGNORECASE)
_JOINT_SEPARATORS = re.compile(r"[、,，・/／]+")
_PHONE_NOISE = re.compile(r"[\s\-‐‑–—―−ー().]")


def drop_text_marker(text: str) -> str:
    """Excel's text marker removed: "'0312345678" → '0312345678' (Shopify writes ids, zips
    and phones this way so Excel keeps their leading zeros)."""
    stripped = text.strip()
    return stripped[1:] if stripped.startswith("'") else stripped


def clean_phone(text: str) -> str:
    """A phone number as digits for comparing: '+81 90-1234-5678' → '09012345678',
    '＋８１（０）３‐１２３４‐５６７８' → '0312345678'; '' when there are no digits."""
    value = _PHONE_NOISE.sub("", unicodedata.normalize("NFKC", drop_text_marker(text)))
    if value.startswith("+81"):
        value = "0" + value[3:].removeprefix("0")
    elif value.startswith("81") and len(value) in (11, 12):
        value = "0" + value[2:]
    digits = "".join(ch for ch in value if ch.isascii() and ch.isdigit())
    return digits if len(digits) >= 6 else ""


def prefecture_name(text: str) -> str:
    """A prefecture as a shop's export writes it → its name: 'JP-13' or '13' → '東京都';
    a name stays as typed."""
    value = unicodedata.normalize("NFKC", text).strip().upper().removeprefix("JP-")
    if value.isascii() and value.isdigit() and 1 <= int(value) <= len(PREFECTURES):
        return PREFECTURES[int(value) - 1]
    return text.strip()


def clean_postal_code(text: str) -> str:
    """'〒１００－０００１' → '1000001': a leading 〒, spaces and hyphens go; anything else is
    left for validation to report."""
    return _POSTAL_NOISE.sub("", _POSTAL_MARK.sub("", unicodedata.normalize("NFKC", text)))


def lost_leading_zero(text: str) -> bool:
    """True for a bare 6-digit number: what Excel makes of 0600001 in a number cell.
    '600001' → True; '060-001', '〒600001', '6000010' → False."""
    bare = unicodedata.normalize("NFKC", text).strip()
    return len(bare) == 6 and bare.isascii() and bare.isdigit()


def clean_address(text: str) -> str:
    """Half-width kana widened, runs of spaces made one, ends trimmed. Kanji untouched."""
    return _SPACES.sub(" ", widen_halfwidth_kana(text)).strip()


def clean_name(text: str) -> tuple[str, str]:
    """A name as typed, trimmed, with an honorific typed into it split off:
    '山田様' → ('山田', '様'); '髙橋' → ('髙橋', '')."""
    name = text.strip(" \u3000\t")
    if not name.endswith(NAME_HONORIFICS):
        return name, ""  # (most names)
    for honorific in NAME_HONORIFICS:
        if name.endswith(honorific) and len(name) > len(honorific):
            return name[: -len(honorific)].rstrip(" \u3000"), honorific
    return name, ""


def split_full_name(text: str) -> tuple[str, str]:
    """'山田 太郎' → ('山田', '太郎'); a name without a space is all family name."""
    parts = _SPACES.split(text.strip(" \u3000\t"), maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else ""


def split_joint_names(value: str) -> list[str]:
    """'花子、一郎' → ['花子', '一郎'] (also , ・ / separated)."""
    return [part.strip(" \u3000") for part in _JOINT_SEPARATORS.split(value) if part.strip()]


def parse_flag(text: str) -> bool:
    """A yes/no cell: anything but blank, 0, no, いいえ, なし … means yes."""
    if not text:
        return False
    return unicodedata.normalize("NFKC", text).strip().casefold() not in FALSE_FLAGS


def parse_date(text: str) -> dt.date | None:
    """2026-11-23, 2026/11/23, 2026年11月23日, 20261123, 昭和55年1月2日, S55.1.2, 令和元年5月1日,
    with or without a time after it (2026-11-23 15:30:00 +0900, 2026-11-23T15:30, 20261123153000),
    and 11/23/2026 → a date; None if not a date (or not a day of that era)."""
    value = drop_text_marker(unicodedata.normalize("NFKC", text))
    if "T" in value:
        value = value.split("T", 1)[0]
    elif " " in value and ":" in value:
        value = value.split(" ", 1)[0]
    found = _calendar_date(value)
    if found is None and " " in value:  # 2026年11月23日 15時30分, 2026/11/23 3:30 PM
        found = _calendar_date(value.split(" ", 1)[0])
    return found


def _calendar_date(value: str) -> dt.date | None:
    era = _ERA_DATE.match(value)
    if era:
        return _era_date(*era.groups())
    match = re.match(_DATE, value) or re.match(_COMPACT_DATE, value)
    parts = match.groups()[:3] if match else None
    us = None if match else re.match(_US_DATE, value)
    if us:
        month, day, year = us.groups()
        parts = (year, month, day)
    if parts is None:
        return None
    try:
        return dt.date(*(int(part) for part in parts))
    except ValueError:
        return None


def _era_date(era: str, year: str, month: str, day: str) -> dt.date | None:
    """昭和 55 1 2 → 1980-01-02, checked against the era's first day (and the next era's)."""
    for index, (start, name, initial) in enumerate(ERAS):
        if era in (name, initial, initial.lower()):
            try:
                date = dt.date(start.year + (1 if year == "元" else int(year)) - 1,
                               int(month), int(day))
            except ValueError:
                return None
            ends = ERAS[index - 1][0] if index else None
            if date < start or (ends is not None and date >= ends):
                return None
            return date
    return None


def parse_amount(text: str) -> float | None:
    """'¥3,300', '\\3,300' (¥ in Shift_JIS) and '３，３００円' → 3300.0, '△500', '(500)' and
    '（500）' → -500.0 (a refund, as accounting writes it); None for anything that is not a
    plain finite number of at most MAX_AMOUNT in size ('nan', 'inf', '1e400', '1_000')."""
    cleaned = re.sub(_AMOUNT_NOISE, "", unicodedata.normalize("NFKC", drop_text_marker(text)))
    if cleaned.startswith("(") and cleaned.endswith(")"):
        cleaned = f"-{cleaned[1:-1]}"
    match = re.match(_AMOUNT, cleaned)
    if match is None or not match.group(2).isascii():
        return None
    amount = float(match.group(2))
    if not math.isfinite(amount) or amount > MAX_AMOUNT:
        return None
    return -amount if match.group(1) in ("-", "−", "△", "▲") and amount else amount
