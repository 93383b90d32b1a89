"""設定: the shop's sender, the font of each role (with a sample) and the printers' offsets
(with the calibration card), each saved into the shop's own hagaki.toml by the library
(sender_settings, font_settings, calibration_card), the way the CLI writes it."""

from __future__ import annotations

import math

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mailmerge.errors import HagakiError
from mailmerge.i18n import N_, _
from mailmerge.layout.paper import PAPERS
from mailmerge.models import Sender
from mailmerge.runs.calibration_card import calibration_pdf, current_offsets, save_measured
from mailmerge.runs.font_samples import role_sample_png
from mailmerge.runs.jobs import RunOptions
from mailmerge.runs.run import paper_for
from mailmerge.selection.plan import SITUATIONS
from mailmerge.shop.folder import CONFIG_NAME
from mailmerge.shop.fonts import font_choices, save_font
from mailmerge.shop.papers import save_paper
from mailmerge.shop.sender import SENDER_FIELDS, SenderRefused, phone_room_notes, save_sender
from mailmerge.shop.settings import FONT_ROLES
from mailmerge.web.desk import Desk
from mailmerge.web.rendering import ask, render
from mailmerge.web.security import checked_form

SENDER_LABELS = {"name": N_("差出人の名前（店名）"), "postal_code": N_("郵便番号"),
                 "address": N_("住所"), "address2": N_("住所2（建物名・部屋番号）"),
                 "phone": N_("電話番号（なくても可）"), "email": N_("メールアドレス（なくても可）"),
                 "url": N_("ホームページ（なくても可）")}
# The keyboard (inputmode, no browser check: the library normalises ０３ and ＠) and an example
# for each optional contact field.
SENDER_INPUTS = {"phone": ("tel", "03-1234-5678"), "email": ("email", "info@example.jp"),
                 "url": ("url", "https://example.jp")}
ROLE_LABELS = {"address": N_("住所の書体"), "name": N_("宛名の書体"), "message": N_("文面の書体"),
               "heading": N_("見出しの書体（謹賀新年など）")}
SAVED = {"sender": N_("差出人を保存しました"), "font": N_("書体を保存しました"),
         "printer": N_("プリンターのずれ補正を保存しました"),
         "paper": N_("用紙を保存しました")}


async def settings_page(request: Request) -> Response:
    saved = SAVED.get(request.query_params.get("saved", ""))
    return await _page(request, 200, saved=saved)


async def _page(request: Request, http_status: int, **context) -> Response:
    """The page with the settings read afresh, and the form values and mistakes given."""
    desk: Desk = request.app.state.desk
    try:
        shop = await ask(desk.shop)
        choices = await ask(font_choices, shop.settings)
    except HagakiError as error:
        return render(request, "settings.html", http_status, error=str(error))
    settings = shop.settings
    context.setdefault("sender", settings.sender)
    context.setdefault("sender_notes", await ask(phone_room_notes, settings))
    printers = {name: offsets for name, offsets in sorted(settings.printers.items())}
    papers = {situation: paper_for(RunOptions(situation=situation), settings)
              for situation in SITUATIONS}
    return render(request, "settings.html", http_status, settings=settings,
                  papers=papers, PAPERS=PAPERS,
                  has_config=shop.config_path is not None, roles=FONT_ROLES, choices=choices,
                  printers=printers, print_offsets=current_offsets(settings, None),
                  sender_fields=SENDER_FIELDS, SENDER_LABELS=SENDER_LABELS,
                  SENDER_INPUTS=SENDER_INPUTS,
                  ROLE_LABELS=ROLE_LABELS, **context)


async def save_sender_form(request: Request) -> Response:
    form = await checked_form(request)
    desk: Desk = request.app.state.desk
    sender = Sender(**{field: str(form.get(field) or "") for field in SENDER_FIELDS})
    try:
        await ask(save_sender, desk.folder / CONFIG_NAME, sender)
    except SenderRefused as refused:
        return await _page(request, 400, sender=sender, sender_mistakes=refused.mistakes)
    except HagakiError as error:
        return await _page(request, 400, sender=sender, sender_mistakes={"": str(error)})
    return RedirectResponse("/settings?saved=sender#sender", status_code=303)


async def save_font_form(request: Request) -> Response:
    form = await checked_form(request)
    desk: Desk = request.app.state.desk
    role, font = str(form.get("role") or ""), str(form.get("font") or "")
    try:
        shop = await ask(desk.saved_shop)
        await ask(save_font, shop.config_path, shop.settings, role, font)
    except HagakiError as error:
        return await _page(request, 400, font_mistakes={role: str(error)})
    return RedirectResponse("/settings?saved=font#fonts", status_code=303)


async def save_printer_form(request: Request) -> Response:
    form = await checked_form(request)
    desk: Desk = request.app.state.desk
    typed = {key: str(form.get(key) or "").strip() for key in ("name", "measured_x",
                                                                 "measured_y")}
    measured = {key: _number(typed[key]) for key in ("measured_x", "measured_y")}
    mistakes = {key: _("数で入れてください（例: 50.5）")
                for key, value in measured.items() if value is None}
    if not typed["name"]:
        mistakes["name"] = _("プリンターの名前を入れてください（例: PX-049A）")
    if not mistakes:
        try:
            shop = await ask(desk.saved_shop)
            await ask(save_measured, shop.config_path, typed["name"],
                      measured["measured_x"], measured["measured_y"])
        except HagakiError as error:
            mistakes[""] = str(error)
    if mistakes:
        return await _page(request, 400, printer_typed=typed, printer_mistakes=mistakes)
    return RedirectResponse("/settings?saved=printer#printers", status_code=303)


async def save_paper_form(request: Request) -> Response:
    form = await checked_form(request)
    desk: Desk = request.app.state.desk
    situation, paper = str(form.get("situation") or ""), str(form.get("paper") or "")
    try:
        shop = await ask(desk.saved_shop)
        await ask(save_paper, shop.config_path, situation, paper)
    except HagakiError as error:
        return await _page(request, 400, paper_mistakes={situation: str(error)})
    return RedirectResponse("/settings?saved=paper#paper", status_code=303)


def _number(text: str) -> float | None:
    """The millimetres typed (None unless a finite number)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


async def calibration_card(request: Request) -> Response:
    """The calibration card as PDF, moved by the chosen printer's offsets (one of the shop's
    printers; else the [print] offsets)."""
    desk: Desk = request.app.state.desk
    try:
        settings = (await ask(desk.shop)).settings
        wanted = request.query_params.get("printer", "")
        printer = wanted if wanted in settings.printers else None
        pdf = await ask(calibration_pdf, settings, printer)
    except HagakiError as error:
        raise HTTPException(400, str(error)) from None
    name = f"calibrate-{printer}.pdf" if printer else "calibrate.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


async def font_sample(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    role = request.path_params["role"]
    if role not in FONT_ROLES:
        raise HTTPException(404, _("書体の役目が違います: {role}（{roles} のどれか）",
                                   role=role, roles="、".join(FONT_ROLES)))
    try:
        png = await ask(role_sample_png, (await ask(desk.shop)).settings, role)
    except HagakiError as error:
        raise HTTPException(400, str(error)) from None
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


ROUTES = [
    Route("/settings", settings_page),
    Route("/settings/sender", save_sender_form, methods=["POST"]),
    Route("/settings/font", save_font_form, methods=["POST"]),
    Route("/settings/printer", save_printer_form, methods=["POST"]),
    Route("/settings/paper", save_paper_form, methods=["POST"]),
    Route("/settings/calibration.pdf", calibration_card),
    Route("/settings/fonts/{role}.png", font_sample),
]
