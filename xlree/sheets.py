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

The description itself lives in :mod:`xlree._sheet_schema` and the writer in
:mod:`xlree._sheet_writer`; both are re-exported here, next to the reader.

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
from typing import Any, Protocol

import pandas as pd
from openpyxl.utils import get_column_letter

from xlree._sheet_schema import (
    CMS_METHODS,
    INPUT_SHEETS,
    SETTING_CHOICES,
    SETTINGS_HELP,
    YEAR_RANGE,
    Column,
    SheetSpec,
)
from xlree._sheet_writer import write_inputs
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
    cells: dict[str, str] = {}
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
        elif key in SETTING_CHOICES:
            choice = Column(
                key, "choice", SETTINGS_HELP[key], choices=SETTING_CHOICES[key]
            )
            settings[key] = _parse(value, choice, where)
        elif key == "shift":
            shift = _parse(value, Column(key, "number", SETTINGS_HELP[key]), where)
            if shift > 1:
                raise XlreeError(
                    f"{where}: expected a number from 0 to 1, got "
                    f"{_shown(value)}. {SETTINGS_HELP[key]}"
                )
            settings[key] = shift
        else:
            settings[key] = _parse(
                value, Column(key, "text", SETTINGS_HELP[key]), where
            )
        cells[key] = where
    _check_settings(settings, cells)
    return settings


def _check_settings(settings: dict[str, Any], cells: dict[str, str]) -> None:
    """Checks across settings, each naming the cell to change."""
    if settings["first_year"] > settings["last_year"]:
        raise XlreeError(
            f"{cells.get('first_year', 'Settings')}: first_year "
            f"{settings['first_year']} is after last_year {settings['last_year']}. "
            "Swap them."
        )
    breaks = settings["breaks"]
    where = cells.get("breaks", "Settings (breaks)")
    if len(breaks) < 2 or list(breaks) != sorted(set(breaks)):
        raise XlreeError(
            f"{where}: expected at least two increasing years, got "
            f"{', '.join(map(str, breaks))}. {SETTINGS_HELP['breaks']}"
        )
    outside = [
        y for y in breaks if not settings["first_year"] <= y <= settings["last_year"]
    ]
    if outside:
        raise XlreeError(
            f"{where}: {', '.join(map(str, outside))} outside first_year-last_year "
            f"({settings['first_year']}-{settings['last_year']}); move the break "
            "years inside them or widen the years."
        )
    exporter = str(settings["exporter"]).strip().upper()
    if exporter == "WORLD":
        raise XlreeError(
            f"{cells.get('exporter', 'Settings')}: 'World' is the world total; "
            "give the ISO2 code of a country in the Trade sheet, such as CN."
        )
    settings["exporter"] = exporter


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
