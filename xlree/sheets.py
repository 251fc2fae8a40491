"""One description of a workbook's input sheets: reader, writer and validation.

:data:`INPUT_SHEETS` lists the six input sheets (Trade, Totals, Segments,
Indicators, IndicatorInfo, Settings) with their columns, the type each column
holds, whether it is required and a line of help. Everything that touches the
input sheets works from this one list:

- :func:`read_inputs` reads a workbook (any object with ``sheet_names()`` and
  ``read_values(name)``, see :mod:`xlree.book`) into a
  :class:`~xlree.study.StudyInputs`, checking every cell;
- :func:`write_inputs` writes a :class:`~xlree.study.StudyInputs` into an
  openpyxl workbook as Excel tables with data validation;
- :mod:`xlree.templates` builds the Instructions sheet from the help text.

Conventions
-----------
Each input sheet holds one table whose header is row 1, starting in column A.
Header names are matched case-insensitively; columns may come in any order and
extra columns are ignored (except on Indicators, where every column after
``country`` and ``year`` is an indicator). Fully blank rows are skipped.
Every bad value raises :class:`~xlree._validation.XlreeError` with the sheet
and cell, what was expected, what was found and what to do, e.g.
``Trade!E7: expected a number >= 0, got -5. Enter the export value in USD.``
Product codes are text: a code typed as the number 280530 is read as
``"280530"`` (a code with leading zeros must be typed as text, ``'010121``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd
from openpyxl.utils import get_column_letter

from xlree._validation import XlreeError
from xlree.study import DEFAULT_SETTINGS, StudyInputs

__all__ = [
    "CMS_METHODS",
    "INPUT_SHEETS",
    "SETTINGS_HELP",
    "Column",
    "SheetSpec",
    "read_inputs",
    "write_inputs",
]

#: Decomposition methods a Settings sheet may name (those of :mod:`xlree.cms`).
CMS_METHODS = ("jepma", "leamer-stern", "leamer-stern-market", "symmetric")

#: Earliest and latest year accepted in a year cell.
YEAR_RANGE = (1950, 2100)


@dataclass(frozen=True)
class Column:
    """One column of an input sheet.

    ``kind`` is one of ``"year"`` (whole number in :data:`YEAR_RANGE`),
    ``"code"`` (text; a whole number is turned into its digits), ``"text"``,
    ``"number"`` (blank allowed when not required: missing) and ``"choice"``
    (one of ``choices``). ``minimum`` bounds a number from below.
    """

    name: str
    kind: str
    help: str
    required: bool = True
    minimum: float | None = None
    choices: tuple[str, ...] = ()
    width: int = 14


@dataclass(frozen=True)
class SheetSpec:
    """One input sheet: its columns, its key and what it is for."""

    name: str
    help: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    key_label: str
    #: Indicators: every column after the listed ones is an indicator (numbers).
    open_columns: bool = False

    @property
    def table_name(self) -> str:
        """The name of the Excel table holding the sheet's data."""
        return f"{self.name}Table"


_YEAR = Column("year", "year", "Calendar year, a whole number such as 2015.", width=8)

