"""Checked, aligned products x markets frames for :mod:`xlree.cms`.

Everything between what a caller passes and the decomposition itself: matrix
arguments labelled and aligned (:func:`_aligned_frames`), blanks read as 0
with a warning (:func:`_blank_as_zero`), exports checked against world
exports (:func:`_check_within_world`), and the tidy ``flows`` of
:func:`xlree.cms.cms_periods` checked and pivoted to the four frames of each
period (:func:`_period_frames`). Errors and warnings name the argument and
the first cells affected (at most ``_LISTED``, then "and N more").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from xlree._validation import (
    XlreeError,
    as_matrix,
    check_nonnegative,
    check_same_shape,
    list_items,
    warn,
)

_FLOW_COLUMNS = ("year", "product", "market", "exports", "world")
_LISTED = 5  # cells named in a warning or error before "and N more"


def _as_frame(value: Any, name: str) -> pd.DataFrame:
    values = as_matrix(value, name)
    if isinstance(value, pd.DataFrame):
        return pd.DataFrame(values, index=value.index, columns=value.columns)
    if isinstance(value, pd.Series):
        return pd.DataFrame(values, index=value.index, columns=["World"])
    rows, columns = values.shape
    return pd.DataFrame(
        values, index=pd.RangeIndex(1, rows + 1), columns=pd.RangeIndex(1, columns + 1)
    )


def _aligned_frames(arguments: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Frames of one shape and one labelling, that of the first labelled argument."""
    frames = {name: _as_frame(value, name) for name, value in arguments.items()}
    check_same_shape(**{name: frame.to_numpy() for name, frame in frames.items()})
    labelled = [
        name
        for name, value in arguments.items()
        if isinstance(value, pd.DataFrame | pd.Series)
    ]
    reference = frames[labelled[0]] if labelled else frames["exports_t0"]
    for name in frames:
        frame = frames[name]
        if name not in labelled:
            frames[name] = frame.set_axis(reference.index).set_axis(
                reference.columns, axis=1
            )
            continue
        for axis, label in (("index", "products"), ("columns", "markets")):
            mine, theirs = getattr(frame, axis), getattr(reference, axis)
            if set(mine) != set(theirs) or mine.has_duplicates:
                odd = sorted(map(str, set(mine) ^ set(theirs))) or ["a duplicate"]
                raise XlreeError(
                    f"{name}: expected the {label} of {labelled[0]}, got a "
                    f"different set (differing: {', '.join(odd[:_LISTED])})."
                )
        frames[name] = frame.loc[reference.index, reference.columns]
    return frames


def _cell_list(cells: Sequence[tuple[Any, ...]]) -> str:
    return list_items(cells, _LISTED, render=lambda cell: "/".join(map(str, cell)))


def _blank_as_zero(frame: pd.DataFrame, name: str, stacklevel: int) -> None:
    """Fill NaN with 0 in place, warning with the (product, market) cells."""
    blank = frame.isna()
    if blank.to_numpy().any():
        cells = list(blank.stack()[lambda s: s].index)
        warn(
            f"{name}: {len(cells)} blank cell(s) read as 0 (no trade), "
            f"product/market: {_cell_list(cells)}.",
            stacklevel=stacklevel,
        )
        frame.fillna(0.0, inplace=True)


def _check_within_world(
    exports: pd.DataFrame, world: pd.DataFrame, name: str, year: Any
) -> None:
    """Raise at the first cell where the exporter sells more than the world."""
    q, w = exports.to_numpy(float), world.to_numpy(float)
    # A relative tolerance keeps rounding in rescaled world totals from failing.
    bad = np.argwhere(q > w * (1 + 1e-9) + 1e-12)
    if bad.size:
        row, column = bad[0]
        raise XlreeError(
            f"{name}: the exporter's exports ({q[row, column]:g}) exceed world "
            f"exports ({w[row, column]:g}) at product {exports.index[row]!r}, "
            f"market {exports.columns[column]!r}, year {year}; world exports "
            f"must include the exporter's."
        )


def _check_flows(flows: Any) -> pd.DataFrame:
    if not isinstance(flows, pd.DataFrame):
        raise XlreeError(
            f"flows: expected a DataFrame with columns {', '.join(_FLOW_COLUMNS)}, "
            f"got {type(flows).__name__}."
        )
    missing = [column for column in _FLOW_COLUMNS if column not in flows.columns]
    if missing:
        raise XlreeError(
            f"flows: missing column(s) {', '.join(missing)}; expected "
            f"{', '.join(_FLOW_COLUMNS)}."
        )
    flows = flows.loc[:, list(_FLOW_COLUMNS)].copy()
    for column in ("exports", "world"):
        flows[column] = as_matrix(flows[column], f"flows column {column!r}")[:, 0]
        check_nonnegative(flows[column].to_numpy(), f"flows column {column!r}")
    duplicated = flows.duplicated(["year", "product", "market"], keep=False)
    if duplicated.any():
        first = flows.loc[duplicated].iloc[0]
        raise XlreeError(
            f"flows: more than one row for year {first['year']}, product "
            f"{first['product']!r}, market {first['market']!r}; give one row per cell."
        )
    return flows


def _check_breaks(breaks: Sequence[int], flows: pd.DataFrame) -> list[int]:
    years = list(breaks)
    available = sorted(flows["year"].unique().tolist())
    if len(years) < 2:
        raise XlreeError(f"breaks: expected at least two years, got {years}.")
    if any(b <= a for a, b in zip(years[:-1], years[1:], strict=False)):
        raise XlreeError(f"breaks: expected increasing years, got {years}.")
    for year in years:
        if year not in available:
            raise XlreeError(
                f"breaks: year {year} is not in flows; years available: "
                f"{', '.join(map(str, available))}."
            )
    return years


def _segment_groups(
    flows: pd.DataFrame, segments: Mapping[Any, str] | None
) -> list[tuple[str, set]]:
    products = list(dict.fromkeys(flows["product"]))
    groups = [("all", set(products))]
    if segments is None:
        return groups
    for segment in dict.fromkeys(segments.values()):
        members = {p for p in products if segments.get(p) == segment}
        if members:
            groups.append((segment, members))
    unassigned = [p for p in products if p not in segments]
    if unassigned:
        warn(
            f"segments: product(s) {', '.join(map(str, unassigned))} have no "
            f"segment; they count in 'all' only.",
            stacklevel=4,
        )
    return groups


def _period_frames(
    flows: pd.DataFrame, start: int, end: int
) -> tuple[pd.DataFrame, ...]:
    """Products x markets frames of q0, q1, Q0, Q1 on the union of both years."""
    both = flows[flows["year"].isin([start, end])]
    wide = both.pivot(index=["product", "market"], columns="year")
    wide = wide.reindex(
        columns=pd.MultiIndex.from_product([["exports", "world"], [start, end]])
    )
    blank = wide.isna().any(axis=1)
    if blank.any():
        cells = []
        for cell, row in wide.loc[blank].iterrows():
            years = sorted({year for (_, year), value in row.items() if pd.isna(value)})
            cells += [(*cell, year) for year in years]
        warn(
            f"flows: {len(cells)} cell(s) missing or blank, read as 0 (no trade), "
            f"product/market/year: {_cell_list(cells)}.",
            stacklevel=4,
        )
        wide = wide.fillna(0.0)
    # Columns run exports start, exports end, world start, world end: q0, q1, Q0, Q1.
    return tuple(wide[key].unstack("market", fill_value=0.0) for key in wide.columns)
