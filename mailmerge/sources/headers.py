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
    "customer_id": ("顧客ID", "顧客番号", "会員番号", "顧客コード", "id", "customer_id"),
    "name": ("氏名", "名前", "name"),
    "family_name": ("姓", "氏名(姓)", "last_name", "family_name"),
    "given_name": ("名", "氏名(名)", "first_name", "given_name"),
    "kana": ("フリガナ", "ふりがな", "セイ", "メイ", "氏名(姓)フリガナ", "氏名(名)フリガナ",
             "kana"),
    "honorific": ("敬称", "honorific"),
    "postal_code": ("郵便番号", "〒", "郵便番号(自宅欄)", "自宅郵便番号", "postal_code", "zip",
                    "postcode"),
    "address1": ("住所1", "住所", "都道府県", "市区町村", "番地", "自宅住所(都道府県)",
                 "自宅住所(市区町村)", "自宅住所(番地等)", "自宅住所1", "address1", "address"),
    "address2": ("住所2", "建物名", "自宅住所(建物名)", "自宅住所2", "address2", "building"),
    "company": ("会社名", "会社名(会社欄)", "company"),
    "department": ("部署", "部署名", "部署名(会社欄)", "department"),
    "title": ("役職", "役職(会社欄)", "title", "job_title"),
    "joint_names": ("連名", "joint_names"),
    "birthday": ("誕生日", "生年月日", "birthday"),
    "gender": ("性別", "gender"),
    "registered": ("登録日", "入会日", "registered"),
    "note": ("備考", "メモ", "note"),
    "do_not_mail": ("送付停止", "DM不要", "do_not_mail"),
    "mourning": ("喪中", "mourning"),
    "deceased": ("死亡", "deceased"),
    "moved": ("転居", "moved"),
}
FIELDS = tuple(ALIASES) + ("joint_family", "joint_given")
# 連名1…連名N, 連名1(姓) / 連名1(名) (はがきデザインキット), joint_name_1 …
_JOINT_NUMBERED = re.compile(r"^(?:連名|joint_name)_?(\d+)(\(姓\)|\(名\))?$")


def header_key(header: str) -> str:
    """Comparable form of a header: NFKC, case-folded, without spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", header)).casefold()


_LOOKUP = {header_key(alias): field for field, aliases in ALIASES.items() for alias in aliases}
_ORDER = {header_key(alias): index for aliases in ALIASES.values()
          for index, alias in enumerate(aliases)}


def map_headers(headers: list[str], custom: dict[str, str] | None = None
                ) -> dict[str, list[int]]:
    """For each recognised field, the indexes of the columns holding it, in joining order.

    `custom` maps a header (as in the file) to a field and wins over the built-in names.
    Numbered joint-name columns go to joint_names, or joint_family/joint_given in pairs.
    """
    own = {header_key(header): field for header, field in (custom or {}).items()}
    found: dict[str, list[int]] = {}
    for index, header in enumerate(headers):
        key = header_key(header)
        field = own.get(key) or _LOOKUP.get(key)
        joint = _JOINT_NUMBERED.match(key)
        if field is None and joint:
            part = joint.group(2)
            field = {"(姓)": "joint_family", "(名)": "joint_given"}.get(part, "joint_names")
        if field is not None:
            found.setdefault(field, []).append(index)
    for field, columns in found.items():
        if field not in ("joint_names", "joint_family", "joint_given"):
            columns.sort(key=lambda i: _ORDER.get(header_key(headers[i]), 0))
    return found
