"""A stand-in for what xlwings does on Windows around a worksheet function.

There is no Excel here and xlwings' decorators do nothing off Windows, so the
tests call the functions of :mod:`xlree.udfs` through this module instead. It
is written from the xlwings documentation (the "User Defined Functions" and
"Converters and Options" pages) and checked against how xlwings 0.37 cleans a
value read from Excel on Windows:

- every argument range arrives as a list of rows (``ndim=2``), whatever its
  shape: a single cell is ``[[x]]``, a row ``[[a, b, c]]``, a column
  ``[[a], [b], [c]]``; without ``ndim`` a single cell arrives as its value;
- numbers arrive as ``float`` (Excel stores every number as a double), text as
  ``str``, booleans as ``bool``, dates as ``datetime.datetime``;
- blank cells and empty strings arrive as the ``empty`` option (``None``);
- an error cell (``#N/A`` ...) arrives as its text with ``err_to_str=True``,
  else as ``None``;
- an omitted optional argument arrives as the Python default.

A test describes a range as the grid of cell values a user sees
(``[[1, "abc"], [None, 2]]``) and :func:`call` hands the function what
xlwings would. :func:`call` also checks what Excel would get back: a
rectangular list of lists of plain ``float``, ``int``, ``str`` or ``bool``.
"""

from __future__ import annotations

import datetime as dt
import inspect
from dataclasses import dataclass
from typing import Any

OMITTED = object()
"""An argument left out of the formula, e.g. ``=ENTROPY_WEIGHTS(A1:E9, , 0)``."""

PLAIN_TYPES = (float, int, str, bool)


@dataclass(frozen=True)
class ExcelError:
    """An error cell of a range, e.g. ``ExcelError("#N/A")``."""

    text: str


def cell_value(cell: Any, options: dict[str, Any]) -> Any:
    """What xlwings hands Python for one cell."""
    if cell is None or cell == "":
        return options.get("empty", None)
    if isinstance(cell, ExcelError):
        return cell.text if options.get("err_to_str", False) else None
    if isinstance(cell, bool | str):
        return cell
    if isinstance(cell, dt.datetime):
        return cell
    if isinstance(cell, dt.date):
        return dt.datetime(cell.year, cell.month, cell.day)
    if isinstance(cell, int | float):
        return float(cell)
    raise TypeError(f"a cell cannot hold {cell!r}")


def argument_value(grid: Any, options: dict[str, Any]) -> Any:
    """What xlwings hands Python for a range (or one cell) given as a grid."""
    if not isinstance(grid, list):
        grid = [[grid]]
    assert all(len(row) == len(grid[0]) for row in grid), "a range is rectangular"
    rows = [[cell_value(cell, options) for cell in row] for row in grid]
    if options.get("ndim") == 2:
        return rows
    # The default: a single cell is a value, a row or column a flat list.
    if len(rows) == 1 and len(rows[0]) == 1:
        return rows[0][0]
    if len(rows) == 1:
        return rows[0]
    if len(rows[0]) == 1:
        return [row[0] for row in rows]
    return rows


def call(function: Any, *ranges: Any) -> list[list[Any]]:
    """Call a worksheet function as Excel would and check what it returns."""
    spec = function.excel_spec
    parameters = list(inspect.signature(function).parameters.values())
    assert len(ranges) <= len(parameters), "too many arguments for the function"
    args = []
    for parameter, grid in zip(parameters, ranges, strict=False):
        if grid is OMITTED:
            args.append(parameter.default)
        else:
            options = spec.arguments[parameter.name].options
            args.append(argument_value(grid, options))
    result = function(*args)
    check_result(result)
    return result


def check_result(result: Any) -> None:
    """Raise unless ``result`` is what Excel can spill: plain values, a rectangle."""
    assert type(result) is list and result, "a result is a non-empty list of rows"
    width = len(result[0])
    for row in result:
        assert type(row) is list and len(row) == width, "the result is rectangular"
        for item in row:
            assert type(item) in PLAIN_TYPES, f"not a plain value: {item!r}"
