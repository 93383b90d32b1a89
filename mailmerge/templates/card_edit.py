"""One card's words changed for one customer: the shop's own body text, or a personal line
(the 一言 that makes a お礼状 personal) added under the template's words.

In: the Message a template wrote and the CardEdit stored for this customer and campaign.
Out: the Message as it will be printed and logged (a reprint repeats it). Paragraphs are
split on blank lines, as the templates' own bodies are.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from msgspec import Struct
from msgspec.structs import replace

from mailmerge.errors import CardError
from mailmerge.i18n import _

if TYPE_CHECKING:
    from mailmerge.templates.engine import Message

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
MAX_LINE_CHARS = 120  # a personal line is one or two columns of the card


class CardEdit(Struct, frozen=True):
    customer_id: str
    campaign: str
    body: str | None = None  # replaces the template's body; None: the template's own
    personal_line: str | None = None  # added as the body's last paragraph
    left_out: bool = False  # not printed in this campaign's run

    @property
    def changes_words(self) -> bool:
        return bool(self.body or self.personal_line)


def clean_text(text: str) -> str:
    """Typed text as a card can hold it: line breaks kept, other control characters and
    trailing spaces dropped."""
    kept = "".join(ch for ch in text.replace("\r\n", "\n").replace("\r", "\n")
                   if ch == "\n" or unicodedata.category(ch) != "Cc")
    return "\n".join(line.rstrip() for line in kept.split("\n")).strip("\n ")


def paragraphs_of(body: str) -> tuple[str, ...]:
    """A body's paragraphs (blank lines between them), each line stripped of spaces and tabs
    (a leading full-width space, the paragraph's indent, is kept as the templates keep it)."""
    parts = ("\n".join(kept for line in part.splitlines() if (kept := line.strip(" \t")))
             for part in _PARAGRAPH_BREAK.split(body))
    return tuple(part for part in parts if part)


def body_text(message: Message) -> str:
    """A message's body as the edit box shows it: paragraphs with a blank line between."""
    return "\n\n".join(message.paragraphs)


def edited(message: Message, edit: CardEdit | None) -> Message:
    """The message with the edit's body and personal line; CardError when nothing or too
    much would be left to print."""
    from mailmerge.templates.engine import MAX_MESSAGE_CHARS  # Jinja2: only when printing

    if edit is None or not edit.changes_words:
        return message
    paragraphs = paragraphs_of(edit.body) if edit.body else message.paragraphs
    if edit.personal_line:
        paragraphs += (" ".join(edit.personal_line.split()),)
    result = replace(message, paragraphs=paragraphs)
    if not result.paragraphs:
        raise CardError("empty-message", _("{customer_id}: 直した本文が空です",
                                           customer_id=edit.customer_id), "body")
    if result.length() > MAX_MESSAGE_CHARS:
        raise CardError("message-too-long", _("{customer_id}: 直した文面が{length:,}字です。"
                                              "{limit:,}字までにしてください",
                                              customer_id=edit.customer_id,
                                              length=result.length(), limit=MAX_MESSAGE_CHARS),
                        "body")
    return result
