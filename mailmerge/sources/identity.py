"""Who a row is: ids cleaned for comparing, an id made from name and address when a row has
none, and whether a row says enough to tell one person from another (the key by which the
same person is found twice is address_identity.person_identity).

In: cell text or a Customer. Out: strings. The same person always gets the same generated id
(it depends only on the person's own name, company, postal code and address, never on the row
or its neighbours), so the send log knows them again on every read.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from mailmerge.japanese.address_identity import has_address
from mailmerge.models import Customer

GENERATED_PREFIX = "auto-"
_INVISIBLE_CATEGORIES = ("Cf", "Cc")  # BOM, zero-width, soft hyphen, bidi marks; controls
_WHITESPACE = re.compile(r"\s+")


def clean_id(text: str) -> str:
    """An id as it is compared: NFKC, invisible characters removed, outer spaces trimmed.
    '\\ufeffＣ００１ ' → 'C001'."""
    if text.isascii() and text.isprintable():
        return text.strip()  # (most ids: nothing to fold)
    normal = unicodedata.normalize("NFKC", text)
    visible = "".join(ch for ch in normal if unicodedata.category(ch) not in _INVISIBLE_CATEGORIES)
    return visible.strip()


def person_key(customer: Customer) -> tuple[str, ...]:
    """Family and given name, company, postal code and the whole address, each NFKC,
    case-folded and without spaces or invisible characters."""
    return (_fold(customer.family_name), _fold(customer.given_name), _fold(customer.company),
            _fold(customer.postal_code), _fold(customer.address1 + customer.address2))


def is_identifiable(key: tuple[str, ...]) -> bool:
    """A name (or company) and an address: enough to tell one person from another."""
    family, given, company, identity = key
    return bool((family or given or company) and has_address(identity))


def generated_id(key: tuple[str, ...]) -> str:
    """'auto-' and 12 hex digits of the SHA-256 of the person key."""
    digest = hashlib.sha256("\x1f".join(key).encode("utf-8")).hexdigest()
    return GENERATED_PREFIX + digest[:12]


def _fold(text: str) -> str:
    return _WHITESPACE.sub("", clean_id(text)).casefold()
