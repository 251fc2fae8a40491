"""Machinery behind the worksheet functions of :mod:`xlree.udfs`.

Three jobs, kept apart from the functions themselves:

- :func:`excel_function` registers a function with xlwings' decorators
  (category "xlree", Function Wizard help for the function and every
  argument) and wraps it in a guard, so that no exception reaches Excel;
- the readers turn what xlwings hands a function (lists of lists, ``None`` for
  blank cells) into arrays, vectors, numbers and choices, with messages that
  name the argument and the (row, column) of the range;
- :func:`to_cells` turns a result into plain Python values for Excel.

Result policy (one for every function)
--------------------------------------
- A result is a rectangular list of lists of ``float``, ``int``, ``str`` or
  ``bool``: never a numpy scalar.
- NaN (not applicable, e.g. the score of a sample left out for a missing
  value, or a share of a zero total change) becomes ``""``, an empty-looking
  cell, as xlwings itself writes NaN.
- An infinity becomes the text ``"#NUM!"``. xlwings 0.37 on Windows has no
  way to return a genuine Excel error value from a function, so it is text:
  ``ISNUMBER`` is FALSE for it and ``SUM`` skips it.
- A failure is a 1 x 1 result ``"xlree: <what to fix>"``; the log
  (``logging.getLogger("xlree._udf_support")``) gets the full traceback.
"""

from __future__ import annotations

import functools
import logging
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import xlwings as xw

from xlree._validation import XlreeError, as_matrix, check_choice

__all__ = [
    "CATEGORY",
    "ExcelArgument",
    "ExcelSpec",
    "INFINITE_TEXT",
    "MISSING_TEXT",
    "excel_function",
    "header_names",
    "is_blank",
    "read_choice",
    "read_directions",
    "read_matrix",
    "read_number",
    "read_vector",
    "to_cells",
]

logger = logging.getLogger(__name__)

CATEGORY = "xlree"
#: What a NaN becomes in a result.
MISSING_TEXT = ""
#: What an infinity becomes in a result.
INFINITE_TEXT = "#NUM!"
#: Error cells as xlwings hands them with ``err_to_str=True``.
ERROR_TEXTS = frozenset(
    ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!")
)
#: Excel's Function Wizard shows at most this many characters of a help text.
WIZARD_LIMIT = 255

# Options handed to xlwings for every argument. A range arrives as a list of
# lists whatever its shape (ndim=2); an error cell (#N/A...) arrives as its
# text, so that it is reported rather than read as a blank (err_to_str).
RANGE_OPTIONS: dict[str, Any] = {"ndim": 2, "empty": None, "err_to_str": True}
SCALAR_OPTIONS: dict[str, Any] = {"empty": None, "err_to_str": True}


@dataclass(frozen=True)
class ExcelArgument:
    """Function Wizard help and xlwings conversion options of one argument."""

    doc: str
    options: dict[str, Any] = field(default_factory=lambda: dict(RANGE_OPTIONS))


@dataclass(frozen=True)
class ExcelSpec:
    """How a function is registered in Excel: readable on every platform.

    On Windows xlwings' decorators store the same information in
    ``__xlfunc__``; elsewhere they do nothing, so tests read this instead.
    """

    name: str
    help: str
    arguments: dict[str, ExcelArgument]
    category: str = CATEGORY


def range_arg(doc: str) -> ExcelArgument:
    """An argument read as a 2-D range (lists of lists)."""
    return ExcelArgument(doc, dict(RANGE_OPTIONS))


def scalar_arg(doc: str) -> ExcelArgument:
    """An argument read as one cell's value (a number, a text or None)."""
    return ExcelArgument(doc, dict(SCALAR_OPTIONS))


def excel_function(
    help: str, **arguments: ExcelArgument
) -> Callable[[Callable[..., Any]], Callable[..., list[list[Any]]]]:
    """Register a worksheet function with xlwings and guard it.

    ``help`` is the Function Wizard description. xlwings takes that from the
    function's docstring, so the docstring is the help text while the
    decorators run and the full numpydoc text again afterwards.
    """

    def decorate(function: Callable[..., Any]) -> Callable[..., list[list[Any]]]:
        spec = ExcelSpec(function.__name__, help, dict(arguments))
        guarded = _guard(function)
        guarded.__doc__ = help
        for name, argument in arguments.items():
            guarded = xw.arg(name, doc=argument.doc, **argument.options)(guarded)
        guarded = xw.func(category=CATEGORY)(guarded)
        guarded.__doc__ = function.__doc__
        guarded.excel_spec = spec
        return guarded

    return decorate


def _guard(function: Callable[..., Any]) -> Callable[..., list[list[Any]]]:
    name = function.__name__

    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> list[list[Any]]:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result = function(*args, **kwargs)
            for warning in caught:
                logger.warning("%s: %s", name, warning.message)
            return to_cells(result)
        except XlreeError as error:
            logger.info("%s: refused its input", name, exc_info=True)
            return [[_one_line(f"xlree: {error}")]]
        except Exception as error:
            logger.exception("%s failed", name)
            return [
                [
                    _one_line(
                        f"xlree: {name} failed ({type(error).__name__}: {error}); "
                        "the xlwings log has the details."
                    )
                ]
            ]

    return guarded


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= WIZARD_LIMIT else text[: WIZARD_LIMIT - 3] + "..."


