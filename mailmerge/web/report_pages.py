"""レポート: the stock-take's key figures, the segment chart, the monthly trend (sales and
customers per month, inline SVG), the warnings, はがきの効果 (held-out customers compared),
and the workbook `hagaki report --out x.xlsx` writes, to download."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mailmerge import clock
from mailmerge.errors import HagakiError
from mailmerge.report import experiment_words
from mailmerge.report.figures import key_figures
from mailmerge.web.desk import Desk
from mailmerge.web.rendering import ask, render
from mailmerge.web.trend_chart import SERIES, trend_chart

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def report_page(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    try:
        measures = await ask(desk.report, clock.today())
    except HagakiError as error:
        return render(request, "report.html", error=str(error))
    return render(request, "report.html", measures=measures, figures=key_figures(measures),
                  trend=trend_chart(measures.monthly),
                  SERIES=SERIES, experiments=[
                      (experiment_words.title(e), experiment_words.lines(e, measures.has_amounts))
                      for e in measures.experiments],
                  method_note=experiment_words.method_note(),
                  scope_note=experiment_words.scope_note())


async def report_workbook(request: Request) -> Response:
    """The report as an Excel workbook (the same file `hagaki report --out` writes)."""
    desk: Desk = request.app.state.desk
    on = clock.today()
    try:
        data = await ask(desk.report_workbook, on)
    except HagakiError as error:
        return render(request, "report.html", 400, error=str(error))
    name = f"hagaki-report-{on.isoformat()}.xlsx"
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


ROUTES = [
    Route("/report", report_page),
    Route("/report/report.xlsx", report_workbook),
]
