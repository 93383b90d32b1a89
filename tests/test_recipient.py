"""Who the card is addressed to: honorifics, 連名, companies."""

from __future__ import annotations

import pytest

from mailmerge.layout.recipient import Person, recipient_of, strip_honorific
from mailmerge.models import Customer


def customer(**fields) -> Customer:
    return Customer(row=2, customer_id="C1", **fields)


def test_a_person_gets_sama_by_default():
    recipient = recipient_of(customer(family_name="山田", given_name="太郎"))
    assert recipient.people == (Person("山田", "太郎"),) and recipient.honorific == "様"


@pytest.mark.parametrize(
    ("family", "given", "honorific", "expected"),
    [("木村様", "修", "", "様"), ("木村", "修様", "様", "様"), ("木村", "修", "先生", "先生"),
     ("木村", "修 殿", "", "殿"), ("木村", "修", "御中", "御中")],
)
def test_the_honorific_is_never_doubled_and_kept_as_typed(family, given, honorific,
                                                                  expected):
    recipient = recipient_of(customer(family_name=family, given_name=given, honorific=honorific))
    assert recipient.honorific == expected
    assert recipient.people == (Person("木村", "修"),)


def test_strip_honorific_keeps_names_that_only_are_an_honorific():
    assert strip_honorific("様") == ("様", "")
    assert strip_honorific("田中先生") == ("田中", "先生")


def test_joint_names_share_the_family_name_unless_they_have_their_own():
    recipient = recipient_of(customer(family_name="渡邉", given_name="美咲",
                                      joint_names=("健一", "佐藤 翔太様")))
    assert recipient.people == (Person("渡邉", "美咲"), Person("", "健一"), Person("佐藤", "翔太"))


def test_company_department_and_title_with_a_person():
    recipient = recipient_of(customer(family_name="山田", given_name="太郎", company="株式会社山田商事",
                                      department="営業部", title="部長"))
    assert recipient.organisation_lines == ("株式会社山田商事", "営業部")
    assert recipient.title == "部長" and recipient.honorific == "様"


def test_a_company_without_a_person_gets_onchu_on_its_department():
    recipient = recipient_of(customer(company="有限会社さくら書房", department="総務課"))
    assert recipient.people == () and recipient.honorific == "御中"
    assert recipient_of(customer(company="有限会社さくら書房", honorific="様")).honorific == "様"
    assert recipient.organisation_name == "総務課"
    assert recipient.organisation_lines == ("有限会社さくら書房",)
    alone = recipient_of(customer(company="有限会社さくら書房"))
    assert alone.organisation_name == "有限会社さくら書房" and alone.organisation_lines == ()
    group = recipient_of(customer(company="さくら会", honorific="各位"))
    assert group.honorific == "各位"

