"""The sender's telephone, e-mail and web address: hagaki.toml, `hagaki init`, the address
side (read back from the PDF in millimetres) and the message side's template variables."""

from __future__ import annotations

import datetime as dt

import click.testing
import pytest
from click.testing import CliRunner
from msgspec.structs import replace
from pdfread import glyphs

from mailmerge.cli import main
from mailmerge.errors import ConfigError
from mailmerge.layout.address_side import AddressFonts, address_side, sender_notes
from mailmerge.layout.profiles import POSTMARK_AREA, load_profile, private_card
from mailmerge.layout.units import pt_to_mm
from mailmerge.models import Customer, Sender
from mailmerge.render.pdf import write_pdf
from mailmerge.runs.jobs import RunOptions
from mailmerge.runs.run import print_cards
from mailmerge.selection.plan import PlanEntry
from mailmerge.shop.contact import ContactRefused, cleaned_contact
from mailmerge.shop.sender import save_sender
from mailmerge.shop.settings import Settings, load_settings
from mailmerge.templates.context import card_variables
from mailmerge.templates.engine import Templates
from mailmerge.typeface.roles import FontRoles

OFFICIAL = load_profile("official")
SHOP = Sender("ささき雑貨店", "150-0001", "東京都渋谷区神宮前1-2-3", "表参道ハウス2F",
              phone="03-1234-5678")
# Four columns of address push the name to the card's left edge: no room for the phone.
CRAMPED = Sender("ささき雑貨店", "060-0001", "北海道札幌市中央区北一条西2丁目1番地 札幌時計台前",
                 "グランドレジデンス大通公園ウエストタワー2501号室", phone="03-1234-5678")
RECIPIENT = Customer(row=2, customer_id="C1", postal_code="1600023", family_name="髙橋",
                     given_name="一郎", address1="東京都新宿区西新宿3-7-1")
TOML = """[sender]
name = "ささき雑貨店"
postal_code = "150-0001"
address = "東京都渋谷区神宮前1-2-3"
address2 = ""
{contact}
"""


@pytest.fixture(scope="module")
def fonts():
    roles = FontRoles(Settings())
    return AddressFonts(roles.chain("address"), roles.chain("name"))


def printed_glyphs(tmp_path, page):
    path = tmp_path / "card.pdf"
    write_pdf([page], path)
    return glyphs(path)


def column(found, x_low, x_high):
    """The vertical glyphs whose centre is between x_low and x_high, top to bottom."""
    return sorted((g for g in found if g.vertical and x_low < g.centre[0] < x_high),
                  key=lambda g: g.top)


def phone_glyphs(found, name):
    """The glyphs of the column left of the shop's name."""
    return column(found, 0.0, name[0].x0)


def shop_name(found):
    return [g for g in column(found, 0.0, 21.0) if g.text in "ささき雑貨店"]


@pytest.mark.parametrize(("field", "typed", "saved"), [
    ("phone", "０３－１２３４－５６７８", "03-1234-5678"),
    ("phone", "03(1234)5678", "03-1234-5678"),
    ("phone", "TEL 090ー1234ー5678", "090-1234-5678"),
    ("phone", " 0120-123-456 ", "0120-123-456"),
    ("phone", "+81-75-123-4567", "075-123-4567"),
    ("phone", "+81 (0)3-1234-5678", "03-1234-5678"),
    ("phone", "＋８１９０１２３４５６７８", "09012345678"),
    ("email", "ｉｎｆｏ＠sasaki-zakka.jp", "info@sasaki-zakka.jp"),
    ("url", "sasaki-zakka.jp", "sasaki-zakka.jp"),
    ("url", "https://sasaki-zakka.jp/shop/", "https://sasaki-zakka.jp/shop/"),
    ("url", "", ""),
])
def test_a_contact_is_saved_in_half_width_forms(field, typed, saved):
    assert cleaned_contact(field, typed) == saved


