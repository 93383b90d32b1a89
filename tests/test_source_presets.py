"""Shop exports read as they are: each preset on a realistic file (its encoding, header row,
quoted newlines, several items per order, a cancelled and a gift order), the cleaning every
source needs, and the CLI's formats, --source-format and --ship-to."""

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailmerge.cli import main
from mailmerge.errors import InputError
from mailmerge.sources.customers import ReadOptions
from mailmerge.sources.normalise import (
    clean_phone,
    parse_amount,
    parse_date,
    prefecture_name,
)
from mailmerge.sources.presets import all_presets, detect_preset, preset_named
from mailmerge.sources.sourceset import read_customers, sales_for
from mailmerge.sources.tables import open_table

DATA = Path(__file__).parent / "data" / "sources"
CONFIG = Path(__file__).parent / "data" / "hagaki.toml"
DAY = "2026-11-23"


def read(name: str, sales: str | None = None, **options):
    """(customers, sales) of one source file, read the way the commands read it."""
    read_options = ReadOptions(**options)
    customers = read_customers(DATA / name, read_options)
    sales_list = sales_for(customers.sources, customers.ids,
                           DATA / sales if sales else None, read_options)
    return customers, sales_list


def by_name(customers):
    return {f"{c.family_name} {c.given_name}": c for c in customers.customers}


@pytest.mark.parametrize(("file", "preset", "encoding"), [
    ("base_orders.csv", "base", "cp932"),
    ("shopify_orders.csv", "shopify-orders", "utf-8"),
    ("shopify_customers.csv", "shopify-customers", "utf-8"),
    ("colorme_sales_all.csv", "colorme", "cp932"),
    ("rakuten_orders.csv", "rakuten", "cp932"),
    ("yahoo_orders.csv", "yahoo", "cp932"),
    ("smaregi_members.csv", "smaregi-members", "cp932"),
    ("smaregi_transactions.csv", "smaregi-transactions", "cp932"),
    ("airregi_kaikei.csv", "airregi", "cp932"),
    ("square_customers.csv", "square-customers", "utf-8"),
    ("atena_shokunin.csv", "atena-shokunin", "utf-8"),
    ("hagaki_design_kit.csv", "hagaki-design-kit", "cp932"),
    ("google_contacts.csv", "google-contacts", "utf-8"),
    ("outlook_contacts.csv", "outlook", "cp932"),
    ("fudemame.csv", None, "cp932"),
    ("customers.csv", None, "utf-8"),
])
def test_each_file_is_recognised_from_its_header_row(file, preset, encoding):
    table = open_table(DATA / file)
    found = detect_preset(table.headers)
    assert (found.name if found else None) == preset
    assert table.encoding == encoding


def test_every_preset_names_its_source_and_loads():
    presets = all_presets()
    assert len(presets) == 15
    for preset in presets:
        text = (Path(__file__).parents[1] / "mailmerge" / "sources" / "presets"
                / f"{preset.name}.toml").read_text(encoding="utf-8")
        assert text.startswith("# ")  # where the header list came from
        assert preset.kind in ("orders", "customers", "sales")


def test_base_one_sale_per_order_buyer_not_recipient_cancelled_not_a_sale():
    customers, sales = read("base_orders.csv")
    people = by_name(customers)
    assert sorted(people) == ["佐藤 一郎", "山田 花子"]  # 田中 only cancelled; 鈴木 got a gift
    hanako = people["山田 花子"]
    assert hanako.postal_code == "1500001"
    assert hanako.address1 == "東京都渋谷区神宮前1-2-3"
    assert hanako.address2 == "表参道ハイツ201"
    assert not any(p.severity == "error" for p in customers.problems)
    assert len(sales.sales) == 3  # A1001 (2 item rows), A1002, A0990; A1003 cancelled
    a1001 = next(s for s in sales.sales if s.date == dt.date(2026, 11, 20))
    assert a1001.item == "益子焼 湯呑み・急須"
    assert a1001.amount == 2200 * 2 + 3300
    assert a1001.customer_id == hanako.customer_id
    assert [p.code for p in sales.problems] == ["cancelled-order"]


def test_base_ship_to_sends_to_the_gift_recipient():
    customers, _ = read("base_orders.csv", ship_to=True)
    recipient = by_name(customers)["鈴木 美咲"]
    assert recipient.address1 == "大阪府大阪市北区梅田1-1-3"
    assert "佐藤 一郎" not in by_name(customers)


def test_shopify_orders_buyer_on_the_first_row_province_code_phone_and_items():
    customers, sales = read("shopify_orders.csv")
    people = by_name(customers)
    assert sorted(people) == ["伊藤 舞", "高橋 健二"]  # #1003 cancelled
    kenji = people["高橋 健二"]
    assert (kenji.postal_code, kenji.address1) == ("0600001", "北海道札幌市中央区北一条西2-1")
    assert people["伊藤 舞"].address1.startswith("宮城県仙台市")  # the buyer, not 伊藤 翔
    first = next(s for s in sales.sales if s.customer_id == kenji.customer_id)
    assert (first.item, first.amount, first.date) == ("手ぬぐい - 藍・風呂敷", 7400.0,
                                                      dt.date(2026, 11, 21))


