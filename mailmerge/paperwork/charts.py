"""The stock-take's charts as reportlab drawings (vector graphics, flowing like paragraphs).

In: Measures' figures, already labelled (nothing is computed here), the font and a width in
points. Out: Drawings: customers by segment (bars), the monthly base (lines: customers, new,
lost), monthly sales (stacked bars: new and existing customers) and the top customer's share
against the 10 % line.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from mailmerge.i18n import _

BLUE = colors.HexColor("#4472C4")
ORANGE = colors.HexColor("#ED7D31")
GREY = colors.HexColor("#A5A5A5")
RED = colors.HexColor("#C00000")
LABEL_SIZE = 7


def segment_bars(labels: Sequence[str], counts: Sequence[int], font: str, width: float
                 ) -> Drawing:
    """One horizontal bar per segment, its count at the end of the bar."""
    height = 12 * mm + 7 * mm * len(labels)
    drawing = _drawing(width, height, font)
    chart = HorizontalBarChart()
    chart.x, chart.y = 42 * mm, 6 * mm
    chart.width, chart.height = width - 60 * mm, height - 10 * mm
    chart.data = [list(reversed(counts))]
    chart.categoryAxis.categoryNames = list(reversed(labels))
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = LABEL_SIZE + 1
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = LABEL_SIZE
    chart.valueAxis.labelTextFormat = "{:,.0f}".format
    chart.bars[0].fillColor = BLUE
    chart.barLabelFormat = "{:,}".format
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = LABEL_SIZE
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 2
    drawing.add(chart)
    return drawing


def base_lines(months: Sequence[str], series: dict[str, Sequence[int]], font: str,
               width: float) -> Drawing:
    """The monthly base: one line per series (顧客数, 新規, 離反)."""
    drawing = _drawing(width, 62 * mm, font)
    chart = HorizontalLineChart()
    _place(chart, width, drawing.height)
    chart.data = [list(values) for values in series.values()]
    _month_axis(chart, months, font)
    chart.valueAxis.valueMin = 0
    _value_axis(chart, font)
    for index, color in enumerate((BLUE, ORANGE, GREY)):
        chart.lines[index].strokeColor = color
        chart.lines[index].strokeWidth = 1.4
    drawing.add(chart)
    drawing.add(_legend(list(series), (BLUE, ORANGE, GREY), font, drawing.height))
    return drawing


def sales_bars(months: Sequence[str], new: Sequence[float], existing: Sequence[float],
               font: str, width: float) -> Drawing:
    """Monthly sales, stacked: new customers' and existing customers' (yen)."""
    drawing = _drawing(width, 62 * mm, font)
    chart = VerticalBarChart()
    _place(chart, width, drawing.height)
    chart.data = [list(new), list(existing)]
    chart.categoryAxis.style = "stacked"
    chart.bars[0].fillColor = ORANGE
    chart.bars[1].fillColor = BLUE
    chart.bars.strokeWidth = 0
    _month_axis(chart, months, font)
    _value_axis(chart, font)
    drawing.add(chart)
    drawing.add(_legend([_("新規客の売上"), _("既存客の売上")], (ORANGE, BLUE), font,
                        drawing.height))
    return drawing


def share_against_line(label: str, share: float, line: float | None, font: str, width: float
                       ) -> Drawing:
    """A bar for the share (0–1) on a 0–100 % scale, red past the warning line and the line
    marked; without a line, a plain figure (blue)."""
    left = max(45 * mm, stringWidth(label, font, LABEL_SIZE + 1) + 3 * mm)  # a long label
    bar_width = width - left - 25 * mm
    drawing = _drawing(width, 12 * mm, font)
    bottom, height = 4 * mm, 5 * mm
    drawing.add(String(0, bottom + 1.2 * mm, label, fontName=font, fontSize=LABEL_SIZE + 1))
    drawing.add(Rect(left, bottom, bar_width, height, fillColor=colors.HexColor("#EEEEEE"),
                     strokeColor=None))
    over = line is not None and share > line
    drawing.add(Rect(left, bottom, bar_width * min(max(share, 0.0), 1.0), height,
                     fillColor=RED if over else BLUE, strokeColor=None))
    if line is not None:
        mark = left + bar_width * line
        drawing.add(Line(mark, bottom - 1.5 * mm, mark, bottom + height + 1.5 * mm,
                         strokeColor=colors.black, strokeWidth=1, strokeDashArray=[2, 1]))
        drawing.add(String(mark, bottom + height + 2 * mm, f"{line:.0%}", fontName=font,
                           fontSize=LABEL_SIZE, textAnchor="middle"))
    drawing.add(String(left + bar_width + 3 * mm, bottom + 1.2 * mm, f"{share:.1%}",
                       fontName=font, fontSize=LABEL_SIZE + 1))
    return drawing


def _drawing(width: float, height: float, font: str) -> Drawing:
    """A drawing whose text starts in the document's font (not reportlab's Helvetica, which
    would be referenced without being embedded)."""
    drawing = Drawing(width, height)
    drawing.initialFontName = font
    return drawing


def _place(chart, width: float, height: float) -> None:
    """The plot area, with room for the month labels below and the legend above."""
    chart.x, chart.y = 18 * mm, 8 * mm
    chart.width, chart.height = width - 22 * mm, height - 18 * mm


def _month_axis(chart, months: Sequence[str], font: str) -> None:
    """Months as YY/MM, every label when they fit and every n-th when they do not."""
    step = max(1, len(months) // 18 + (len(months) % 18 > 0))
    chart.categoryAxis.categoryNames = [
        f"{m[2:4]}/{m[5:7]}" if index % step == 0 else "" for index, m in enumerate(months)]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = LABEL_SIZE - 1
    chart.categoryAxis.labels.angle = 0
    chart.categoryAxis.labels.boxAnchor = "n"


def _value_axis(chart, font: str) -> None:
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = LABEL_SIZE
    chart.valueAxis.labelTextFormat = "{:,.0f}".format
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")


def _legend(names: list[str], swatches: Sequence, font: str, height: float) -> Legend:
    """The series' names in one row along the top of the drawing."""
    legend = Legend()
    legend.x, legend.y = 18 * mm, height
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 30 * mm
    legend.dx = legend.dy = 6
    legend.fontName = font
    legend.fontSize = LABEL_SIZE
    legend.boxAnchor = "nw"
    legend.colorNamePairs = list(zip(swatches, names, strict=True))
    return legend