@pytest.mark.parametrize(("field", "typed"), [
    ("phone", "03-1234"), ("phone", "+1-212-555-0100"), ("phone", "〇三ー一二三四ー五六七八"),
    ("phone", "03-1234-5678 内線12"), ("email", "info.sasaki-zakka.jp"),
    ("email", "mailto:info@sasaki.jp"), ("email", "info@localhost"),
    ("url", "javascript:alert(1)"), ("url", "http://"), ("url", "sasaki zakka.jp"),
])
def test_a_wrong_contact_is_refused_saying_how_to_write_it(field, typed):
    with pytest.raises(ContactRefused) as refused:
        cleaned_contact(field, typed)
    assert refused.value.field == field
    assert repr(typed) in str(refused.value) and "例:" in str(refused.value)


def test_hagaki_toml_holds_the_contact_and_the_web_form_saves_it_back(tmp_path):
    config = tmp_path / "hagaki.toml"
    config.write_text(TOML.format(contact='phone = "０３－１２３４－５６７８"  # 店の電話\n'
                                          'email = "ｉｎｆｏ＠sasaki-zakka.jp"'), "utf-8")
    sender = load_settings(config).sender
    assert (sender.phone, sender.email, sender.url) == (
        "03-1234-5678", "info@sasaki-zakka.jp", "")
    save_sender(config, replace(sender, phone="06-6123-4567", url="sasaki-zakka.jp"))
    text = config.read_text("utf-8")
    assert 'phone = "06-6123-4567"  # 店の電話' in text
    assert 'url = "sasaki-zakka.jp"' in text
    again = load_settings(config).sender
    assert (again.phone, again.email, again.url) == (
        "06-6123-4567", "info@sasaki-zakka.jp", "sasaki-zakka.jp")


def test_a_sender_saved_without_a_contact_writes_no_contact_keys(tmp_path):
    config = tmp_path / "hagaki.toml"
    before = TOML.format(contact="")
    config.write_text(before, "utf-8")
    save_sender(config, load_settings(config).sender)
    assert config.read_text("utf-8") == before


@pytest.mark.parametrize(("line", "words"), [
    ('phone = "03-12"', "[sender] phone: '03-12' は電話番号として読めません"),
    ('email = "info"', "[sender] email: 'info' はメールアドレスとして読めません"),
    ("phone = 312345678", "[sender] phone は引用符"),
])
def test_a_wrong_contact_in_hagaki_toml_names_the_file_and_the_key(tmp_path, line, words):
    config = tmp_path / "hagaki.toml"
    config.write_text(TOML.format(contact=line), "utf-8")
    with pytest.raises(ConfigError) as refused:
        load_settings(config)
    assert str(config) in str(refused.value) and words in str(refused.value)


def test_init_writes_the_phone_email_and_url_given(tmp_path):
    result = CliRunner().invoke(main, [
        "init", str(tmp_path / "shop"), "--name", "ささき雑貨店", "--postal-code", "150-0001",
        "--address", "東京都渋谷区神宮前1-2-3", "--phone", "+81-75-123-4567",
        "--email", "info@sasaki-zakka-kyoto.example.jp", "--url", "https://sasaki-zakka.jp"])
    assert result.exit_code == 0, result.output
    sender = load_settings(tmp_path / "shop" / "hagaki.toml").sender
    assert (sender.phone, sender.email, sender.url) == (
        "075-123-4567", "info@sasaki-zakka-kyoto.example.jp", "https://sasaki-zakka.jp")
    text = (tmp_path / "shop" / "hagaki.toml").read_text("utf-8")
    assert 'email = "info@sasaki-zakka-kyoto.example.jp" # メールアドレス' in text  # a long one
    assert 'phone = "075-123-4567"      # 電話番号' in text  # the comments in one column