def test_shopify_customers_ids_without_apostrophe_and_note():
    customers, sales = read("shopify_customers.csv")
    kenji = by_name(customers)["高橋 健二"]
    assert kenji.customer_id == "7001"
    assert kenji.address1 == "北海道札幌市中央区北一条西2-1"
    assert kenji.note == "北海道の冬は寒いですね"
    assert sales is None


def test_colorme_items_total_and_buyer_id():
    customers, sales = read("colorme_sales_all.csv")
    [yuki] = customers.customers
    assert (yuki.customer_id, yuki.kana, yuki.address1) == ("23453456", "ワタナベ ユキ",
                                                             "東京都千代田区千代田1-1")
    [sale] = sales.sales
    assert (sale.item, sale.amount) == ("豆皿・箸置き", 4620.0)


def test_rakuten_postal_code_and_phone_in_parts_full_width_amounts():
    customers, sales = read("rakuten_orders.csv")
    people = by_name(customers)
    yuko = people["加藤 優子"]
    assert (yuko.postal_code, yuko.address1, yuko.kana) == (
        "8120011", "福岡県福岡市博多区博多駅前2-1-1", "カトウ ユウコ")
    assert people["吉田 浩"].address1.startswith("宮城県")  # bought a gift for 吉田 陽子
    assert sorted(s.amount for s in sales.sales) == [4400.0, 5500.0]
    assert len(sales.sales) == 2


def test_yahoo_bill_columns_total_and_cancelled_status():
    customers, sales = read("yahoo_orders.csv")
    [shinichi] = customers.customers
    assert shinichi.address2 == "大阪駅前第3ビル 10F"
    [sale] = sales.sales
    assert (sale.item, sale.amount) == ("ガラスの杯・コースター", 4400.0)


def test_register_sales_join_the_member_list_by_number():
    customers, sales = read("smaregi_members.csv", sales="smaregi_transactions.csv")
    assert len(customers.customers) == 2
    assert [(s.customer_id, s.item, s.amount) for s in sales.sales] == [
        ("1", "マスキングテープ・便箋", 2970.0)]  # 5002 取消; 5003 has no member
    assert [p.code for p in sales.problems] == ["cancelled-order", "unknown-customer"]


def test_airregi_has_no_addresses_and_joins_by_customer_number():
    customers, sales = read("airregi_customers.csv", sales="airregi_kaikei.csv")
    megumi = by_name(customers)["山口 恵"]
    assert megumi.postal_code == "4600001"
    assert megumi.note == "いつも一筆箋をありがとうございます"  # the ひとこと column
    assert [(s.customer_id, s.item, s.amount) for s in sales.sales] == [
        ("C101", "一筆箋・万年筆インク", 2860.0)]
    with pytest.raises(InputError, match="--sales airregi_kaikei.csv"):
        read("airregi_kaikei.csv")


@pytest.mark.parametrize(("file", "name", "address1", "address2", "extra"), [
    ("square_customers.csv", "井上 亮", "東京都渋谷区神宮前1-2-3", "",
     {"customer_id": "SQ-01", "birthday": dt.date(1990, 7, 7)}),
    ("atena_shokunin.csv", "清水 拓也", "宮城県仙台市青葉区一番町3-3-1", "一番町マンション305",
     {"kana": "しみず たくや", "joint_names": ("恵子",)}),
    ("fudemame.csv", "山本 昌子", "福岡県福岡市博多区博多駅前2-1-1", "博多ビル4F",
     {"birthday": dt.date(1980, 1, 2), "postal_code": "8120011"}),
    ("hagaki_design_kit.csv", "斎藤 美和", "愛知県名古屋市中区三の丸3-1-1", "三の丸ハイツ101",
     {"joint_names": ("健一",)}),
    ("google_contacts.csv", "岡田 結衣", "大阪府大阪市北区梅田1-1-3", "",
     {"kana": "オカダ ユイ", "note": "展示会で名刺交換 器が好き"}),
    ("outlook_contacts.csv", "池田 剛", "北海道札幌市中央区北一条西2-1", "北一条レジデンス 8階",
     {"company": "池田工務店", "note": "木工の相談 春に来店予定"}),
])
def test_address_books(file, name, address1, address2, extra):
    customers, _ = read(file)
    assert not [p for p in customers.problems if p.severity == "error"]
    person = by_name(customers)[name]
    assert (person.address1, person.address2) == (address1, address2)
    for key, value in extra.items():
        assert getattr(person, key) == value


def test_forced_format_and_unknown_name():
    assert preset_named("BASE").label == "BASE の注文データ"
    customers, _ = read("fudemame.csv", source_format="fudemame")
    assert by_name(customers)["山本 昌子"].kana == "ヤマモト マサコ"
    with pytest.raises(InputError, match="使える形式"):
        preset_named("amazon")