INPUT_SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "Trade",
        "Export values by year, product, exporter and market. Rows with exporter "
        "'World' are world exports; rows with market 'World' are exports to all "
        "markets (used for RCA).",
        (
            _YEAR,
            Column("product", "code", "Product code, e.g. the HS6 code 280530."),
            Column(
                "exporter",
                "text",
                "Exporting country as an ISO2 code (CN), or World.",
                width=10,
            ),
            Column("market", "text", "Importing market (code or name), or World."),
            Column(
                "value",
                "number",
                "Enter the export value in USD.",
                minimum=0.0,
                width=18,
            ),
        ),
        ("year", "product", "exporter", "market"),
        "year-product-exporter-market",
    ),
    SheetSpec(
        "Totals",
        "Each country's total merchandise exports (the RCA denominators); "
        "country 'World' for the world total.",
        (
            _YEAR,
            Column("country", "text", "ISO2 code of the country, or World."),
            Column(
                "total_exports",
                "number",
                "Enter the country's total merchandise exports in USD.",
                minimum=0.0,
                width=20,
            ),
        ),
        ("year", "country"),
        "country-year",
    ),
    SheetSpec(
        "Segments",
        "Every product of the Trade sheet with a description and the segment "
        "(industrial-chain stage) it belongs to.",
        (
            Column("product", "code", "Product code as on the Trade sheet."),
            Column(
                "description",
                "text",
                "What the product is.",
                required=False,
                width=48,
            ),
            Column("segment", "text", "Segment (e.g. upstream, midstream).", width=16),
        ),
        ("product",),
        "product",
    ),
    SheetSpec(
        "Indicators",
        "One row per country and year, one column per indicator (described on "
        "IndicatorInfo). Leave a cell blank when the value is missing.",
        (
            Column("country", "text", "ISO2 code of the country."),
            _YEAR,
        ),
        ("country", "year"),
        "country-year",
        open_columns=True,
    ),
    SheetSpec(
        "IndicatorInfo",
        "One row per indicator column of the Indicators sheet.",
        (
            Column("indicator", "text", "The column header on Indicators.", width=20),
            Column("name", "text", "A readable name.", required=False, width=40),
            Column("dimension", "text", "The dimension it measures.", width=16),
            Column(
                "direction",
                "choice",
                "benefit (more is better) or cost (less is better).",
                choices=("benefit", "cost"),
                width=10,
            ),
            Column("unit", "text", "Unit of the values.", required=False),
            Column("source", "text", "Where the values come from.", required=False),
        ),
        ("indicator",),
        "indicator",
    ),
    SheetSpec(
        "Settings",
        "How the study runs. Leave a value blank to use the default.",
        (
            Column("setting", "text", "The setting's name (do not change).", width=16),
            Column(
                "value",
                "text",
                "The setting's value.",
                required=False,
                width=24,
            ),
        ),
        ("setting",),
        "setting",
    ),
)

#: Help for each setting of the Settings sheet (also its order on the sheet).
SETTINGS_HELP: dict[str, str] = {
    "exporter": "ISO2 code of the exporter studied (CMS and the focus of charts).",
    "breaks": "Years that bound the CMS periods, comma separated (2008, 2011, 2015).",
    "cms_method": "CMS decomposition: " + ", ".join(CMS_METHODS) + ".",
    "entropy_method": "Normalization of the entropy method (minmax).",
    "shift": "Small shift added after normalization; blank for the default.",
    "nrca_variant": "NRCA variant (relative).",
    "first_year": "First year of the study.",
    "last_year": "Last year of the study.",
}

_SPECS = {spec.name: spec for spec in INPUT_SHEETS}


class _ReadableBook(Protocol):
    def sheet_names(self) -> Sequence[str]: ...

    def read_values(self, name: str) -> list[list[Any]]: ...


# ---------------------------------------------------------------- reading cells


def _cell(sheet: str, column: int, row: int) -> str:
    """``Trade!E7`` for the 0-based column and 1-based row."""
    return f"{sheet}!{get_column_letter(column + 1)}{row}"


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    return isinstance(value, float) and math.isnan(value)


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _as_number(value: Any) -> float | None:
    """The float in ``value`` (a number or numeric text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "").strip())
        except ValueError:
            return None
    return None


def _parse(value: Any, column: Column, where: str) -> Any:
    """Return the cell's value as ``column`` wants it, or raise naming ``where``."""
    if _blank(value):
        if column.required:
            raise XlreeError(f"{where}: this cell is empty. {column.help}")
        return math.nan if column.kind == "number" else None
    if column.kind == "year":
        number = _as_number(value)
        low, high = YEAR_RANGE
        if number is None or not number.is_integer() or not low <= number <= high:
            raise XlreeError(
                f"{where}: expected a year (a whole number from {low} to {high}), "
                f"got {_shown(value)}. {column.help}"
            )
        return int(number)
    if column.kind == "number":
        number = _as_number(value)
        if number is None or math.isnan(number):
            raise XlreeError(
                f"{where}: expected a number, got {_shown(value)}. {column.help}"
            )
        if column.minimum is not None and number < column.minimum:
            raise XlreeError(
                f"{where}: expected a number >= {column.minimum:g}, "
                f"got {_shown(number)}. {column.help}"
            )
        return number
    if column.kind == "code":
        if isinstance(value, int | float) and not isinstance(value, bool):
            if float(value).is_integer():
                return str(int(value))
            raise XlreeError(
                f"{where}: expected a product code, got {_shown(value)}. {column.help}"
            )
        return str(value).strip()
    if column.kind == "choice":
        wanted = str(value).strip().lower()
        if wanted not in column.choices:
            raise XlreeError(
                f"{where}: expected one of {', '.join(column.choices)}, "
                f"got {_shown(value)}. {column.help}"
            )
        return wanted
    return str(value).strip() if isinstance(value, str) else _shown(value)


