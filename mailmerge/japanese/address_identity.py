"""One address identity: the key by which two spellings of one address are known as the same
place, used by the returned check, the duplicate check and the merge of customer files.

In: a postal code and the two address fields as typed. Out: a key 'postal|town|numbers' (for
comparing only, never printed). On top of textmatch's match key (NFKC, case, dashes, ー, kanji
variants, half-width kana, spaces): the prefecture (implied by the postal code) dropped;
kanji numerals written as numbers (before 丁目/番/号/条…, beside a dash, at the end) made
digits; the town is the text before the first number, and the place is the town with its
numbers in order, whatever stands between them (丁目, 番地, 号, の, dashes, a building's
name) and without a floor (12階, 5F: the room number says it). '東京都新宿区西新宿二丁目8番1号
パークタワー1203' and ('１６０-００２３', '新宿区西新宿2-8-1-1203') give the same key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from mailmerge.japanese.barcode import kanji_numeral
from mailmerge.japanese.text import KANJI_NUMERALS, PREFECTURES
from mailmerge.japanese.textmatch import match_key
from mailmerge.models import Customer

LEADING_CODE = re.compile(r"^\d{3}-?\d{4}")  # a postal code written before a keyed address
_PREFECTURE = re.compile("^(?:" + "|".join(PREFECTURES) + ")")
_KANJI_NUMBER = re.compile("[〇一二三四五六七八九十百千]+(?=丁目|丁|番地|番|号|地割|線|条|の|ノ|之"
                           "|階|f|-|$)|(?<=[-\\d])[〇一二三四五六七八九十百千]+")
_FLOOR = re.compile(r"\d+(?:階|f(?![a-z]))")
_NUMBER = re.compile(r"\d+")


def postal_digits(postal_code: str) -> str:
    """'〒１６０－００２３' → '1600023'."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", postal_code) if ch.isdigit())


def address_identity(postal_code: str, address1: str, address2: str = "") -> str:
    """'1600023|新宿区西新宿|2-8-1-1203': the postal code's digits, the town, the numbers."""
    text = match_key(address1 + address2).replace("|", "")  # '|' separates the key's parts
    text = _PREFECTURE.sub("", LEADING_CODE.sub("", text))
    if not KANJI_NUMERALS.isdisjoint(text):  # (most addresses have none: no search then)
        text = _KANJI_NUMBER.sub(lambda m: kanji_numeral(m.group()), text)
    if "階" in text or "f" in text:
        text = _FLOOR.sub("", text)
    first = _NUMBER.search(text)
    town, rest = (text[:first.start()], text[first.start():]) if first else (text, "")
    return f"{postal_digits(postal_code)}|{town}|{'-'.join(_NUMBER.findall(rest))}"


def has_address(identity: str) -> bool:
    """Does the identity hold a town or a number (not only a postal code)?"""
    _postal, town, numbers = identity.split("|")
    return bool(town or numbers)


def same_place(one: str, other: str) -> bool:
    """Two identities of one place: equal, or one leaves out the end of the other's numbers
    (a building or a room: '…|2-8-1' and '…|2-8-1-501', never '…|2-8-1' and '…|2-8-10')."""
    if one == other:
        return True
    *where, numbers = one.split("|")
    *other_where, other_numbers = other.split("|")
    if where != other_where or not numbers or not other_numbers:
        return False
    shorter, longer = sorted((numbers.split("-"), other_numbers.split("-")), key=len)
    return longer[:len(shorter)] == shorter


def place_bucket(identity: str) -> tuple[str, str, str]:
    """Postal code, town and first number of an address identity: two identities of one
    place (same_place) always share them."""
    postal, town, numbers = identity.split("|")
    return postal, town, numbers.partition("-")[0]


def person_bucket(identity: Sequence[str]) -> tuple[str, ...]:
    """Where a person is looked for among others (person_identity's four parts in): the
    folded name, family and given name as one (佐藤花子 and 佐藤 花子 alike), the company
    and the address's place_bucket."""
    family, given, company, place = identity
    return (family + given, company, *place_bucket(place))


class Places:
    """The rows seen so far by address identity: `see(identity, row)` gives the earliest row
    at the same place (same_place) as `identity`, found with a few dictionary lookups whatever
    the number of rows (a list of 200,000 customers is not compared pair by pair)."""

    def __init__(self) -> None:
        self._exact: dict[str, tuple[int, str]] = {}  # identity → (first row, identity)
        self._extended: dict[str, tuple[int, str]] = {}  # each numbers' prefix → the same

    def see(self, identity: str, row: int) -> tuple[int, str] | None:
        """(row, identity as seen there) of the earliest row at this place; None if there
        is none, and then `row` is remembered at `identity` (rows come in order)."""
        exact, extended = self._exact, self._extended
        where, _, numbers = identity.rpartition("|")
        found = [exact.get(identity)]
        prefixes = []  # '…|2', '…|2-8', '…|2-8-1' (the last is the identity itself)
        if numbers:
            found.append(extended.get(identity))  # a row that adds a building or room
            first, *others = numbers.split("-")
            prefixes.append(f"{where}|{first}")
            for part in others:
                prefixes.append(f"{prefixes[-1]}-{part}")
            found += [exact.get(shorter) for shorter in prefixes[:-1]]  # or leaves them out
        earliest = min(filter(None, found), default=None)
        if earliest is None:
            seen = (row, identity)
            exact[identity] = seen
            for prefix in prefixes:
                extended.setdefault(prefix, seen)
        return earliest


def person_identity(customer: Customer) -> tuple[str, str, str, str]:
    """The person as people write them: family name, given name and company folded
    (textmatch: 髙/高, 﨑/崎, widths, variation selectors) and the address identity, so one
    person is known again under another spelling or another customer id. (Kept on the
    customer: reading a list, planning and logging ask it of each customer.)"""
    found = known_identity(customer)
    if found is None:
        found = (match_key(customer.family_name), match_key(customer.given_name),
                 match_key(customer.company),
                 address_identity(customer.postal_code, customer.address1, customer.address2))
        keep_identity(customer, found)
    return found


def known_identity(customer: Customer) -> tuple[str, str, str, str] | None:
    """The customer's person identity if it was worked out (kept beside its fields)."""
    return customer.__dict__.get("identity")


def keep_identity(customer: Customer, identity: tuple[str, str, str, str]) -> None:
    """Keep the identity on the (frozen) customer: beside its fields, never compared."""
    customer.__dict__["identity"] = identity


def person_key(customer: Customer) -> str:
    """The person a card goes to, as the send log keeps it (cards.person)."""
    return "\x1f".join(person_identity(customer))
