"""Header names → fields: the Japanese and English headers shops' files use.

In: a header row. Out: for each field, the column(s) that hold it. Matching ignores case,
spaces and full-width/half-width differences of letters and brackets.
"""

from __future__ import annotations

import re
import unicodedata

# field → header names seen in the wild (spec/customers.md). Several columns may feed one
# field (都道府県 + 市区町村 + 番地 → address1); they are joined in the order listed here.
ALIASES: dict[str, tuple[str, ...]] = {
    "customer_id": ("顧客ID", "顧客番号", "会員番号", "id", "customer_id"),
    "name": ("氏名", "名前", "name"),
    "family_name": ("姓", "氏名(姓)", "last_name", "family_name"),
    "given_name": ("名", "氏名(名)", "first_name", "given_name"),
    "honorific": ("敬称", "honorific"),
    "postal_code": ("郵便番号", "〒", "郵便番号(自宅欄)", "postal_code", "zip", "postcode"),
    "address1": ("住所1", "住所", "都道府県", "市区町村", "番地", "自宅住所(都道府県)",
                 "自宅住所(市区町村)", "自宅住所(番地等)", "address1", "address"),
    "address2": ("住所2", "建物名", "自宅住所(建物名)", "address2", "building"),
    "company": ("会社名", "会社名(会社欄)", "company"),
    "department": ("部署", "部署名", "部署名(会社欄)", "department"),
    "title": ("役職", "役職(会社欄)", "title", "job_title"),
    "joint_names": ("連名", "joint_names"),
    "do_not_mail": ("送付停止", "DM不要", "do_not_mail"),
    "mourning": ("喪中", "mourning"),
    "deceased": ("死亡", "deceased"),
    "moved": ("転居", "moved"),
}
_JOINT_NUMBERED = re.compile(r"^(?:連名|joint_name)_?(\d+)(?:\(名\))?$")


def header_key(header: str) -> str:
    """Comparable form of a header: NFKC, case-folded, without spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", header)).casefold()


_LOOKUP = {header_key(alias): field for field, aliases in ALIASES.items() for alias in aliases}
_ORDER = {header_key(alias): index for aliases in ALIASES.values()
          for index, alias in enumerate(aliases)}


def map_headers(headers: list[str]) -> dict[str, list[int]]:
    """For each recognised field, the indexes of the columns holding it, in joining order."""
    found: dict[str, list[int]] = {}
    for index, header in enumerate(headers):
        key = header_key(header)
        field = _LOOKUP.get(key)
        if field is None and _JOINT_NUMBERED.match(key):
            field = "joint_names"
        if field is not None:
            found.setdefault(field, []).append(index)
    for columns in found.values():
        columns.sort(key=lambda i: _ORDER.get(header_key(headers[i]), 0))
    return found
