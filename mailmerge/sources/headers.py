"""Header names → fields: the Japanese and English headers shops' files use.

In: a header row. Out: for each field, the column(s) that hold it. Matching ignores case,
spaces and full-width/half-width differences of letters and brackets. Only the fields made of
parts (address, kana, memo, 連名) may come from several columns; the same header twice, or two
headers for a field that holds one value (id, name, postal code, a date, a flag …), is an
InputError naming both columns: joining them would print a wrong card.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from mailmerge.errors import InputError
from mailmerge.i18n import _
from mailmerge.sources.identity import clean_id
from mailmerge.sources.xlsx import column_letter

# field → header names seen in the wild. Where the words come from: the header table of
# /work/shared/spec/customers.md (はがきデザインキット, 宛名職人, 筆まめ exports), the headers of
# hand-made Excel customer lists as shops type them (お名前, ご住所, 〒, 電話), and the member
# lists of register/EC systems (会員番号, お客様番号, 会員名). Several columns may feed one field
# (都道府県 + 市区町村 + 番地 → address1); they are joined in the order listed here. Headers are
# compared by header_key: full/half width, case, spaces and bracket shapes do not matter.
ALIASES: dict[str, tuple[str, ...]] = {
    "customer_id": ("顧客ID", "顧客番号", "会員番号", "顧客コード", "会員No", "お客様番号",
                    "顧客No", "id", "customer_id"),
    "name": ("氏名", "名前", "お名前", "お客様名", "顧客名", "会員名", "宛名", "name", "full_name"),
    "family_name": ("姓", "氏名(姓)", "名字", "苗字", "last_name", "family_name"),
    "given_name": ("名", "氏名(名)", "first_name", "given_name"),
    "kana": ("フリガナ", "ふりがな", "セイ", "メイ", "氏名(姓)フリガナ", "氏名(名)フリガナ",
             "姓かな", "名かな", "よみがな", "カナ", "氏名(カナ)", "氏名(フリガナ)",
             "お名前(フリガナ)", "お名前(カナ)", "kana"),
    "honorific": ("敬称", "honorific"),
    "postal_code": ("郵便番号", "〒", "郵便番号(自宅欄)", "自宅郵便番号", "自宅〒", "〒番号",
                    "郵便", "postal_code", "zip", "zip_code", "postcode"),
    "address1": ("住所1", "住所", "ご住所", "お住まい", "所在地", "都道府県", "市区町村", "番地",
                 "自宅住所(都道府県)", "自宅住所(市区町村)", "自宅住所(番地等)", "自宅住所1",
                 "address1", "address"),
    "address2": ("住所2", "ご住所2", "建物名", "建物名・部屋番号", "マンション名",
                 "自宅住所(建物名)", "自宅住所2", "自宅住所3", "address2", "building"),
    "company": ("会社名", "会社名(会社欄)", "company"),
    "department": ("部署", "部署名", "部署名(会社欄)", "department"),
    "title": ("役職", "役職(会社欄)", "title", "job_title"),
    "joint_names": ("連名", "joint_names"),
    "birthday": ("誕生日", "お誕生日", "生年月日", "birthday"),
    "gender": ("性別", "gender"),
    "registered": ("登録日", "入会日", "会員登録日", "registered"),
    "note": ("ひとこと", "備考", "メモ", "特記事項", "note"),
    "phone": ("電話番号", "電話", "TEL", "自宅電話", "携帯電話", "携帯", "携帯番号", "phone",
              "tel"),
    "do_not_mail": ("送付停止", "DM不要", "DM不可", "do_not_mail"),
    "mourning": ("喪中", "mourning"),
    "deceased": ("死亡", "deceased"),
    "moved": ("転居", "moved"),
}
FIELDS = tuple(ALIASES) + ("joint_family", "joint_given")
# Fields whose parts are joined: 都道府県 + 市区町村 + 番地, セイ + メイ, 連名1…N.
MULTI_COLUMN_FIELDS = frozenset({"address1", "address2", "kana", "note", "phone", "joint_names",
                                 "joint_family", "joint_given"})
# 連名1…連名N, 連名1(姓) / 連名1(名) (はがきデザインキット), joint_name_1 …
_JOINT_NUMBERED = re.compile(r"^(?:連名|joint_name)_?(\d+)(\(姓\)|\(名\))?$")
# Bracket shapes folded to ( ): 金額（税込）, 金額［税込］, 金額【税込】 are one header.
_BRACKETS = str.maketrans("[{【〔「『〈《]}】〕」』〉》", "(((((((())))))))")
# A bracketed note that does not change what a column holds: 金額(税込) is 金額, お名前(漢字)
# is お名前. Notes that do, (姓), (カナ), (税抜), stay part of the header.
_PLAIN_NOTE = re.compile(r"\((?:税込|税込み|込|漢字|必須|任意|全角|円|¥|自宅)\)$")


def header_key(header: str) -> str:
    """Comparable form of a header: NFKC, case-folded, without spaces or invisible characters
    (a BOM or zero-width space typed into a header)."""
    folded = re.sub(r"\s+", "", clean_id(header)).casefold()
    return folded.translate(_BRACKETS)


def lookup_table(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """header_key of every alias → its field."""
    return {header_key(alias): field for field, words in aliases.items() for alias in words}


def field_of(header: str, lookup: dict[str, str]) -> str | None:
    """The field a header names: its own words, else without a plain note (金額(税込))."""
    key = header_key(header)
    return lookup.get(key) or lookup.get(_PLAIN_NOTE.sub("", key))


def column_target(target: str, fields: Collection[str], lookup: dict[str, str]) -> str | None:
    """The field a [columns] value names: a field's name, or a header word (氏名 → name)."""
    return target if target in fields else field_of(target, lookup)