def _header_positions(spec: SheetSpec, header: list[Any]) -> dict[str, int]:
    """Map each column name to its 0-based position, or raise for a missing one."""
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        if not _blank(title):
            positions.setdefault(str(title).strip().lower(), index)
    for column in spec.columns:
        if column.name not in positions and (column.required or spec.open_columns):
            expected = ", ".join(c.name for c in spec.columns)
            raise XlreeError(
                f"{spec.name}!1: the column header '{column.name}' is missing. "
                f"Row 1 of the {spec.name} sheet must name the columns {expected}."
            )
    return positions


def _read_sheet(book: _ReadableBook, spec: SheetSpec) -> pd.DataFrame:
    """Read and check one input sheet; return a DataFrame with its rows."""
    if spec.name not in list(book.sheet_names()):
        raise XlreeError(
            f"{spec.name}: the sheet is missing. Add a sheet named '{spec.name}' "
            f"({spec.help})"
        )
    rows = book.read_values(spec.name) or [[]]
    header = list(rows[0])
    positions = _header_positions(spec, header)
    columns = [c for c in spec.columns if c.name in positions]
    if spec.open_columns:
        known = {c.name for c in spec.columns}
        columns += [
            Column(
                str(title).strip(), "number", "Enter a number or leave blank.", False
            )
            for title in header
            if not _blank(title) and str(title).strip().lower() not in known
        ]
        positions = {str(t).strip(): i for i, t in enumerate(header) if not _blank(t)}
        positions.update({c.name: positions[c.name] for c in spec.columns})

    records = []
    first_seen: dict[tuple, int] = {}
    for row_number, row in enumerate(rows[1:], start=2):
        if all(_blank(value) for value in row):
            continue
        record = {}
        for column in columns:
            index = positions.get(column.name, positions.get(column.name.lower()))
            value = row[index] if index < len(row) else None
            record[column.name] = _parse(
                value, column, _cell(spec.name, index, row_number)
            )
        key = tuple(record[name] for name in spec.key)
        if key in first_seen:
            shown = ", ".join(str(part) for part in key)
            raise XlreeError(
                f"{_cell(spec.name, positions[spec.key[0]], row_number)}: duplicate "
                f"{spec.key_label} ({shown}); row {first_seen[key]} has it already. "
                f"Keep one row per {spec.key_label}."
            )
        first_seen[key] = row_number
        record["_row"] = row_number
        records.append(record)
    names = [c.name for c in columns] + ["_row"]
    return pd.DataFrame.from_records(records, columns=names)


# --------------------------------------------------------------- cross checks


def _check_segments(trade: pd.DataFrame, segments: pd.DataFrame) -> None:
    """Every product of Trade must have a row on Segments."""
    known = set(segments["product"])
    product_column = get_column_letter(1 + 1)
    for product, row in zip(trade["product"], trade["_row"], strict=True):
        if product not in known:
            raise XlreeError(
                f"Trade!{product_column}{row}: product {product!r} has no segment. "
                f"Add a row for {product} to the Segments sheet."
            )


def _check_indicator_info(header: list[Any], info: pd.DataFrame) -> None:
    """Every indicator column of Indicators must be described on IndicatorInfo."""
    described = set(info["indicator"])
    for index, title in enumerate(header):
        name = "" if _blank(title) else str(title).strip()
        if index >= 2 and name and name.lower() not in {"country", "year"}:
            if name not in described:
                raise XlreeError(
                    f"{_cell('Indicators', index, 1)}: indicator {name!r} is not "
                    "described. Add a row for it to the IndicatorInfo sheet."
                )


