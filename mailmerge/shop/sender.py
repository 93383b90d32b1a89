"""The shop's [sender] changed from outside the file (the web app's 設定 page).

In: the shop's hagaki.toml path and a Sender. Out: the file with its [sender] set (every other
line kept; a new hagaki.toml made as `hagaki init` makes it when the shop has none yet), or
SenderRefused naming each field that is wrong, with nothing written. The sender is checked
by cards.check_sender, the check every print run makes (its postal code against its address
like a customer's, each text against the shop's fonts), its phone, e-mail and web address by
shop.contact, then the new file by load_settings. A contact key the file does not have is
written only when it is given (a sender saved without them leaves the file as it was).
phone_room_notes() says, for the 設定 page, when the shop's card has no room for its phone.
"""

from __future__ import annotations

from pathlib import Path

from msgspec.structs import asdict, replace

from mailmerge.errors import ConfigError, HagakiError
from mailmerge.i18n import N_, _
from mailmerge.layout.address_side import AddressFonts, sender_notes
from mailmerge.layout.profiles import load_profile
from mailmerge.models import Sender
from mailmerge.runs.cards import check_sender
from mailmerge.shop.contact import CONTACT_FIELDS, ContactRefused, cleaned_contact
from mailmerge.shop.init import write_shop_config
from mailmerge.shop.settings import Settings, load_settings
from mailmerge.shop.settings_file import set_values
from mailmerge.typeface.roles import FontRoles

SENDER_FIELDS = ("name", "postal_code", "address", "address2", *CONTACT_FIELDS)
REQUIRED = {"name": N_("差出人の名前を入れてください"),
            "postal_code": N_("郵便番号を入れてください"), "address": N_("住所を入れてください")}


class SenderRefused(ConfigError):
    """The sender was not saved: `mistakes` holds a message for each field that is wrong."""

    def __init__(self, mistakes: dict[str, str]) -> None:
        super().__init__(" ／ ".join(mistakes.values()))
        self.mistakes = mistakes


def cleaned(sender: Sender) -> Sender:
    """The sender as it is saved: each text without surrounding spaces, the phone, e-mail
    and web address as shop.contact writes them (a wrong one is kept as typed)."""
    texts = {name: value.strip() for name, value in asdict(sender).items()}
    for field in CONTACT_FIELDS:
        try:
            texts[field] = cleaned_contact(field, texts[field])
        except ContactRefused:
            pass  # sender_mistakes says what is wrong with it
    return Sender(**texts)


def contact_mistakes(sender: Sender) -> dict[str, str]:
    """Field → message for each of the phone, e-mail and web address that is wrong."""
    mistakes = {}
    for field in CONTACT_FIELDS:
        try:
            cleaned_contact(field, getattr(sender, field))
        except ContactRefused as refused:
            mistakes[field] = str(refused)
    return mistakes


def sender_mistakes(settings: Settings, sender: Sender) -> dict[str, str]:
    """Field → message for what check_sender refuses in `sender` (with the shop's fonts) and
    each wrong phone, e-mail or web address; empty when the sender is fine. A refusal is put
    on the first field whose value makes the check refuse (the postal code with its address
    first, then name, address, address2)."""
    missing = {field: _(message) for field, message in REQUIRED.items()
               if not getattr(sender, field)}
    missing |= contact_mistakes(sender)
    if missing:
        return missing
    roles = FontRoles(settings)
    fonts = AddressFonts(roles.chain("address"), roles.chain("name"))
    try:
        check_sender(replace(settings, sender=sender), fonts, allow_none=False)
    except ConfigError as refused:
        return {_field_refused(settings, sender, fonts): str(refused)}
    return {}


def phone_room_notes(settings: Settings) -> list[str]:
    """What the shop's cards leave off its sender on its layout (a phone with no room); []
    when nothing, or when the layout or a font cannot be read (a print run says why)."""
    if not settings.sender.phone or settings.sender.is_empty:
        return []
    try:
        roles = FontRoles(settings)
        fonts = AddressFonts(roles.chain("address"), roles.chain("name"))
        return sender_notes(settings.sender, load_profile(settings.layout), fonts,
                            settings.numerals)
    except HagakiError:
        return []


def _field_refused(settings: Settings, sender: Sender, fonts: AddressFonts) -> str:
    steps = [("postal_code", Sender(postal_code=sender.postal_code, address=sender.address),
              None),
             ("name", Sender(name=sender.name), fonts),
             ("address", Sender(name=sender.name, address=sender.address), fonts),
             ("address2", Sender(name=sender.name, address=sender.address,
                                 address2=sender.address2), fonts)]
    for field, part, part_fonts in steps:
        try:
            check_sender(replace(settings, sender=part), part_fonts, allow_none=True)
        except ConfigError:
            return field
    return "name"  # nothing alone is refused: the sender is empty


def save_sender(config_path: Path, sender: Sender) -> None:
    """Set [sender] of `config_path` to `sender` (SenderRefused, nothing written, when it is
    wrong); a missing hagaki.toml is made the way `hagaki init` makes it."""
    sender = cleaned(sender)
    exists = config_path.is_file()
    settings = load_settings(config_path) if exists else Settings(path=config_path)
    mistakes = sender_mistakes(settings, sender)
    if mistakes:
        raise SenderRefused(mistakes)
    if not exists:
        write_shop_config(config_path.parent, sender.name, sender.postal_code, sender.address,
                          sender.address2, phone=sender.phone, email=sender.email,
                          url=sender.url)
        return

    def check(temporary: Path) -> None:
        if load_settings(temporary).sender != sender:
            raise ConfigError(_("{path} の [sender] を書き込めませんでした。ファイルの書き方を"
                                "確かめてください", path=config_path))

    values = {key: value for key, value in asdict(sender).items()
              if value or key not in CONTACT_FIELDS or getattr(settings.sender, key)}
    set_values(config_path, "sender", values, check)