def own_columns(custom: dict[str, str], fields: Collection[str], lookup: dict[str, str]
                ) -> dict[str, str]:
    """[columns] as header_key → field, for the pairs whose value names a field here."""
    pairs = ((header_key(header), column_target(target, fields, lookup))
             for header, target in custom.items())
    return {key: field for key, field in pairs if field is not None}


CUSTOMER_LOOKUP = lookup_table(ALIASES)
_ORDER = {header_key(alias): index for aliases in ALIASES.values()
          for index, alias in enumerate(aliases)}


def map_headers(headers: list[str], custom: dict[str, str] | None = None, source: str = ""
                ) -> dict[str, list[int]]:
    """For each recognised field, the indexes of the columns holding it, in joining order.

    `custom` maps a header (as in the file) to a field, or to a header word that names one,
    and wins over the built-in names.
    Numbered joint-name columns go to joint_names, or joint_family/joint_given in pairs.
    Raises InputError (naming `source`) for a repeated header or an ambiguous field.
    """
    own = own_columns(custom or {}, FIELDS, CUSTOMER_LOOKUP)
    found: dict[str, list[int]] = {}
    for index, header in enumerate(headers):
        key = header_key(header)
        field = own.get(key) or field_of(header, CUSTOMER_LOOKUP)
        joint = _JOINT_NUMBERED.match(key)
        if field is None and joint:
            part = joint.group(2)
            field = {"(姓)": "joint_family", "(名)": "joint_given"}.get(part, "joint_names")
        if field is not None:
            found.setdefault(field, []).append(index)
    refuse_ambiguous(source, headers, found, MULTI_COLUMN_FIELDS,
                     {name: aliases[0] for name, aliases in ALIASES.items()})
    for field, columns in found.items():
        if field not in ("joint_names", "joint_family", "joint_given"):
            columns.sort(key=lambda i: _ORDER.get(_PLAIN_NOTE.sub("", header_key(headers[i])), 0))
    return found


def refuse_ambiguous(source: str, headers: list[str], found: dict[str, list[int]],
                     multi: frozenset[str], labels: dict[str, str]) -> None:
    """InputError if a read header appears twice, or a one-value field has two columns."""
    first_of: dict[str, int] = {}
    for columns in found.values():
        for index in columns:
            key = header_key(headers[index])
            if key in first_of:
                raise InputError(_(
                    "{file}: 見出し「{header}」が {first} と {second} の 2 回あります。"
                    "どちらの値を使うか決められないため、片方の列を消すか見出しを変えてください",
                    file=source, header=headers[index], first=_where(first_of[key]),
                    second=_where(index)))
            first_of[key] = index
    for field, columns in found.items():
        if field not in multi and len(columns) > 1:
            first, second = columns[:2]
            raise InputError(_(
                "{file}: {first}「{first_header}」と {second}「{second_header}」がどちらも "
                "{field} の列です。どちらの値を使うか決められないため、片方の列を消すか"
                "見出しを変えてください", file=source, first=_where(first),
                first_header=headers[first], second=_where(second),
                second_header=headers[second], field=labels.get(field, field)))


def _where(index: int) -> str:
    """Column index 2 → '列 C（3 列目）'."""
    return _("列 {letter}（{number} 列目）", letter=column_letter(index + 1), number=index + 1)
