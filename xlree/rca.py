r"""Revealed comparative advantage and its relatives.

Notation: :math:`X_{ij}` exports of product :math:`j` by exporter :math:`i`;
:math:`X_i` exporter :math:`i`'s total exports (all goods), :math:`X_j^W` world
exports of product :math:`j`, :math:`X^W` total world exports.

- Balassa (1965) revealed comparative advantage:

  .. math:: RCA_{ij} = \frac{X_{ij} / X_i}{X_j^W / X^W}.

  Above 1: product :math:`j` weighs more in :math:`i`'s exports than in the
  world's (a revealed advantage).
- Revealed symmetric comparative advantage (Dalum, Laursen & Villumsen 1998):

  .. math:: RSCA_{ij} = \frac{RCA_{ij} - 1}{RCA_{ij} + 1} \in [-1, 1),

  symmetric around 0, so it can be averaged and regressed.
- Normalized RCA (Yu, Cai & Leung 2009, eq. 6):

  .. math:: NRCA_{ij} = \frac{X_{ij}}{X^W} - \frac{X_i X_j^W}{(X^W)^2},

  the deviation of actual exports from their comparative-advantage-neutral
  level, scaled by world exports. When the denominators are the matrix's
  own sums every row and every column sums to zero.
- Market share :math:`X_{ij} / W_{ij}` and the trade competitiveness index
  (Lafay 1992; the "trade specialisation coefficient")

  .. math:: TC_{ij} = \frac{X_{ij} - M_{ij}}{X_{ij} + M_{ij}} \in [-1, 1].

- :func:`nrca` ("new RCA" of this package's study): RCA weighted by an
  exporter's entropy composite score, see its docstring.

Conventions
-----------
- ``exports`` is exporters x products. A DataFrame keeps its labels and the
  result is a DataFrame; any other 2-D array-like gives a numpy array.
- Denominators left out are the matrix's own sums: :math:`X_i` row sums,
  :math:`X_j^W` column sums, :math:`X^W` the grand sum. Give all three when
  the matrix covers only some products or exporters (the usual case: the
  study's few rare-earth codes against total merchandise exports).
- Explicit denominators are Series aligned by label (exporters, products) or
  1-D array-likes in row/column order.
- A missing export cell gives NaN in its own cell and counts as 0 in the
  default sums. A missing denominator (an exporter or product absent from the
  Series, or NaN) gives NaN for its row or column, with a warning naming it.
  A zero denominator with zero exports (nothing traded) gives NaN with a
  warning; a denominator smaller than the exports it should contain is an
  error.

References
----------
Balassa, B. (1965). Trade liberalisation and "revealed" comparative
advantage. *The Manchester School*, 33(2), 99-123.

Dalum, B., Laursen, K., & Villumsen, G. (1998). Structural change in OECD
export specialisation patterns: de-specialisation and 'stickiness'.
*International Review of Applied Economics*, 12(3), 423-443.

Yu, R., Cai, J., & Leung, P. (2009). The normalized revealed comparative
advantage index. *The Annals of Regional Science*, 43(1), 267-282.

Lafay, G. (1992). The measurement of revealed comparative advantages. In
M. G. Dagenais & P.-A. Muet (Eds.), *International Trade Modelling*
(pp. 209-234). Chapman & Hall.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from xlree._validation import (
    XlreeError,
    as_matrix,
    check_choice,
    check_nonnegative,
    check_same_shape,
    show_label,
    warn,
)

__all__ = [
    "NRCA_VARIANTS",
    "market_share",
    "normalized_rca",
    "nrca",
    "rca",
    "rsca",
    "trade_competitiveness",
]

NRCA_VARIANTS = ("relative", "product")
# Totals read from a spreadsheet may be rounded; allow this relative slack
# before calling a total smaller than the exports it contains.
_TOLERANCE = 1e-9


def rca(
    exports: Any,
    country_totals: Any = None,
    world_product_totals: Any = None,
    world_total: float | None = None,
) -> pd.DataFrame | np.ndarray:
    r"""Balassa's revealed comparative advantage of each exporter in each product.

    Parameters
    ----------
    exports : pandas.DataFrame or 2-D array-like
        Exports :math:`X_{ij}`, exporters in rows, products in columns; >= 0.
    country_totals : pandas.Series or 1-D array-like, optional
        :math:`X_i`, each exporter's total exports. Default: row sums.
    world_product_totals : pandas.Series or 1-D array-like, optional
        :math:`X_j^W`, world exports of each product. Default: column sums.
    world_total : float, optional
        :math:`X^W`, total world exports. Default: the grand sum.

    Returns
    -------
    pandas.DataFrame or numpy.ndarray
        :math:`RCA_{ij} = (X_{ij} / X_i) / (X_j^W / X^W)`, shaped like
        ``exports``.

    Raises
    ------
    XlreeError
        A negative value (its position named); a total smaller than the
        exports it contains (the country or product named); a world total
        that is not positive.

    References
    ----------
    Balassa (1965), *The Manchester School*, 33(2), 99-123.

    Examples
    --------
    >>> import pandas as pd
    >>> exports = pd.DataFrame({"metal": [30.0, 10.0], "magnet": [20.0, 40.0]},
    ...                        index=["CN", "JP"])
    >>> rca(exports)
        metal    magnet
    CN    1.5  0.666667
    JP    0.5  1.333333
    """
    frame, values = _exports(exports, "exports")
    rows, columns, total = _denominators(
        frame, values, country_totals, world_product_totals, world_total
    )
    # A zero denominator left here has only zeros above it: 0/0, flagged NaN.
    with np.errstate(divide="ignore", invalid="ignore"):
        result = (values / rows[:, None]) / (columns[None, :] / total)
    return _like(result, frame)


def rsca(
    exports: Any,
    country_totals: Any = None,
    world_product_totals: Any = None,
    world_total: float | None = None,
) -> pd.DataFrame | np.ndarray:
    r"""Revealed symmetric comparative advantage, :math:`(RCA - 1) / (RCA + 1)`.

    Takes the arguments of :func:`rca`. The result lies in [-1, 1): -1 for a
    product not exported at all, 0 at the neutral RCA of 1, approaching 1 as
    RCA grows (Dalum, Laursen & Villumsen 1998).

    Examples
    --------
    >>> rsca([[30.0, 20.0], [10.0, 40.0]]).round(4)
    array([[ 0.2   , -0.2   ],
           [-0.3333,  0.1429]])
    """
    advantage = rca(exports, country_totals, world_product_totals, world_total)
    return (advantage - 1.0) / (advantage + 1.0)


def normalized_rca(
    exports: Any,
    country_totals: Any = None,
    world_product_totals: Any = None,
    world_total: float | None = None,
) -> pd.DataFrame | np.ndarray:
    r"""Normalized RCA of Yu, Cai & Leung (2009).

    Takes the arguments of :func:`rca` and returns

    .. math:: NRCA_{ij} = \frac{X_{ij}}{X^W} - \frac{X_i X_j^W}{(X^W)^2}.

    Notes
    -----
    Positive values mean exports above the comparative-advantage-neutral
    level :math:`X_i X_j^W / X^W`. Unlike RCA the index is comparable across
    exporters, products and years, and with the matrix's own sums every row
    and column sums to zero. It is small in absolute value (shares of world
    exports); multiply by 1000 for display, as Yu et al. do.

    References
    ----------
    Yu, Cai & Leung (2009), *The Annals of Regional Science*, 43(1), 267-282.

    Examples
    --------
    >>> normalized_rca([[30.0, 20.0], [10.0, 40.0]])
    array([[ 0.1, -0.1],
           [-0.1,  0.1]])
    """
    frame, values = _exports(exports, "exports")
    rows, columns, total = _denominators(
        frame, values, country_totals, world_product_totals, world_total
    )
    result = values / total - np.outer(rows, columns) / total**2
    return _like(result, frame)


def market_share(exports: Any, world: Any) -> pd.DataFrame | np.ndarray:
    r"""Share of each exporter in world exports of each product, :math:`X_{ij}/W_j`.

    Parameters
    ----------
    exports : pandas.DataFrame or 2-D array-like
        Exporters x products, >= 0.
    world : pandas.DataFrame, pandas.Series or array-like
        World exports: the shape of ``exports`` (e.g. one market per column),
        or one value per product (a Series aligned on the columns, or a 1-D
        array) applied to every row.

    Returns
    -------
    pandas.DataFrame or numpy.ndarray
        Shares in [0, 1]; NaN where world exports are 0 or missing.

    Raises
    ------
    XlreeError
        Negative values, a shape mismatch, or exports above the world's (the
        position named).

    Examples
    --------
    >>> market_share([[30.0, 20.0], [10.0, 40.0]], [100.0, 80.0])
    array([[0.3 , 0.25],
           [0.1 , 0.5 ]])
    """
    frame, values = _exports(exports, "exports")
    world_values = _world_matrix(world, frame, values.shape)
    check_nonnegative(world_values, "world")
    above = values > world_values * (1 + _TOLERANCE)
    if above.any():
        row, column = (int(i) for i in np.argwhere(above)[0])
        raise XlreeError(
            f"world: world exports are smaller than the exporter's at "
            f"{_where(frame, row, column)} ({world_values[row, column]:g} < "
            f"{values[row, column]:g})."
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        share = values / world_values
    # 0/0: nothing traded in the world, no share to speak of.
    share[world_values == 0] = np.nan
    return _like(share, frame)


def trade_competitiveness(exports: Any, imports: Any) -> pd.DataFrame | np.ndarray:
    r"""Trade competitiveness index :math:`(X - M) / (X + M)`.

    Parameters
    ----------
    exports, imports : pandas.DataFrame or 2-D array-like
        Same shape (and labels, for DataFrames), >= 0.

    Returns
    -------
    pandas.DataFrame or numpy.ndarray
        Values in [-1, 1]: 1 for a pure exporter, -1 for a pure importer. NaN
        where :math:`X + M = 0` (no trade at all, nothing to compare).

    References
    ----------
    Lafay (1992), in *International Trade Modelling*, 209-234.

    Examples
    --------
    >>> trade_competitiveness([[30.0, 0.0]], [[10.0, 0.0]])
    array([[0.5, nan]])
    """
    frame, export_values = _exports(exports, "exports")
    import_frame, import_values = _exports(imports, "imports")
    check_same_shape(exports=export_values, imports=import_values)
    if frame is not None and import_frame is not None:
        import_values = _aligned(import_frame, frame, "imports")
    balance = export_values + import_values
    with np.errstate(divide="ignore", invalid="ignore"):
        index = (export_values - import_values) / balance
    index[balance == 0] = np.nan
    return _like(index, frame)


def nrca(
    rca_values: Any, scores: Any, variant: str = "relative"
) -> pd.DataFrame | np.ndarray:
    r"""RCA weighted by each exporter's entropy composite score.

    Parameters
    ----------
    rca_values : pandas.DataFrame or 2-D array-like
        RCA, exporters x products (from :func:`rca`).
    scores : pandas.Series or 1-D array-like
        Composite score :math:`S_i` of each exporter, >= 0, e.g. one year of
        :attr:`xlree.entropy.EntropyResult.scores`
        (``result.scores.xs(2019, level="year")``). A Series is aligned on
        the exporters.
    variant : {"relative", "product"}
        ``"product"``: :math:`RCA_{ij} \, S_i`. ``"relative"`` (default):
        :math:`RCA_{ij} \, S_i / \bar S`, with :math:`\bar S` the mean score
        of the exporters present in ``rca_values``.

    Returns
    -------
    pandas.DataFrame or numpy.ndarray
        Shaped like ``rca_values``. Exporters without a score get NaN, with a
        warning naming them.

    Notes
    -----
    The relative variant is the default because it is scale-free: scores of
    the min-max entropy method depend on the sample they were computed on,
    and dividing by their mean removes that scale. An exporter of average
    capability keeps its RCA, so 1 stays the neutral threshold on average,
    and values stay comparable with plain RCA. The product variant shrinks
    every value (scores lie in [0, 1]), so its threshold is no longer 1.

    Examples
    --------
    >>> nrca([[1.5, 0.75], [0.5, 1.25]], [0.8, 0.4])
    array([[2.        , 1.        ],
           [0.33333333, 0.83333333]])
    """
    variant = check_choice(variant, "variant", NRCA_VARIANTS)
    frame = rca_values if isinstance(rca_values, pd.DataFrame) else None
    values = as_matrix(rca_values, "rca_values")
    labels = None if frame is None else frame.index
    weights = _vector(scores, "scores", labels, values.shape[0])
    check_nonnegative(weights, "scores", what="scores")
    missing = np.isnan(weights)
    if missing.any():
        warn(
            f"nrca: no score for exporter(s) {_names(frame, missing, 0)}; "
            "their NRCA is NaN."
        )
    if missing.all():
        raise XlreeError("scores: no exporter of rca_values has a score.")
    if variant == "relative":
        mean_score = weights[~missing].mean()
        if mean_score <= 0:
            raise XlreeError(
                "scores: the mean score of the exporters is 0; the relative "
                "variant needs at least one positive score."
            )
        weights = weights / mean_score
    return _like(values * weights[:, None], frame)


# --- helpers -------------------------------------------------------------------


def _exports(value: Any, name: str) -> tuple[pd.DataFrame | None, np.ndarray]:
    values = as_matrix(value, name)
    check_nonnegative(values, name)
    return (value if isinstance(value, pd.DataFrame) else None), values


def _like(values: np.ndarray, frame: pd.DataFrame | None) -> Any:
    if frame is None:
        return values
    return pd.DataFrame(values, index=frame.index, columns=frame.columns)


def _label(frame: pd.DataFrame | None, axis: int, position: int) -> str:
    if frame is None:
        return f"{('row', 'column')[axis]} {position + 1}"
    return show_label(frame.axes[axis][position])


def _names(frame: pd.DataFrame | None, mask: np.ndarray, axis: int) -> str:
    return ", ".join(_label(frame, axis, int(i)) for i in np.flatnonzero(mask))


def _where(frame: pd.DataFrame | None, row: int, column: int) -> str:
    if frame is None:
        return f"row {row + 1}, column {column + 1}"
    return f"exporter {_label(frame, 0, row)}, product {_label(frame, 1, column)}"


def _aligned(other: pd.DataFrame, frame: pd.DataFrame, name: str) -> np.ndarray:
    if other.index.equals(frame.index) and other.columns.equals(frame.columns):
        return as_matrix(other, name)
    if set(other.index) == set(frame.index) and set(other.columns) == set(
        frame.columns
    ):
        return as_matrix(other.loc[frame.index, frame.columns], name)
    raise XlreeError(
        f"{name}: expected the exporters and products of exports; the labels differ."
    )


def _vector(value: Any, name: str, labels: pd.Index | None, length: int) -> np.ndarray:
    """A 1-D float array in the order of ``labels`` (Series aligned by label)."""
    if isinstance(value, pd.Series) and labels is not None:
        value = value.reindex(labels)
    values = as_matrix(value, name, ndim=1)
    if values.shape[0] != length:
        raise XlreeError(f"{name}: expected {length} values, got {values.shape[0]}.")
    return values


def _world_matrix(world: Any, frame: pd.DataFrame | None, shape: tuple) -> np.ndarray:
    if isinstance(world, pd.DataFrame):
        if frame is not None:
            return _aligned(world, frame, "world")
        values = as_matrix(world, "world")
    elif isinstance(world, pd.Series) or np.ndim(world) == 1:
        columns = None if frame is None else frame.columns
        values = np.broadcast_to(_vector(world, "world", columns, shape[1]), shape)
    else:
        values = as_matrix(world, "world")
    check_same_shape(exports=np.empty(shape), world=values)
    return np.array(values, dtype=float)


def _denominators(
    frame: pd.DataFrame | None,
    values: np.ndarray,
    country_totals: Any,
    world_product_totals: Any,
    world_total: Any,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Return X_i, X_j^W and X^W, checked against the exports they contain."""
    row_sums = np.nansum(values, axis=1)
    column_sums = np.nansum(values, axis=0)
    index = None if frame is None else frame.index
    columns = None if frame is None else frame.columns

    if country_totals is None:
        rows = row_sums
    else:
        rows = _vector(country_totals, "country_totals", index, values.shape[0])
        check_nonnegative(rows, "country_totals")
        _check_contains(rows, row_sums, "country_totals", "country", frame, 0)
    if world_product_totals is None:
        columns_total = column_sums
    else:
        columns_total = _vector(
            world_product_totals, "world_product_totals", columns, values.shape[1]
        )
        check_nonnegative(columns_total, "world_product_totals")
        _check_contains(
            columns_total, column_sums, "world_product_totals", "product", frame, 1
        )
    total = _world_total(world_total, values, rows, columns_total)

    for name, vector, axis in (
        ("country_totals", rows, 0),
        ("world_product_totals", columns_total, 1),
    ):
        unknown = np.isnan(vector)
        if unknown.any():
            warn(
                f"{name}: no value for {_names(frame, unknown, axis)}; "
                "their RCA is NaN."
            )
        empty = vector == 0
        if empty.any():
            warn(
                f"{name}: {_names(frame, empty, axis)} exported nothing; "
                "their RCA is NaN (0/0)."
            )
    return rows, columns_total, total


def _check_contains(
    totals: np.ndarray,
    sums: np.ndarray,
    name: str,
    what: str,
    frame: pd.DataFrame | None,
    axis: int,
) -> None:
    short = sums > totals * (1 + _TOLERANCE)
    if short.any():
        position = int(np.argmax(short))
        raise XlreeError(
            f"{name}: the total of {what} {_label(frame, axis, position)} "
            f"({totals[position]:g}) is smaller than the sum of its exports in "
            f"the matrix ({sums[position]:g})."
        )


def _world_total(
    world_total: Any, values: np.ndarray, rows: np.ndarray, columns: np.ndarray
) -> float:
    if world_total is None:
        return float(np.nansum(values))
    is_number = isinstance(world_total, int | float | np.number)
    if isinstance(world_total, bool) or not is_number or not world_total > 0:
        raise XlreeError(
            f"world_total: expected a positive number, got {world_total!r}."
        )
    for name, parts in (("country_totals", rows), ("world_product_totals", columns)):
        if np.nansum(parts) > world_total * (1 + _TOLERANCE):
            raise XlreeError(
                f"world_total: {world_total:g} is smaller than the sum of "
                f"{name} ({np.nansum(parts):g})."
            )
    return float(world_total)