def test_cleaning_every_source_needs():
    assert clean_phone("+81 90-3333-4444") == "09033334444"
    assert clean_phone("'+819033334444") == "09033334444"
    assert clean_phone("０３－５５５５－６６６６") == "0355556666"
    assert prefecture_name("JP-01") == "北海道"
    assert prefecture_name("47") == "沖縄県"
    assert parse_amount("５，５００") == 5500.0
    assert parse_amount("'¥48,000") == 48000.0
    for text in ("2026-11-21 09:12:44 +0900", "2026/11/21 19:45", "20261121194510",
                 "11/21/2026", "2026年11月21日 15時30分", "令和8年11月21日"):
        assert parse_date(text) == dt.date(2026, 11, 21), text


def run(*args):
    result = CliRunner().invoke(main, [*args, "--config", str(CONFIG)])
    return result.exit_code, result.output


@pytest.mark.parametrize("file", ["base_orders.csv", "shopify_orders.csv"])
def test_plan_an_order_export_alone_thanks_each_buyer_once(file):
    code, out = run("plan", str(DATA / file), "--date", DAY, "--format", "json")
    assert code == 0
    cards = json.loads(out[out.index("{"):])["cards"]
    assert [card["situation"] for card in cards] == ["thanks", "thanks"]
    assert len({card["customer_id"] for card in cards}) == 2


def test_check_says_the_format_and_finds_no_errors():
    code, out = run("check", str(DATA / "rakuten_orders.csv"))
    assert code == 0
    assert "rakuten_orders.csv: 楽天 RMS の受注データとして読みました" in out
    assert "エラー 0件" in out


def test_formats_lists_every_preset():
    code, out = run_formats()
    assert code == 0
    assert len(out.strip().splitlines()) == 15
    assert "base" in out and "BASE の注文データ" in out


def run_formats():
    result = CliRunner().invoke(main, ["formats"])
    return result.exit_code, result.output


def test_the_personal_line_reaches_templates_as_note():
    from mailmerge.models import Sender
    from mailmerge.selection.plan import PlanEntry
    from mailmerge.templates.context import card_variables

    customers, sales = read("airregi_customers.csv", sales="airregi_kaikei.csv")
    megumi = by_name(customers)["山口 恵"]
    entry = PlanEntry(megumi, "thanks", "", sales=tuple(sales.sales))
    variables = card_variables(entry, Sender(), dt.date(2026, 11, 23), sales.sales)
    assert variables["note"] == "いつも一筆箋をありがとうございます"
    assert variables["items"] == ["一筆箋・万年筆インク"]


def test_cancellations_under_other_status_headers_and_rakutens_order_time(tmp_path):
    """A cancelled order is no sale whatever the export calls its status column; an empty
    注文日 falls back to 注文日時 (newer RMS exports)."""
    base = tmp_path / "base.csv"
    base.write_text(
        "注文ID,注文日時,氏(請求先),名(請求先),郵便番号(請求先),都道府県(請求先),住所(請求先),"
        "商品名,価格,数量,発送状態\n"
        "A1,2026-11-20 10:00,岡田,理恵,160-0023,東京都,新宿区西新宿2-8-1,小鉢,1000,1,キャンセル済み\n"
        "A2,2026-11-21 10:00,森,和夫,160-0023,東京都,新宿区西新宿2-8-2,タオル,2000,1,発送済み\n",
        encoding="utf-8")
    rakuten = tmp_path / "rakuten.csv"
    rakuten.write_text(
        "受注番号,受注ステータス,注文日時,注文日,注文者名字,注文者名前,注文者郵便番号１,"
        "注文者郵便番号２,注文者住所：都道府県,注文者住所：都市区,注文者住所：町以降,商品名,単価,個数\n"
        "R1,キャンセル確定,2026-11-20 09:00:00,,小川,哲也,160,0023,東京都,新宿区,西新宿2-8-3,箸,800,1\n"
        "R2,発送完了,2026-11-21 09:00:00,,中村,恵,160,0023,東京都,新宿区,西新宿2-8-4,椀,900,1\n",
        encoding="cp932")
    for path, thanked, cancelled in ((base, "森", "岡田"), (rakuten, "中村", "小川")):
        customers, sales = read(str(path))
        dates = {s.customer_id: s.date for s in sales.sales}
        names = {c.customer_id: c.family_name for c in customers.customers}
        assert sorted(names[i] for i in dates) == [thanked], path.name
        assert cancelled not in {names.get(s.customer_id) for s in sales.sales}
        assert all(day.day == 21 for day in dates.values())


def test_gift_recipients_are_never_thanked_for_buying(tmp_path):
    result = CliRunner().invoke(main, ["plan", str(DATA / "base_orders.csv"), "--ship-to",
                                       "--date", DAY, "--config", str(CONFIG)])
    assert result.exit_code == 1 and "お礼状は買った方へのはがき" in result.output
    seasonal = CliRunner().invoke(main, ["plan", str(DATA / "base_orders.csv"), "--ship-to",
                                         "--situation", "nenga", "--date", "2026-12-01",
                                         "--config", str(CONFIG), "--format", "json"])
    assert seasonal.exit_code == 0, seasonal.output
    assert json.loads(seasonal.stdout)["cards"]
