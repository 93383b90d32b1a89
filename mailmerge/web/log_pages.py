"""送付履歴: the send log with the held-out customers (対照（送らず）), filtered (status, kind of
card, card dates, a customer search); a card
marked returned or cancelled; a card reprinted exactly (`hagaki print --reprint`); the shown
rows exported as CSV or XLSX (`hagaki log export`)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mailmerge import clock
from mailmerge.errors import HagakiError
from mailmerge.i18n import _
from mailmerge.selection.plan import LABELS
from mailmerge.sendlog.filters import LogFilter
from mailmerge.sendlog.store import MOVES
from mailmerge.web.desk import Desk
from mailmerge.web.rendering import STATUS_MOVES, ask, number, render, run_result
from mailmerge.web.security import checked_form

LOGGED_STATUSES = ("printed", "mailed", "returned", "cancelled", "held-out")
EXPORTS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def log_filter(query: QueryParams) -> LogFilter:
    """The filter the page's GET form asks for (400 for a value the form cannot send)."""
    status = query.get("status") or None
    if status is not None and status not in LOGGED_STATUSES:
        raise HTTPException(400, _("状態の指定が違います"))
    situation = query.get("situation") or None
    if situation is not None and situation not in LABELS:
        raise HTTPException(400, _("はがきの種類の指定が違います"))
    return LogFilter(status, situation, _day(query.get("since")), _day(query.get("until")),
                     (query.get("q") or "").strip())


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, _("日付は 2026-12-01 の形で指定してください: {value}",
                                   value=value)) from None


def _filter_query(wanted: LogFilter) -> str:
    """The filter as a query string, for the export links."""
    fields = {"status": wanted.status, "situation": wanted.situation, "since": wanted.since,
              "until": wanted.until, "q": wanted.search}
    return urlencode({key: str(value) for key, value in fields.items() if value})


async def log_page(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    wanted = log_filter(request.query_params)
    names = await ask(desk.customer_names)
    rows = await ask(desk.log_view, wanted, names)
    held = sum(1 for row in rows if row["status"] == "held-out")
    return render(request, "log.html", rows=rows, held=held, names=names, wanted=wanted,
                  statuses=LOGGED_STATUSES, moves=MOVES, query=_filter_query(wanted),
                  fragment="_log_rows.html")


async def log_status(request: Request) -> Response:
    form = await checked_form(request)
    desk: Desk = request.app.state.desk
    status = str(form.get("status"))
    if status not in STATUS_MOVES:
        raise HTTPException(400, _("状態の指定が違います"))
    await ask(desk.set_status, status, [number(form.get("card_id"))])
    return RedirectResponse("/log", status_code=303)


async def log_reprint(request: Request) -> Response:
    """Reprint one logged card; a card already posted only once the user confirms (--force)."""
    form = await checked_form(request)
    desk: Desk = request.app.state.desk
    card_id = number(form.get("card_id"))
    confirmed = form.get("confirm") == "yes"
    card = await ask(desk.log_card, card_id)
    if card is None:
        raise HTTPException(404, _("はがき {card_id} 番は送付記録にありません", card_id=card_id))
    context: dict = {"fragment": "_reprint.html", "card": card}
    if card["status"] == "mailed" and not confirmed:
        return render(request, "reprint.html", ask_first=True, **context)
    if not request.app.state.once.first_use(str(form.get("once") or "")):
        return render(request, "reprint.html", repeated=True, **context)  # a reload: no reprint
    try:
        report = await ask(desk.reprint, card_id, confirmed)
    except HagakiError as error:
        context["error"] = str(error)
    else:
        context.update(run_result(desk, report))
    response = render(request, "reprint.html", **context)
    if "report" in context:
        response.headers["HX-Trigger"] = "log-changed"  # the page's rows show the reprint
    return response


async def log_export(request: Request) -> Response:
    """The shown rows (the page's filter) as hagaki-log-DATE.csv or .xlsx."""
    desk: Desk = request.app.state.desk
    kind = request.path_params["kind"]
    if kind not in EXPORTS:
        raise HTTPException(404, _("そのファイルはありません"))
    data = await ask(desk.log_export, log_filter(request.query_params), f".{kind}")
    name = f"hagaki-log-{clock.today().isoformat()}.{kind}"
    return Response(data, media_type=EXPORTS[kind],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


ROUTES = [
    Route("/log", log_page),
    Route("/log/status", log_status, methods=["POST"]),
    Route("/log/reprint", log_reprint, methods=["POST"]),
    Route("/log/export.{kind}", log_export),
]