# --- results ------------------------------------------------------------------


def to_cells(result: Any) -> list[list[Any]]:
    """Return ``result`` as a rectangular list of lists of plain Python values.

    >>> to_cells(np.array([[1.5, np.nan], [np.inf, -np.inf]]))
    [[1.5, ''], ['#NUM!', '#NUM!']]
    >>> to_cells([["effect", np.float64(2.0)], ["total", np.int64(3)]])
    [['effect', 2.0], ['total', 3]]
    """
    if isinstance(result, pd.DataFrame | pd.Series):
        result = result.to_numpy()
    # A list may mix text and numbers: keep every item as it is (dtype=object).
    is_array = isinstance(result, np.ndarray)
    array = result if is_array else np.asarray(result, dtype=object)
    if array.ndim == 0:
        array = array.reshape(1, 1)
    elif array.ndim == 1:
        array = array.reshape(1, -1)
    if array.ndim != 2 or array.size == 0:
        raise TypeError(f"a result must be a non-empty 2-D table, got {array.shape}")
    if array.dtype.kind in "fiu":  # numbers only: vectorised
        return _numbers_to_cells(array.astype(float))
    return [[_plain(item) for item in row] for row in array.tolist()]


def _numbers_to_cells(values: np.ndarray) -> list[list[Any]]:
    # Vectorised: astype(object) turns float64 into Python floats.
    cells = values.astype(object)
    cells[np.isnan(values)] = MISSING_TEXT
    cells[np.isinf(values)] = INFINITE_TEXT
    return cells.tolist()


def _plain(item: Any) -> Any:
    kind = type(item)
    if kind is str or kind is int or kind is bool:
        return item
    if kind is float:  # the common case first: no isinstance chain
        if item != item:
            return MISSING_TEXT
        return INFINITE_TEXT if item in (np.inf, -np.inf) else item
    if isinstance(item, bool | np.bool_):
        return bool(item)
    if isinstance(item, int | np.integer):
        return int(item)
    if isinstance(item, float | np.floating):
        return _plain(float(item))
    if item is None:
        return MISSING_TEXT
    return str(item)


# --- arguments ----------------------------------------------------------------


def _cells(value: Any) -> list[list[Any]]:
    """The argument as lists of lists (a scalar is a single cell)."""
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], list | tuple):
            return value  # already rows, as xlwings hands a range (ndim=2)
        return [list(value)]
    return [[value]]


def is_blank(value: Any) -> bool:
    """True for an omitted argument or a range of blank cells / empty strings."""
    cells = _cells(value)
    return all(
        item is None or (isinstance(item, str) and item.strip() == "")
        for row in cells
        for item in row
    )


def read_matrix(value: Any, name: str) -> np.ndarray:
    """A numeric range as a float array of its own shape; blanks are NaN."""
    if value is None:
        raise XlreeError(f"{name}: required; select a range of numbers.")
    return as_matrix(_cells(value), name)


def read_vector(value: Any, name: str, length: int, what: str) -> np.ndarray:
    """One row or one column of ``length`` numbers (``what`` says what they are)."""
    values = read_matrix(value, name)
    if min(values.shape) != 1:
        raise XlreeError(
            f"{name}: expected one row or one column ({what}), got "
            f"{values.shape[0]} rows x {values.shape[1]} columns."
        )
    values = values.ravel()
    if values.size != length:
        raise XlreeError(
            f"{name}: expected {length} value(s) ({what}), got {values.size}."
        )
    return values


def read_number(value: Any, name: str) -> float:
    """One number from a single cell; text, booleans and dates are refused."""
    values = read_matrix(value, name)
    if values.size != 1:
        raise XlreeError(
            f"{name}: expected a single cell, got {values.shape[0]} rows x "
            f"{values.shape[1]} columns."
        )
    return float(values[0, 0])


def read_choice(value: Any, name: str, choices: Iterable[str]) -> str:
    """One text among ``choices``, case-insensitive."""
    cells = _cells(value)
    if len(cells) == 1 and len(cells[0]) == 1:
        value = cells[0][0]
    return check_choice(value, name, choices)


def header_names(cells: list[list[Any]]) -> list[str] | None:
    """Indicator names if the first row is text (blanks allowed), else None."""
    first = cells[0]
    texts = [
        isinstance(item, str) and item.strip() != "" and item not in ERROR_TEXTS
        for item in first
    ]
    blanks = [
        item is None or (isinstance(item, str) and not item.strip()) for item in first
    ]
    if not any(texts) or not all(t or b for t, b in zip(texts, blanks, strict=True)):
        return None
    return [
        item.strip() if text else f"indicator {column}"
        for column, (item, text) in enumerate(zip(first, texts, strict=True), start=1)
    ]


def read_directions(value: Any) -> list[Any]:
    """One row or one column of directions, as a flat list for the core."""
    cells = value if isinstance(value, list) else [[value]]
    if len(cells) != 1 and len(cells[0]) != 1:
        raise XlreeError(
            f"directions: expected one row or one column, got {len(cells)} rows x "
            f"{len(cells[0])} columns."
        )
    return [item for row in cells for item in row]
