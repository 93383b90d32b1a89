"""One address identity: the key by which two spellings of one address are known as the same
place, used by the returned check, the duplicate check and the merge of customer files.

In: a postal code and the two address fields as typed. Out: a key (for comparing only, never
printed). Folded on top of textmatch's match key (NFKC, case, dashes, ー, kanji variants,
half-width kana, spaces): kanji numerals before 丁目/番地/番/号 … as digits; 丁目, 丁, 番地,
番, 号, 号室, の, ノ, 之, 地割 after a number and dashes as one separator; a floor written 5F
as 5階; the prefecture (implied by the postal code) dropped; 住所1 and 住所2 read as one.
'東京都新宿区西新宿二丁目8番1号 都庁ビル' and ('１６０-００２３', '新宿区西新宿2-8-1', '都庁ビル')
give the same key.
"""

from __future__ import annotations

import re
import unicodedata

from mailmerge.barcode import kanji_to_digits
from mailmerge.japanese import PREFECTURES
from mailmerge.textmatch import match_key

_LEADING_CODE = re.compile(r"^\d{3}-?\d{4}")
_PREFECTURE = re.compile("^(?:" + "|".join(PREFECTURES) + ")")
_SEPARATORS = re.compile(r"(?<=\d)(?:丁目|丁|番地|番|号室|号|の|ノ|之|地割|-)+")
_FLOOR = re.compile(r"(?<=\d)f(?![a-z])")
_LOOSE_DASH = re.compile(r"-(?!\d)|(?<!\d)-")


def postal_digits(postal_code: str) -> str:
    """'〒１６０－００２３' → '1600023'."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", postal_code) if ch.isdigit())


def address_identity(postal_code: str, address1: str, address2: str = "") -> str:
    """'1600023|新宿区西新宿2-8-1都庁ビル5階': the postal code's digits and the folded address."""
    text = _LEADING_CODE.sub("", match_key(address1 + address2))
    text = _PREFECTURE.sub("", kanji_to_digits(text))
    text = _FLOOR.sub("階", _SEPARATORS.sub("-", text))
    return f"{postal_digits(postal_code)}|{_LOOSE_DASH.sub('', text)}"


def same_place(one: str, other: str) -> bool:
    """Two identities of one place: equal, or equal but for a building one of them leaves out
    ('…2-8-1' and '…2-8-1都庁ビル', never '…2-8-1' and '…2-8-10')."""
    if one == other:
        return True
    shorter, longer = sorted((one, other), key=len)
    return (longer.startswith(shorter) and shorter[-1:].isdigit()
            and not longer[len(shorter)].isdigit() and longer[len(shorter)] != "-")
