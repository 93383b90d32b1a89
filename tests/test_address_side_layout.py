"""Address-side layout decisions, measured on the layout's own output (millimetres)."""

from __future__ import annotations

import pytest

from mailmerge.errors import CardError
from mailmerge.layout.address_side import AddressFonts, address_side
from mailmerge.layout.profiles import load_profile
from mailmerge.layout.units import pt_to_mm
from mailmerge.models import Customer, Sender
from mailmerge.shop.settings import Settings
from mailmerge.typeface.roles import FontRoles

OFFICIAL = load_profile("official")


@pytest.fixture(scope="module")
def fonts():
    roles = FontRoles(Settings())
    return AddressFonts(roles.chain("address"), roles.chain("name"))


def lay_out(fonts, **fields):
    customer = Customer(row=2, customer_id="C1", postal_code="1000001", **fields)
    return address_side(customer, Sender(), OFFICIAL, fonts)


def column_xs(page) -> list[float]:
    return sorted({round(run.x_mm, 3) for run in page.runs if run.mode == "vertical"
                   and run.x_mm > 70}, reverse=True)


def test_an_address_too_long_for_two_columns_gets_a_third(fonts):
    page = lay_out(fonts, family_name="山田", given_name="太郎",
                   address1="北海道札幌市中央区北一条西二丁目一番地札幌市時計台前大通公園西側通り沿い"
                            "北海道庁赤れんが庁舎向かい北海道大学植物園南門前交差点角地",
                   address2="札幌時計台前グランドレジデンス大通公園ウエストタワー二五〇一号室")
    xs = column_xs(page)  # a smaller address sets its columns closer
    assert len(xs) == 3 and xs[0] == OFFICIAL.address.columns[0]
    assert xs[0] - xs[1] == pytest.approx(xs[1] - xs[2], abs=0.01)
    assert xs[2] >= OFFICIAL.address.columns[2]
    for run in page.runs:
        if run.x_mm > 70 and run.mode == "vertical":
            assert run.y_mm >= OFFICIAL.address.top


def test_an_address_that_cannot_fit_even_in_three_columns_is_refused(fonts):
    with pytest.raises(CardError) as caught:
        lay_out(fonts, family_name="山田", given_name="太郎", address1="東京都千代田区" * 20)
    assert caught.value.code == "too-long" and caught.value.field == "住所1"


@pytest.mark.parametrize(("fields", "named"), [
    ({"address1": "東京都千代田区丸の内1-9-1", "address2": "グランドメゾン" * 30}, "住所2"),
    ({"address1": "東京都千代田区丸の内1-9-1", "family_name": "山田",
      "given_name": "太郎" * 40}, "名"),
    ({"company": "株式会社みどり", "department": "営業部" * 30}, "部署"),
])
def test_a_text_too_long_names_the_field_the_user_must_shorten(fonts, fields, named):
    with pytest.raises(CardError) as caught:
        lay_out(fonts, **{"family_name": "山田", "given_name": "太郎",
                          "address1": "東京都千代田区1-1", **fields})
    assert caught.value.code == "too-long" and caught.value.field == named


def test_a_name_too_long_to_fit_is_refused_not_cut(fonts):
    with pytest.raises(CardError) as caught:
        lay_out(fonts, family_name="寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末",
                given_name="食う寝る処に住む処藪ら柑子の藪柑子パイポパイポ", address1="東京都千代田区1-1")
    assert caught.value.code == "too-long" and caught.value.field == "姓"


def test_a_long_name_is_condensed_before_it_is_shrunk(fonts):
    page = lay_out(fonts, family_name="勅使河原", given_name="龍之介左衛門", address1="東京都千代田区1-1")
    name_runs = [run for run in page.runs if run.x_mm == pytest.approx(50.0)]
    assert {run.size_pt for run in name_runs} == {OFFICIAL.recipient_name.size_pt}
    assert all(0.7 <= run.condense < 1 for run in name_runs)


def test_five_people_still_fit_by_shrinking_the_name_block(fonts):
    page = lay_out(fonts, family_name="渡邉", given_name="美咲", address1="東京都千代田区1-1",
                   joint_names=("健一", "翔太", "さくら", "一郎"))
    names = [run for run in page.runs if 25 < run.x_mm < 84 and run.mode == "vertical"]
    xs = sorted({round(run.x_mm, 3) for run in names})
    assert len(xs) == 5
    em = pt_to_mm(names[0].size_pt)
    assert min(b - a for a, b in zip(xs, xs[1:], strict=False)) >= 1.5 * em  # 様 様 様 reads down
    assert xs[0] - em / 2 >= 35.0  # clear of the stamp area
    assert names[0].size_pt >= 14.0


def test_offsets_move_every_item(fonts):
    page = lay_out(fonts, family_name="山田", given_name="太郎", address1="東京都千代田区1-1")
    moved = page.shifted(1.0, -0.5)
    for before, after in zip(page.runs, moved.runs, strict=True):
        assert (after.x_mm - before.x_mm, after.y_mm - before.y_mm) == pytest.approx((1.0, -0.5))