def _read_settings(book: _ReadableBook, trade: pd.DataFrame) -> dict[str, Any]:
    """Read the Settings sheet: defaults for blanks, years checked against Trade."""
    table = _read_sheet(book, _SPECS["Settings"])
    settings = dict(DEFAULT_SETTINGS)
    years = sorted(set(trade["year"])) if len(trade) else []
    span = f"{years[0]}-{years[-1]}" if years else "none"
    for name, value, row in zip(
        table["setting"], table["value"], table["_row"], strict=True
    ):
        where = f"Settings!B{row}"
        key = name.strip().lower()
        if key not in DEFAULT_SETTINGS:
            raise XlreeError(
                f"Settings!A{row}: unknown setting {name!r}. "
                f"Known settings: {', '.join(DEFAULT_SETTINGS)}."
            )
        if _blank(value):
            continue
        if key in ("breaks", "first_year", "last_year"):
            parts = (
                str(value).replace(";", ",").split(",") if key == "breaks" else [value]
            )
            year_column = Column(key, "year", SETTINGS_HELP[key])
            parsed = [_parse(part, year_column, where) for part in parts]
            for year in parsed:
                if years and year not in years:
                    raise XlreeError(
                        f"{where}: year {year} is outside the data; the Trade sheet "
                        f"has the years {span}. {SETTINGS_HELP[key]}"
                    )
            settings[key] = parsed if key == "breaks" else parsed[0]
        elif key == "cms_method":
            choice = Column(key, "choice", SETTINGS_HELP[key], choices=CMS_METHODS)
            settings[key] = _parse(value, choice, where)
        elif key == "shift":
            settings[key] = _parse(
                value, Column(key, "number", SETTINGS_HELP[key]), where
            )
        else:
            settings[key] = _parse(
                value, Column(key, "text", SETTINGS_HELP[key]), where
            )
    if settings["first_year"] > settings["last_year"]:
        raise XlreeError(
            f"Settings: first_year {settings['first_year']} is after last_year "
            f"{settings['last_year']}. Swap them."
        )
    return settings


def read_inputs(book: _ReadableBook) -> StudyInputs:
    """Read and check the input sheets of ``book``.

    Parameters
    ----------
    book : Book
        Anything with ``sheet_names()`` and ``read_values(name)`` (the used
        range from A1 as a list of rows, ``None`` for blanks), such as
        :class:`xlree.book.OpenpyxlBook`.

    Returns
    -------
    StudyInputs
        The tidy tables, rows in sheet order; product codes as text.

    Raises
    ------
    XlreeError
        At the first bad cell, naming the sheet and cell (``Trade!E7``): a
        missing sheet or column header, text in a number cell, a negative
        value, a duplicate key (e.g. a duplicate country-year on Indicators),
        a product of Trade without a segment, an indicator column not
        described on IndicatorInfo, or a year in Settings that Trade lacks.
    """
    tables = {
        spec.name: _read_sheet(book, spec)
        for spec in INPUT_SHEETS
        if spec.name != "Settings"
    }
    _check_segments(tables["Trade"], tables["Segments"])
    _check_indicator_info(
        list(book.read_values("Indicators")[0]), tables["IndicatorInfo"]
    )
    settings = _read_settings(book, tables["Trade"])
    frames = {name: table.drop(columns="_row") for name, table in tables.items()}
    frames["Indicators"]["year"] = frames["Indicators"]["year"].astype("int64")
    return StudyInputs(
        trade=frames["Trade"],
        totals=frames["Totals"],
        segments=frames["Segments"],
        indicators=frames["Indicators"],
        indicator_info=frames["IndicatorInfo"],
        settings=settings,
    )


# ---------------------------------------------------------------------- writing


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
            choices = Column("value", "choice", SETTINGS_HELP["cms_method"], False)
            rule = _validation_for(
                Column("value", "choice", choices.help, False, choices=CMS_METHODS),
                spec.name,
            )
            row = list(SETTINGS_HELP).index("cms_method") + 2
            rule.add(f"B{row}")
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
