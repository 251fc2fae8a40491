"""Write a study's inputs into an openpyxl workbook as the input sheets.

:func:`write_inputs` (re-exported by :mod:`xlree.sheets`) writes one Excel
table per sheet of :data:`~xlree.sheets.INPUT_SHEETS`, with number formats,
column widths and data validation taken from the column descriptions, so that
what a user types is checked by Excel the way :func:`xlree.sheets.read_inputs`
checks it.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter

from xlree._sheet_schema import (
    INPUT_SHEETS,
    SETTING_CHOICES,
    SETTINGS_HELP,
    YEAR_RANGE,
    Column,
)
from xlree.study import DEFAULT_SETTINGS, StudyInputs

__all__ = ["write_inputs"]


def _settings_frame(settings: dict[str, Any]) -> pd.DataFrame:
    """The Settings sheet's rows: one per setting, in :data:`SETTINGS_HELP` order."""
    rows = []
    for name in SETTINGS_HELP:
        value = settings.get(name, DEFAULT_SETTINGS[name])
        if name == "breaks":
            value = ", ".join(str(year) for year in value)
        rows.append({"setting": name, "value": value})
    return pd.DataFrame(rows, columns=["setting", "value"])


def _frames(inputs: StudyInputs) -> dict[str, pd.DataFrame]:
    indicator_columns = [str(name) for name in inputs.indicator_info["indicator"]]
    extra = [
        c
        for c in inputs.indicators.columns
        if c not in ("country", "year") and c not in indicator_columns
    ]
    return {
        "Trade": inputs.trade,
        "Totals": inputs.totals,
        "Segments": inputs.segments,
        "Indicators": inputs.indicators.reindex(
            columns=["country", "year", *indicator_columns, *extra]
        ),
        "IndicatorInfo": inputs.indicator_info,
        "Settings": _settings_frame(inputs.settings),
    }


def _excel_value(value: Any) -> Any:
    """A cell value openpyxl can store: blanks for NaN/None, plain Python types."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _validation_for(column: Column, sheet: str) -> Any:
    """The Excel data validation that helps a user fill ``column``, or None."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if column.kind == "year":
        low, high = YEAR_RANGE
        rule = DataValidation(
            type="whole", operator="between", formula1=str(low), formula2=str(high)
        )
    elif column.kind == "number" and column.minimum is not None:
        rule = DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1=f"{column.minimum:g}",
        )
    elif column.kind == "choice":
        rule = DataValidation(
            type="list", formula1='"' + ",".join(column.choices) + '"'
        )
    else:
        return None
    rule.allow_blank = not column.required
    rule.showErrorMessage = True
    rule.errorTitle = f"{sheet}: {column.name}"
    rule.error = column.help
    rule.showInputMessage = True
    rule.promptTitle = column.name
    rule.prompt = column.help
    return rule


def _mark_filled_cells(sheet: Any, frame: Any, filled: Any) -> None:
    """A note on each indicator cell filled from another year of the same country.

    The default indicator panel fills a gap in a WDI series from the nearest
    year (:mod:`xlree.indicators`); the note says which year, so that no
    filled value passes for an observed one.
    """
    from openpyxl.comments import Comment

    if filled is None or len(filled) == 0:
        return
    rows = {
        (str(country), int(year)): position + 2
        for position, (country, year) in enumerate(
            zip(frame["country"], frame["year"], strict=True)
        )
    }
    columns = {str(name): index for index, name in enumerate(frame.columns, 1)}
    for item in filled.itertuples(index=False):
        row = rows.get((str(item.country), int(item.year)))
        column = columns.get(str(item.indicator))
        if row is None or column is None:
            continue
        sheet.cell(row, column).comment = Comment(
            f"Not reported by WDI for {item.year}: the value of "
            f"{item.source_year} for the same country (xlree's gap policy).",
            "xlree",
        )


def write_inputs(workbook: Any, inputs: StudyInputs) -> None:
    """Write the input sheets of ``inputs`` into ``workbook`` as Excel tables.

    Parameters
    ----------
    workbook : openpyxl.Workbook
        The workbook to write into. A sheet of the same name is replaced.
    inputs : StudyInputs
        The tables to write; ``settings`` becomes the Settings sheet.

    Notes
    -----
    Each sheet holds one Excel table (``TradeTable``, ...) from A1, header in
    row 1, with data validation on the year, value and direction columns
    (reaching 1,000 rows below the data so that rows a user adds are checked
    too) and an input message with the column's help text. A table needs a
    data row: an empty input writes one blank row.
    """
    from openpyxl.styles import Font
    from openpyxl.worksheet.table import Table, TableStyleInfo

    for spec in INPUT_SHEETS:
        frame = _frames(inputs)[spec.name]
        if spec.name in workbook.sheetnames:
            del workbook[spec.name]
        sheet = workbook.create_sheet(spec.name)
        specs = {c.name: c for c in spec.columns}
        header = [str(c) for c in frame.columns]
        sheet.append(header)
        for record in frame.itertuples(index=False):
            sheet.append([_excel_value(v) for v in record])
        if spec.name == "Indicators":
            _mark_filled_cells(sheet, frame, inputs.indicators.attrs.get("filled"))
        last_row = max(2, len(frame) + 1)
        for index, name in enumerate(header, start=1):
            letter = get_column_letter(index)
            column = specs.get(name) or Column(name, "number", "A number, or blank.")
            sheet.column_dimensions[letter].width = column.width
            sheet.cell(1, index).font = Font(bold=True)
            if column.kind == "number":
                for (cell,) in sheet.iter_rows(2, last_row, index, index):
                    cell.number_format = "#,##0.00" if spec.open_columns else "#,##0"
            if column.kind == "code":
                for (cell,) in sheet.iter_rows(2, last_row, index, index):
                    cell.number_format = "@"
            rule = _validation_for(column, spec.name)
            if rule is not None:
                rule.add(f"{letter}2:{letter}{last_row + 1000}")
                sheet.add_data_validation(rule)
        if spec.name == "Settings":
            for setting, words in SETTING_CHOICES.items():
                choices = Column(
                    "value",
                    "choice",
                    SETTINGS_HELP[setting],
                    required=False,
                    choices=words,
                )
                rule = _validation_for(choices, spec.name)
                rule.add(f"B{list(SETTINGS_HELP).index(setting) + 2}")
                sheet.add_data_validation(rule)
        table = Table(
            displayName=spec.table_name,
            ref=f"A1:{get_column_letter(len(header))}{last_row}",
        )
        table.tableStyleInfo = TableStyleInfo(
            name="TableStyleMedium2", showRowStripes=True
        )
        sheet.add_table(table)
        sheet.freeze_panes = "A2"