def test_init_without_them_leaves_examples_commented_out(tmp_path):
    result = CliRunner().invoke(main, [
        "init", str(tmp_path), "--name", "ささき雑貨店", "--postal-code", "150-0001",
        "--address", "東京都渋谷区神宮前1-2-3"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "hagaki.toml").read_text("utf-8")
    assert '# phone = "03-1234-5678"' in text and "\nphone" not in text
    assert load_settings(tmp_path / "hagaki.toml").sender.phone == ""


def test_init_refuses_a_wrong_phone_and_writes_nothing(tmp_path):
    result = CliRunner().invoke(main, [
        "init", str(tmp_path), "--name", "ささき雑貨店", "--postal-code", "150-0001",
        "--address", "東京都渋谷区神宮前1-2-3", "--phone", "03-1234"])
    assert result.exit_code == 1
    assert "'03-1234' は電話番号として読めません" in result.output
    assert not (tmp_path / "hagaki.toml").exists()


def test_the_phone_is_a_small_column_left_of_the_shops_name(tmp_path, fonts):
    found = printed_glyphs(tmp_path, address_side(RECIPIENT, SHOP, OFFICIAL, fonts))
    name = shop_name(found)
    phone = phone_glyphs(found, name)
    assert "".join(g.text for g in phone) == "電話\u3000〇三ー一二三四ー五六七八"
    for glyph in phone:  # one column, 8.5 pt (address 9.5 pt less 1), 1.5 mm from the name
        assert glyph.size_mm == pytest.approx(pt_to_mm(8.5), abs=0.01)
        assert glyph.x0 == pytest.approx(10.71, abs=0.02)
        assert glyph.x1 == pytest.approx(name[0].x0 - 1.5, abs=0.02)
    assert name[0].x0 == pytest.approx(15.21, abs=0.02)
    assert phone[-1].bottom == pytest.approx(name[-1].bottom, abs=0.01)  # feet level
    assert phone[-1].bottom == pytest.approx(OFFICIAL.sender_name.bottom, abs=0.01)
    assert phone[0].top == pytest.approx(132.0 - 15 * pt_to_mm(8.5), abs=0.02)
    assert phone[0].top >= OFFICIAL.sender_address.top
    boxes = OFFICIAL.sender_boxes
    assert phone[-1].bottom <= boxes.top - 4.5  # clear of the sender's postal-code boxes
    assert min(g.x0 for g in phone) >= 5.0


def test_the_phone_follows_arabic_numerals_upright_one_per_character(tmp_path, fonts):
    shop = replace(SHOP, phone="0120-123-456")
    found = printed_glyphs(tmp_path, address_side(RECIPIENT, shop, OFFICIAL, fonts, "arabic"))
    phone = phone_glyphs(found, shop_name(found))
    assert "".join(g.text for g in phone) == "電話\u3000０１２０ー１２３ー４５６"
    assert len({round(g.x0, 2) for g in phone}) == 1  # no 縦中横: every digit in the column
    steps = [b.top - a.top for a, b in zip(phone, phone[1:], strict=False)]
    assert steps == pytest.approx([pt_to_mm(8.5)] * len(steps), abs=0.01)


def test_with_a_barcode_the_phone_stays_above_the_moved_sender_boxes(tmp_path, fonts):
    page = address_side(RECIPIENT, SHOP, OFFICIAL, fonts, barcode_bars="FD" + "FFT" * 19 + "DF")
    found = printed_glyphs(tmp_path, page)
    phone = phone_glyphs(found, shop_name(found))
    assert "".join(g.text for g in phone).startswith("電話")
    boxes_top = OFFICIAL.barcode_top - 2.0 - OFFICIAL.sender_boxes.height  # 121.5
    digits = [g for g in found if not g.vertical and g.centre[0] < 35 and g.top > 110]
    assert min(g.top for g in digits) >= boxes_top - 0.5  # the sender's postal code there
    assert phone[-1].bottom == pytest.approx(boxes_top - 4.5, abs=0.01)
    assert phone[0].top >= OFFICIAL.sender_address.top
    for glyph in phone:
        assert glyph.size_mm <= pt_to_mm(8.5) + 1e-6 and glyph.x0 >= 5.0


def test_the_phone_keeps_clear_of_the_red_nenga_mark_and_the_postmark_area(tmp_path, fonts):
    profile = private_card(load_profile("nenga"))  # sender from y 71, 年賀 at y 71-79.5
    page = address_side(RECIPIENT, replace(SHOP, phone="0120-123-456"), profile, fonts,
                        nenga_mark=True)
    found = printed_glyphs(tmp_path, page)
    mark = [g for g in found if g.text in "年賀" and g.centre[0] < 20]
    phone = [g for g in phone_glyphs(found, shop_name(found)) if g not in mark]
    assert len(mark) == 2 and "".join(g.text for g in phone).startswith("電話")
    assert phone[0].top >= max(g.bottom for g in mark) + 0.5
    assert phone[0].top > POSTMARK_AREA[1]
    assert phone[-1].bottom == pytest.approx(profile.sender_name.bottom, abs=0.01)


def test_without_a_phone_the_sender_block_is_as_before(fonts):
    with_phone = address_side(RECIPIENT, SHOP, OFFICIAL, fonts)
    without = address_side(RECIPIENT, replace(SHOP, phone=""), OFFICIAL, fonts)
    phone_runs = [run for run in with_phone.runs if run not in without.runs]
    assert {round(run.x_mm, 2) for run in phone_runs} == {12.21}
    assert [run for run in with_phone.runs if run not in phone_runs] == without.runs


def test_a_phone_with_no_room_is_left_off_and_the_run_says_so(tmp_path, fonts):
    assert sender_notes(SHOP, OFFICIAL, fonts, "kanji", barcode=True) == []
    notes = sender_notes(CRAMPED, OFFICIAL, fonts, "kanji")
    assert notes and "03-1234-5678" in notes[0] and "{{ shop.phone }}" in notes[0]
    customers = tmp_path / "customers.csv"
    customers.write_text("顧客ID,姓,名,郵便番号,住所1\nC1,髙橋,一郎,160-0023,東京都新宿区西新宿3-7-1\n",
                         encoding="utf-8")
    out = tmp_path / "cards.pdf"
    report = print_cards(customers, out, Settings(sender=CRAMPED),
                         RunOptions(log=tmp_path / "log.sqlite"))
    assert report.notes[-1:] == notes
    found = glyphs(out)
    assert not [g for g in found if g.text in "電話"]
    name = shop_name(found)
    assert len(name) == 6 and min(g.x0 for g in name) >= 5.0


def test_the_contact_is_a_template_variable(tmp_path):
    path = tmp_path / "mine.j2"
    path.write_text("{% block body %}電話 {{ shop.phone }} / {{ shop.email }} / {{ shop.url }}"
                    "{% endblock %}", encoding="utf-8")
    entry = PlanEntry(RECIPIENT, "thanks", "test", ())
    shop = replace(SHOP, email="info@sasaki-zakka.jp", url="https://sasaki-zakka.jp")
    day = dt.date(2026, 11, 23)
    message = Templates(single_file=path).render(path.name, card_variables(entry, shop, day, []))
    assert message.paragraphs == (
        "電話 03-1234-5678 / info@sasaki-zakka.jp / https://sasaki-zakka.jp",)
    bare = card_variables(entry, Sender("店", "1500001", "東京都"), day, [])["shop"]
    assert (bare["phone"], bare["email"], bare["url"]) == ("", "", "")


def test_init_run_bare_in_a_terminal_asks_for_the_contact_too(tmp_path, monkeypatch):
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True)
    answers = ["ささき雑貨店", "150-0001", "東京都渋谷区神宮前1-2-3", "０３－１２３４－５６７８",
               "", "sasaki-zakka.jp", "goods", "store"]
    result = CliRunner().invoke(main, ["init", str(tmp_path)], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "電話番号（なければそのまま Enter）" in result.output
    sender = load_settings(tmp_path / "hagaki.toml").sender
    assert (sender.phone, sender.email, sender.url) == ("03-1234-5678", "", "sasaki-zakka.jp")
