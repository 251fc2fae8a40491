"""Excel worksheet functions: the three methods of xlree, callable from cells.

Each function is registered with xlwings' decorators under its own name, in
the Function Wizard category "xlree", and spills its result beside the
formula like any Excel 365 dynamic array::

    =CMS_EFFECTS(B2:E5, G2:J5, B9:E12, G9:J12)
    =ENTROPY_WEIGHTS(A1:E40, G1:K1)
    =NRCA(B2:F9, H2:H9)

The functions only translate: ranges in, the core of :mod:`xlree.cms`,
:mod:`xlree.entropy` and :mod:`xlree.rca` does the work, a table of plain
values out. What every function shares (how ranges, blanks, errors, NaN and
infinities are handled) lives in :mod:`xlree._udf_support`; docs/functions.md
describes every function with a worked example.

Conventions
-----------
- A range keeps its orientation: a 1-row, 1-column or single-cell range is a
  1 x m, n x 1 or 1 x 1 table. Vectors (totals, scores, directions) may be a
  row or a column.
- Blank cells and empty strings are missing values, handled by the method's
  own policy (CMS: no trade, read as 0; entropy: the sample is left out; RCA:
  the cell is NaN and so is its result). A blank optional argument, omitted or
  a reference to an empty cell, means the default.
- Results depend only on the arguments: nothing is cached or read elsewhere.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from xlree import cms, entropy, rca
from xlree._udf_support import (
    excel_function,
    header_names,
    is_blank,
    range_arg,
    read_choice,
    read_directions,
    read_matrix,
    read_number,
    read_vector,
    scalar_arg,
)
from xlree._validation import XlreeError, as_matrix

__all__ = [
    "CMS_EFFECTS",
    "ENTROPY_SCORES",
    "ENTROPY_WEIGHTS",
    "MARKET_SHARE",
    "NORM_RCA",
    "NRCA",
    "RCA",
    "RSCA",
    "TC_INDEX",
]

CMS_HEADER = ["effect", "value", "share"]
SCORE_HEADER = "score"

_CMS_FLOW = (
    "Products in rows, markets in columns (one column: the world as one market)."
)


# --- CMS ----------------------------------------------------------------------


@excel_function(
    "Constant-market-share decomposition of the change in exports between two "
    "years. Spills effect, value and share of the total change, with subtotals.",
    exports_t0=range_arg("Exporter's exports in the base year. " + _CMS_FLOW),
    exports_t1=range_arg("Exporter's exports in the end year, same shape."),
    world_t0=range_arg("World exports in the base year, same shape."),
    world_t1=range_arg("World exports in the end year, same shape."),
    method=scalar_arg(
        'Optional: "jepma" (default), "leamer-stern" (commodity first), '
        '"leamer-stern-market" (market first) or "symmetric".'
    ),
)
def CMS_EFFECTS(
    exports_t0: Any,
    exports_t1: Any,
    world_t0: Any,
    world_t1: Any,
    method: Any = None,
) -> list[list[Any]]:
    """Constant-market-share decomposition as a spilled table.

    Parameters
    ----------
    exports_t0, exports_t1 : range
        The exporter's exports :math:`q^0, q^1`, products in rows, markets in
        columns; a single column is the world as one market.
    world_t0, world_t1 : range
        World exports :math:`Q^0, Q^1` of the same cells, same shape.
    method : str, optional
        One of :data:`xlree.cms.METHODS`; blank means "jepma".

    Returns
    -------
    list of lists
        Header ``effect, value, share``, then one row per effect in the order
        of :meth:`xlree.cms.CMSResult.table` (subtotals after their effects,
        "total change" last). The share is the value over the total change;
        blank when the total change is 0.

    Notes
    -----
    Blank cells are no trade (0), as :func:`xlree.cms.cms_decompose` reads
    them. The formulas are in :mod:`xlree.cms`.
    """
    options = {}
    if not is_blank(method):
        options["method"] = read_choice(method, "method", cms.METHODS)
    ranges = {
        "exports_t0": exports_t0,
        "exports_t1": exports_t1,
        "world_t0": world_t0,
        "world_t1": world_t1,
    }
    arrays = {name: read_matrix(value, name) for name, value in ranges.items()}
    table = cms.cms_decompose(*arrays.values(), **options).table()
    body = table[["effect", "value", "share"]].to_numpy(dtype=object).tolist()
    return [CMS_HEADER, *body]


# --- entropy ------------------------------------------------------------------

_DATA_DOC = (
    "Samples in rows, indicators in columns; optionally a first row of "
    "indicator names. Blank cells: the sample is left out."
)
_DIRECTIONS_DOC = (
    "Optional: one row of 1 (benefit) or -1 (cost), or '+' / '-', per "
    "indicator. Default: all benefit."
)
_SHIFT_DOC = "Optional: constant added to the min-max values (0 allowed). Default 1e-4."
_METHOD_DOC = 'Optional: "minmax" (default) or "proportion" (shares of raw data).'


def _entropy_result(
    data: Any, directions: Any, shift: Any, method: Any
) -> tuple[entropy.EntropyResult, list[str] | None]:
    """Run the core on a range whose first row may hold indicator names."""
    cells = data if isinstance(data, list) else [[data]]
    names = header_names(cells)
    if names is not None:
        # Blank the header row, so that positions in messages are the range's.
        values = as_matrix([[None] * len(names), *cells[1:]], "data")[1:]
        first_row = 2
    else:
        values = read_matrix(cells, "data")
        first_row = 1
    if values.shape[0] == 0:
        raise XlreeError("data: only a row of names; add the samples below it.")
    frame = pd.DataFrame(
        values,
        index=pd.RangeIndex(first_row, first_row + values.shape[0], name="row"),
        columns=names if names is not None else range(1, values.shape[1] + 1),
    )
    options: dict[str, Any] = {}
    if not is_blank(directions):
        options["directions"] = read_directions(directions)
    if not is_blank(shift):
        options["shift"] = read_number(shift, "shift")
    if not is_blank(method):
        options["method"] = read_choice(method, "method", entropy.METHODS)
    return entropy.entropy_weights(frame, **options), names


@excel_function(
    "Entropy weight of each indicator (column). Spills one row of weights that "
    "sum to 1, under the indicator names when the data has them.",
    data=range_arg(_DATA_DOC),
    directions=range_arg(_DIRECTIONS_DOC),
    shift=scalar_arg(_SHIFT_DOC),
    method=scalar_arg(_METHOD_DOC),
)
def ENTROPY_WEIGHTS(
    data: Any, directions: Any = None, shift: Any = None, method: Any = None
) -> list[list[Any]]:
    r"""Entropy weights of the indicators of a range, as a spilled row.

    Parameters
    ----------
    data : range
        Samples in rows, indicators in columns. If every filled cell of the
        first row is text, that row names the indicators.
    directions : range, optional
        One row (or column) of ``1`` / ``"+"`` (benefit) or ``-1`` / ``"-"``
        (cost), one per indicator; blank means every indicator is a benefit.
    shift : number, optional
        As :func:`xlree.entropy.entropy_weights`; blank means its default.
    method : str, optional
        ``"minmax"`` (default) or ``"proportion"``.

    Returns
    -------
    list of lists
        One row of weights :math:`w_j = d_j / \sum_k d_k`, or two rows (names,
        weights) when the data has a row of names.

    Notes
    -----
    A sample (row) with a blank cell is left out of the weights
    (``missing="drop"`` of the core); the log names the rows. The formulas are
    in :mod:`xlree.entropy`.
    """
    result, names = _entropy_result(data, directions, shift, method)
    weights = result.weights.to_numpy(dtype=float).tolist()
    return [names, weights] if names is not None else [weights]


@excel_function(
    "Composite entropy-weighted score of each sample (row), as a column. A "
    "sample with a blank cell gets an empty score.",
    data=range_arg(_DATA_DOC),
    directions=range_arg(_DIRECTIONS_DOC),
    shift=scalar_arg(_SHIFT_DOC),
    method=scalar_arg(_METHOD_DOC),
)
def ENTROPY_SCORES(
    data: Any, directions: Any = None, shift: Any = None, method: Any = None
) -> list[list[Any]]:
    r"""Composite scores :math:`S_i = \sum_j w_j z_{ij}`, one per sample row.

    Parameters
    ----------
    data, directions, shift, method
        As :func:`ENTROPY_WEIGHTS`.

    Returns
    -------
    list of lists
        A column with one score per sample row; when the data has a row of
        names, the column starts with the header "score" so that it lines up
        with the data. A sample left out for a blank cell has an empty score.
    """
    result, names = _entropy_result(data, directions, shift, method)
    scores = result.scores.to_numpy(dtype=float).reshape(-1, 1)
    if names is None:
        return scores
    return [[SCORE_HEADER], *scores.tolist()]


# --- RCA ----------------------------------------------------------------------

_EXPORTS_DOC = "Exports: exporters in rows, products in columns."
_COUNTRY_TOTALS_DOC = (
    "Optional: each exporter's total exports (one per row of exports). "
    "Default: the row sums."
)
_PRODUCT_TOTALS_DOC = (
    "Optional: world exports of each product (one per column of exports). "
    "Default: the column sums."
)
_WORLD_TOTAL_DOC = "Optional: total world exports. Default: the sum of exports."


def _rca_inputs(
    exports: Any, country_totals: Any, world_product_totals: Any, world_total: Any
) -> tuple[np.ndarray, dict[str, Any]]:
    """The exports as an array and the totals that were given, as the core takes.

    Arrays rather than frames: the core then names cells "row i, column j" of
    the range, as a spreadsheet user counts them.
    """
    values = read_matrix(exports, "exports")
    rows, columns = values.shape
    totals: dict[str, Any] = {}
    if not is_blank(country_totals):
        totals["country_totals"] = read_vector(
            country_totals, "country_totals", rows, "one per row of exports"
        )
    if not is_blank(world_product_totals):
        totals["world_product_totals"] = read_vector(
            world_product_totals,
            "world_product_totals",
            columns,
            "one per column of exports",
        )
    if not is_blank(world_total):
        totals["world_total"] = read_number(world_total, "world_total")
    return values, totals


def _rca_arguments(help: str) -> Any:
    """The registration shared by RCA, RSCA and NORM_RCA (same arguments)."""
    return excel_function(
        help,
        exports=range_arg(_EXPORTS_DOC),
        country_totals=range_arg(_COUNTRY_TOTALS_DOC),
        world_product_totals=range_arg(_PRODUCT_TOTALS_DOC),
        world_total=scalar_arg(_WORLD_TOTAL_DOC),
    )


@_rca_arguments(
    "Balassa's revealed comparative advantage of each exporter (row) in each "
    "product (column); spills a table of the shape of exports."
)
def RCA(
    exports: Any,
    country_totals: Any = None,
    world_product_totals: Any = None,
    world_total: Any = None,
) -> list[list[Any]]:
    r"""Balassa RCA, :math:`(x_{cp} / X_c) / (W_p / W)`, cell by cell.

    Parameters
    ----------
    exports : range
        :math:`x_{cp}`: exporters in rows, products in columns.
    country_totals : range, optional
        :math:`X_c`, one per exporter row (a row or a column); blank: row sums.
    world_product_totals : range, optional
        :math:`W_p`, one per product column; blank: column sums.
    world_total : number, optional
        :math:`W`; blank: the sum of ``exports``.

    Returns
    -------
    list of lists
        A table of the shape of ``exports`` (see :func:`xlree.rca.rca`).
    """
    values, totals = _rca_inputs(
        exports, country_totals, world_product_totals, world_total
    )
    return rca.rca(values, **totals)


@_rca_arguments(
    "Symmetric RCA, (RCA - 1) / (RCA + 1), in [-1, 1], of each exporter (row) "
    "in each product (column); spills a table of the shape of exports."
)
def RSCA(
    exports: Any,
    country_totals: Any = None,
    world_product_totals: Any = None,
    world_total: Any = None,
) -> list[list[Any]]:
    """Revealed symmetric comparative advantage (Dalum et al. 1998).

    Parameters
    ----------
    exports, country_totals, world_product_totals, world_total
        As :func:`RCA`.

    Returns
    -------
    list of lists
        A table of the shape of ``exports`` (see :func:`xlree.rca.rsca`).
    """
    values, totals = _rca_inputs(
        exports, country_totals, world_product_totals, world_total
    )
    return rca.rsca(values, **totals)


@_rca_arguments(
    "Normalized RCA (Yu, Cai & Leung 2009) of each exporter (row) in each "
    "product (column); rows and columns sum to 0. Spills the shape of exports."
)
def NORM_RCA(
    exports: Any,
    country_totals: Any = None,
    world_product_totals: Any = None,
    world_total: Any = None,
) -> list[list[Any]]:
    """Normalized revealed comparative advantage (Yu, Cai & Leung 2009).

    Parameters
    ----------
    exports, country_totals, world_product_totals, world_total
        As :func:`RCA`.

    Returns
    -------
    list of lists
        A table of the shape of ``exports`` (see
        :func:`xlree.rca.normalized_rca`).
    """
    values, totals = _rca_inputs(
        exports, country_totals, world_product_totals, world_total
    )
    return rca.normalized_rca(values, **totals)


@excel_function(
    "RCA weighted by each exporter's entropy composite score: one score per "
    "exporter row. Spills a table of the shape of exports.",
    exports=range_arg(_EXPORTS_DOC),
    scores=range_arg(
        "Composite score (>= 0) of each exporter, one per row of exports, e.g. "
        "from ENTROPY_SCORES; a row or a column."
    ),
    country_totals=range_arg(_COUNTRY_TOTALS_DOC),
    world_product_totals=range_arg(_PRODUCT_TOTALS_DOC),
    world_total=scalar_arg(_WORLD_TOTAL_DOC),
    variant=scalar_arg(
        'Optional: "relative" (default: RCA x score / mean score) or "product" '
        "(RCA x score)."
    ),
)
def NRCA(
    exports: Any,
    scores: Any,
    country_totals: Any = None,
    world_product_totals: Any = None,
    world_total: Any = None,
    variant: Any = None,
) -> list[list[Any]]:
    r"""RCA weighted by the exporters' composite scores (:func:`xlree.rca.nrca`).

    Parameters
    ----------
    exports, country_totals, world_product_totals, world_total
        As :func:`RCA`.
    scores : range
        :math:`S_i`, one per exporter row (a row or a column), >= 0. A blank
        score gives a blank row of results.
    variant : str, optional
        ``"relative"`` (default), :math:`RCA_{ij} S_i / \bar S`, or
        ``"product"``, :math:`RCA_{ij} S_i`.

    Returns
    -------
    list of lists
        A table of the shape of ``exports``.
    """
    values, totals = _rca_inputs(
        exports, country_totals, world_product_totals, world_total
    )
    score_values = read_vector(
        scores, "scores", values.shape[0], "one per row of exports"
    )
    options = {}
    if not is_blank(variant):
        options["variant"] = read_choice(variant, "variant", rca.NRCA_VARIANTS)
    return rca.nrca(rca.rca(values, **totals), score_values, **options)


@excel_function(
    "Share of each exporter (row) in world exports of each product (column). "
    "Spills a table of the shape of exports.",
    exports=range_arg(_EXPORTS_DOC),
    world=range_arg(
        "World exports: the shape of exports, or one row of product totals "
        "applied to every row of exports."
    ),
)
def MARKET_SHARE(exports: Any, world: Any) -> list[list[Any]]:
    """Market shares :math:`X_{ij} / W_{ij}` (:func:`xlree.rca.market_share`).

    Parameters
    ----------
    exports : range
        Exporters in rows, products in columns.
    world : range
        The shape of ``exports``, or one row with a total per product that
        applies to every row. Blank where the world did not trade: blank share.

    Returns
    -------
    list of lists
        Shares in [0, 1], a table of the shape of ``exports``.
    """
    values = read_matrix(exports, "exports")
    world_values = read_matrix(world, "world")
    if world_values.shape[0] == 1 and values.shape[0] > 1:
        world_values = world_values[0]
    return rca.market_share(values, world_values)


@excel_function(
    "Trade competitiveness index (X - M) / (X + M), in [-1, 1], cell by cell. "
    "Spills a table of the shape of exports.",
    exports=range_arg("Exports; any shape."),
    imports=range_arg("Imports of the same cells, same shape as exports."),
)
def TC_INDEX(exports: Any, imports: Any) -> list[list[Any]]:
    """Trade competitiveness index (:func:`xlree.rca.trade_competitiveness`).

    Parameters
    ----------
    exports, imports : range
        Same shape, >= 0.

    Returns
    -------
    list of lists
        :math:`(X - M) / (X + M)` per cell; blank where there is no trade.
    """
    return rca.trade_competitiveness(
        read_matrix(exports, "exports"), read_matrix(imports, "imports")
    )
