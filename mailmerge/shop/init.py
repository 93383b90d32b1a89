"""`hagaki init`: a shop folder with a commented hagaki.toml, the sender checked first.

In: the folder, the shop's name, postal code and address (and its phone, e-mail and web
address if it gives them), and what kind of shop it is (what it sells, how its customers buy:
the cards' words follow them). Out: the new hagaki.toml's path; ConfigError if one is already
there, the sender's postal code and address disagree, or a phone, e-mail or web address is
not one (shop.contact).
"""

from __future__ import annotations

import json
from pathlib import Path

from mailmerge.atomic import atomic_write
from mailmerge.errors import ConfigError
from mailmerge.i18n import _
from mailmerge.models import Sender
from mailmerge.runs.cards import check_sender
from mailmerge.shop.contact import CONTACT_FIELDS, cleaned_contact
from mailmerge.shop.folder import CONFIG_NAME
from mailmerge.shop.settings import Settings
from mailmerge.templates.fit import CATEGORIES, CHANNELS

TEMPLATE = """\
# hagaki の設定（このファイルがあるフォルダが店のフォルダです。送付記録もここに置かれます）

[sender]              # 差出人: はがきの左下に印刷されます
name = {name}
postal_code = {postal_code}
address = {address}
address2 = {address2}
{contact}
[address]
numerals = "kanji"    # 番地の数字: kanji (二四), kanji_ten (二十四), arabic (24)
layout = "official"   # official（通常はがき）, nenga（年賀はがき）, plain（白紙）

[print]
offset_x = 0.0        # プリンターのずれ補正 (mm、右が +)。hagaki calibrate で測ります
offset_y = 0.0        # (mm、下が +)
postage_yen = 85      # はがき 1 枚の郵便料金

[rules]
thanks_days = 14      # 売上から何日以内ならお礼状を送るか

[paper]               # はがきの種類ごとの用紙: nenga（年賀はがき）, official（通常はがき）,
                      # plain（私製はがき・インクジェット紙）, a4（A4 に 4 面）
nenga = "nenga"       # 年賀状は年賀はがきに。ほかの用紙なら、切手の下に赤で「年賀」が入ります
# default = "official"  # ほかのはがき（お礼状、寒中見舞い …）

[shop]                # はがきの文面の言葉が、これに合わせて変わります
# 主に扱うもの: food（食べ物）, goods（品物）, services（施術・教室など）, ""（決めない）
kind = {kind}
# お客様の買い方: store（店頭）, mail_order（通信販売）, both（両方）
channel = {channel}

[categories]          # 品名にこの言葉があれば、その種類の文面にします（組み込みの言葉に追加）
# food = ["パン", "焼き菓子"]
# goods = ["湯呑み"]
# services = ["カット"]
"""


# Each contact key with its example and what it does (commented out when not given).
CONTACT_LINES = {
    "phone": ("03-1234-5678", "電話番号: 差出人の名前の左に小さく印刷されます"),
    "email": ("info@example.jp", "メールアドレス: 文面で {{ shop.email }} と書けます"),
    "url": ("https://example.jp", "ホームページ: 文面で {{ shop.url }} と書けます"),
}


def write_shop_config(folder: Path, name: str, postal_code: str, address: str,
                      address2: str = "", kind: str = "", channel: str = "both",
                      phone: str = "", email: str = "", url: str = "") -> Path:
    """Write FOLDER/hagaki.toml (never over an existing one); return its path. `kind` is one
    of CATEGORIES (or ""), `channel` one of CHANNELS."""
    contact = {field: cleaned_contact(field, value)
               for field, value in zip(CONTACT_FIELDS, (phone, email, url), strict=True)}
    if kind not in ("", *CATEGORIES) or channel not in CHANNELS:
        raise ConfigError(_("店の種類は {kinds}、買い方は {channels} のどれかです",
                            kinds=", ".join(CATEGORIES), channels=", ".join(CHANNELS)))
    target = folder / CONFIG_NAME
    if target.exists():
        raise ConfigError(_("{path} は既にあります。"
                            "書き換えるときはファイルを直接編集してください", path=target))
    if folder.exists() and not folder.is_dir():
        raise ConfigError(_("{folder} はフォルダではありません", folder=folder))
    sender = Sender(name.strip(), postal_code.strip(), address.strip(), address2.strip())
    check_sender(Settings(path=target, sender=sender), None, allow_none=False)
    folder.mkdir(parents=True, exist_ok=True)
    values = {key: json.dumps(value, ensure_ascii=False) for key, value in (
        ("name", sender.name), ("postal_code", sender.postal_code),
        ("address", sender.address), ("address2", sender.address2), ("kind", kind),
        ("channel", channel))}
    text = TEMPLATE.format(contact=_contact_lines(contact), **values)
    with atomic_write(target) as stream:
        stream.write(text.encode("utf-8"))
    return target


def _contact_lines(contact: dict[str, str]) -> str:
    """phone, email and url lines of [sender]: set when given, else an example commented out."""
    lines = []
    for field, (example, words) in CONTACT_LINES.items():
        value = contact[field]
        line = f"{field} = {json.dumps(value or example, ensure_ascii=False)}"
        lines.append(f"{'' if value else '# '}{line:<27} # {words}")
    return "\n".join(lines) + "\n"
