"""The shop's telephone, e-mail and web address, as [sender] phone, email and url hold them.

In: what the shop typed (full-width digits, ー or － between the groups, 03(1234)5678, a
leading 電話 or TEL, +81 for Japan …). Out: the value as saved (the phone in ASCII digits
and hyphens, 03-1234-5678; the e-mail and web address in half-width forms), "" for nothing typed, or
ContactRefused saying what is wrong and how to write it.
"""

from __future__ import annotations

import re
import unicodedata

from mailmerge.errors import ConfigError
from mailmerge.i18n import N_, _
from mailmerge.layout.vertical_text import HYPHENS

CONTACT_FIELDS = ("phone", "email", "url")
PHONE_DIGITS = (10, 11)  # 03-1234-5678, 0120-123-456; 090-1234-5678, 050-…, 0800-…
_PHONE_LABEL = re.compile(r"^(?:電話番号|電話|TEL|Tel|tel|☎|℡)[\s.:：]*")
_SEPARATORS = re.compile(rf"[\s()（）{re.escape(HYPHENS)}ー]+")
_PHONE = re.compile(r"0[0-9]*(?:-[0-9]+){0,3}")
_EMAIL = re.compile(r"[A-Za-z0-9._%+!#$&'*/=?^`{|}~-]+@[^\s@/:]+\.[^\s@/:.]+")
_URL = re.compile(r"(?:https?://)?[^\s/@:?#]+\.[^\s/@:?#.]+(?::[0-9]{1,5})?(?:[/?#]\S*)?",
                  re.IGNORECASE)
REFUSALS = {
    "phone": N_("{value} は電話番号として読めません。0 から始まる 10 けたか 11 けたの数字を、"
                "ハイフンで区切って書いてください（例: 03-1234-5678）"),
    "email": N_("{value} はメールアドレスとして読めません。@ の入ったアドレスを書いてください"
                "（例: info@sasaki-zakka.jp）"),
    "url": N_("{value} はホームページのアドレスとして読めません。https:// から始まるアドレスか、"
              "ドメインだけを書いてください（例: https://sasaki-zakka.jp または "
              "sasaki-zakka.jp）"),
}


class ContactRefused(ConfigError):
    """A phone, e-mail or web address that cannot be what it says; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def cleaned_contact(field: str, text: str) -> str:
    """`text` as [sender] `field` saves it (see the module); ContactRefused when it is wrong."""
    typed = text.strip()
    value = unicodedata.normalize("NFKC", typed).strip()
    if not value:
        return ""
    if field == "phone":
        value = _SEPARATORS.sub("-", _PHONE_LABEL.sub("", value)).strip("-")
        if value.startswith("+81"):  # +81-75-…, +81 (0)75-… → 075-…, as the lists read it
            value = "0" + value[3:].lstrip("-").removeprefix("0").lstrip("-")
        digits = sum(c.isdigit() for c in value)
        good = _PHONE.fullmatch(value) is not None and digits in PHONE_DIGITS
    else:
        good = (_EMAIL if field == "email" else _URL).fullmatch(value) is not None
    if not good:
        raise ContactRefused(field, _(REFUSALS[field], value=repr(typed)))
    return value
