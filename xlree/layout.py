"""What a result sheet holds, independent of who writes it.

A :class:`SheetLayout` is a title, notes, labelled tables and native charts.
:func:`place` turns it into cell positions once, so the openpyxl writer (files)
and the xlwings writer (a workbook open in Excel) put every value and every
chart range in the same place: ``xlree refresh`` and the ribbon's "Refresh all"
produce the same sheets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = ["Chart", "Placed", "SheetLayout", "Table", "cell_value", "place"]

#: Name of the sheet-scoped defined name that marks a sheet as written by xlree.
MARKER_NAME = "xlree_result"


@dataclass
class Table:
    """A labelled table: a title row, a header row, then the rows of ``frame``."""

    title: str
    frame: pd.DataFrame
    number_format: str = "#,##0.0000"
    #: Columns written with another number format (e.g. USD values, shares).
    formats: dict[str, str] = field(default_factory=dict)


@dataclass
class Chart:
    """A native chart drawn from one table of the same sheet.

    ``categories`` names the column with the category labels and ``series``
    the columns plotted, each a series named by its header.
    """

    kind: Literal["column", "bar", "line"]
    title: str
    table: int
    categories: str
    series: list[str]
    y_title: str = ""
    x_title: str = ""
    stacked: bool = False


@dataclass
class SheetLayout:
    """One result sheet: ``name`` (the tab), ``kind`` (the analysis it shows)."""

    name: str
    kind: str
    title: str
    notes: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class PlacedChart:
    chart: Chart
    #: 1-based (row, column) of the top-left corner where the chart is anchored.
    anchor: tuple[int, int]
    #: 1-based first and last data row, and the category column.
    first_row: int
    last_row: int
    category_column: int
    #: (header row, column) of each series.
    series_columns: list[int]
    header_row: int


@dataclass
class Placed:
    """Cells and chart positions of a layout, 1-based rows and columns."""

    #: (row, column, value, style) with style "title", "note", "caption",
    #: "header" or a number format for data cells (None for text).
    cells: list[tuple[int, int, Any, str | None]]
    charts: list[PlacedChart]
    width: int
    height: int
    #: Width of each column, in characters.
    widths: list[float] = field(default_factory=list)


#: Charts are this many rows tall and stacked right of the widest table.
CHART_ROWS = 18
CHART_COLUMNS = 9


def cell_value(value: Any) -> Any:
    """A value Excel and openpyxl accept: plain Python, NaN and infinities empty.

    Not-applicable results (NaN, e.g. a share of a zero total change) are left
    blank rather than written as an error value, so that a workbook opened
    without xlree shows no errors.

    >>> cell_value(np.float64(1.5)), cell_value(float("nan")), cell_value(np.int64(3))
    (1.5, None, 3)
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def place(layout: SheetLayout) -> Placed:
    """Compute where every title, note, table cell and chart goes."""
    cells: list[tuple[int, int, Any, str | None]] = [(1, 1, layout.title, "title")]
    row = 2
    for note in layout.notes:
        cells.append((row, 1, note, "note"))
        row += 1
    row += 1

    table_rows: list[tuple[int, int]] = []  # (header row, last data row)
    width = 1
    for table in layout.tables:
        frame = table.frame
        cells.append((row, 1, table.title, "caption"))
        header_row = row + 1
        for column, name in enumerate(frame.columns, start=1):
            # A numeric column's header sits over its numbers (right-aligned).
            numeric = pd.api.types.is_numeric_dtype(frame[name].dtype)
            style = "header_right" if numeric else "header"
            cells.append((header_row, column, str(name), style))
        for offset, record in enumerate(frame.itertuples(index=False), start=1):
            for column, (name, value) in enumerate(
                zip(frame.columns, record, strict=True), start=1
            ):
                value = cell_value(value)
                style = None
                if isinstance(value, int | float) and not isinstance(value, bool):
                    # Whole numbers (years, counts) print as such unless the
                    # table says otherwise: never "2,008.0000".
                    default = "0" if isinstance(value, int) else table.number_format
                    style = table.formats.get(str(name), default)
                cells.append((header_row + offset, column, value, style))
        last_row = header_row + len(frame)
        table_rows.append((header_row, last_row))
        width = max(width, len(frame.columns))
        row = last_row + 3

    charts = []
    chart_column = width + 2
    chart_row = 3
    for chart in layout.charts:
        header_row, last_row = table_rows[chart.table]
        columns = [str(c) for c in layout.tables[chart.table].frame.columns]
        charts.append(
            PlacedChart(
                chart=chart,
                anchor=(chart_row, chart_column),
                first_row=header_row + 1,
                last_row=last_row,
                category_column=columns.index(chart.categories) + 1,
                series_columns=[columns.index(s) + 1 for s in chart.series],
                header_row=header_row,
            )
        )
        chart_row += CHART_ROWS + 2
    return Placed(
        cells=cells,
        charts=charts,
        width=width,
        height=row,
        widths=_column_widths(cells, width),
    )


def _column_widths(
    cells: list[tuple[int, int, Any, str | None]], width: int
) -> list[float]:
    """Column widths (characters) that show headers and labels whole.

    Titles, notes and captions run across empty cells, so they do not count.
    """
    widths = [10.0] * width
    for _row, column, value, style in cells:
        if style in ("title", "note", "caption") or value is None:
            continue
        text = f"{value:,.4f}" if isinstance(value, float) else str(value)
        widths[column - 1] = max(widths[column - 1], min(len(text) + 2, 48))
    return widths
