"""Checks of user input shared by every layer of xlree.

Each helper takes the argument's name and raises :class:`XlreeError` with a
message that says what was expected, what arrived and where (row and column
of a range, 1-based, as a spreadsheet user counts them). Library code warns
with :class:`XlreeWarning`; it never logs.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "XlreeError",
    "XlreeWarning",
    "as_matrix",
    "check_choice",
    "check_nonnegative",
    "check_same_shape",
    "list_items",
    "show_label",
    "warn",
]


class XlreeError(ValueError):
    """Bad input from a user: the message says what to fix."""


class XlreeWarning(UserWarning):
    """Something was done on the user's behalf (a cell dropped, a weight zeroed)."""


def warn(message: str, stacklevel: int = 3) -> None:
    """Issue an :class:`XlreeWarning` pointing at the caller of the public function."""
    warnings.warn(message, XlreeWarning, stacklevel=stacklevel)


def show_label(label: Any) -> str:
    """repr of a row or column label, numpy scalars as plain Python.

    >>> show_label(np.int64(2019)), show_label(("CN", np.int64(2019)))
    ('2019', "('CN', 2019)")
    """
    if isinstance(label, tuple):
        return repr(tuple(_plain(part) for part in label))
    return repr(_plain(label))


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def list_items(
    items: Sequence[Any], limit: int, render: Callable[[Any], str] = str
) -> str:
    """The first ``limit`` items, rendered, then "and N more".

    >>> list_items(["a", "b", "c"], 2)
    'a, b and 1 more'
    """
    shown = ", ".join(render(item) for item in items[:limit])
    more = len(items) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def as_matrix(value: Any, name: str, *, ndim: int = 2) -> np.ndarray:
    """Return ``value`` as a float array, or raise naming the first bad entry.

    ``None``, empty strings and NaN become NaN (missing). Booleans, text and
    dates are refused with their (row, column) position, 1-based.

    >>> as_matrix([[1, 2], [3, None]], "data")
    array([[ 1.,  2.],
           [ 3., nan]])
    >>> as_matrix([[1, "x"]], "data")
    Traceback (most recent call last):
    ...
    xlree._validation.XlreeError: data: expected a number at row 1, column 2, got 'x'.
    """
    if isinstance(value, pd.DataFrame | pd.Series):
        value = value.to_numpy(dtype=object)
    array = np.asarray(value, dtype=object)
    if array.ndim == 0:
        array = array.reshape(1, 1) if ndim == 2 else array.reshape(1)
    elif array.ndim == 1 and ndim == 2:
        array = array.reshape(-1, 1)
    if array.ndim != ndim:
        raise XlreeError(
            f"{name}: expected a {ndim}-D range of numbers, "
            f"got {array.ndim} dimensions."
        )
    if array.size == 0:
        raise XlreeError(f"{name}: the range is empty; give at least one number.")
    # Fast path: every cell already a number or blank (the common, large case).
    kinds = set(map(type, array.ravel().tolist()))
    if kinds <= _PLAIN_NUMBER_TYPES:
        out = array.astype(float)
    else:
        out = np.empty(array.shape, dtype=float)
        for position, item in np.ndenumerate(array):
            out[position] = _to_float(item, name, position)
    infinite = np.argwhere(np.isinf(out))
    if infinite.size:
        position = tuple(int(i) for i in infinite[0])
        raise XlreeError(
            f"{name}: expected a finite number at {_where(position)}, "
            f"got {out[position]:g}."
        )
    return out


_PLAIN_NUMBER_TYPES = {float, int, type(None)}


def _to_float(item: Any, name: str, position: tuple[int, ...]) -> float:
    if item is None or (isinstance(item, str) and item.strip() == ""):
        return np.nan
    is_number = isinstance(item, int | float | np.number)
    if isinstance(item, bool | np.bool_) or not is_number:
        raise XlreeError(
            f"{name}: expected a number at {_where(position)}, got {_describe(item)}."
        )
    return float(item)


def _where(position: tuple[int, ...]) -> str:
    """``row 3, column 2`` (1-based) for a 0-based array position."""
    return ", ".join(
        f"{label} {index + 1}"
        for label, index in zip(("row", "column"), position, strict=False)
    )


def check_same_shape(**arrays: np.ndarray) -> None:
    """Raise unless every array has the shape of the first one."""
    items = list(arrays.items())
    first_name, first = items[0]
    for other_name, other in items[1:]:
        if np.shape(other) != np.shape(first):
            raise XlreeError(
                f"{other_name}: expected the shape of {first_name} "
                f"{_shape_text(np.shape(first))}, got {_shape_text(np.shape(other))}."
            )


def _shape_text(shape: Sequence[int]) -> str:
    if len(shape) == 2:
        return f"({shape[0]} rows x {shape[1]} columns)"
    return str(tuple(shape))


def check_choice(value: Any, name: str, choices: Iterable[str]) -> str:
    """Return the canonical spelling of ``value`` among ``choices`` (case-insensitive).

    >>> check_choice("Jepma", "method", ["jepma", "symmetric"])
    'jepma'
    """
    choices = list(choices)
    if isinstance(value, str):
        wanted = value.strip().lower()
        for choice in choices:
            if choice.lower() == wanted:
                return choice
    raise XlreeError(
        f"{name}: expected one of {', '.join(repr(c) for c in choices)}, "
        f"got {_describe(value)}."
    )


def check_nonnegative(
    values: np.ndarray, name: str, what: str = "trade values"
) -> None:
    """Raise at the first negative entry (row, column, 1-based); NaN passes."""
    values = np.asarray(values, dtype=float)
    bad = np.argwhere(values < 0)
    if bad.size:
        position = tuple(int(i) for i in bad[0])
        raise XlreeError(
            f"{name}: {what} cannot be negative; found {values[position]:g} "
            f"at {_where(position)}."
        )
