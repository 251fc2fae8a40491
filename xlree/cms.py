r"""Constant-market-share (CMS) decomposition of an exporter's export growth.

Notation: :math:`q` is the exporter's exports, :math:`Q` world exports, cells
are product :math:`i` x market :math:`j`, years 0 (base) and 1. A dropped index
means a sum (:math:`q_{i} = \sum_j q_{ij}`, :math:`Q = \sum_{ij} Q_{ij}`), shares
are :math:`S = q / Q` at the level of their indices (:math:`S_i = q_i / Q_i` is
the share in product :math:`i` over all markets, :math:`S` the aggregate share),
:math:`\Delta X = X^1 - X^0` and :math:`r = Q^1 / Q^0 - 1`. With

.. math::

    A = \sum_{ij} S^0_{ij} \Delta Q_{ij}, \quad
    B = \sum_i S^0_i \Delta Q_i, \quad
    C = \sum_j S^0_j \Delta Q_j,

the methods split :math:`q^1 - q^0` as follows (``METHODS``).

``"leamer-stern"`` (Leamer & Stern 1970, ch. 7, commodity first):
world growth :math:`r q^0 = S^0 \Delta Q`, commodity composition
:math:`\sum_i (r_i - r) q^0_i = B - S^0 \Delta Q`, market distribution
:math:`\sum_{ij} (r_{ij} - r_i) q^0_{ij} = A - B`, competitiveness (residual)
:math:`q^1 - q^0 - A`. ``"leamer-stern-market"`` takes markets first: market
distribution :math:`C - S^0 \Delta Q`, commodity composition :math:`A - C`.

``"jepma"`` (Jepma 1986; the two-level form of Fagerberg & Sollie 1987):

.. math::

    q^1 - q^0 = \underbrace{\sum_{ij} S^0_{ij} \Delta Q_{ij}}_{\text{structural}}
    + \underbrace{\sum_{ij} \Delta S_{ij} Q^0_{ij}}_{\text{competitive}}
    + \underbrace{\sum_{ij} \Delta S_{ij} \Delta Q_{ij}}_{\text{second order}}

structural = world growth :math:`S^0 \Delta Q` + market structure
:math:`A - B` + commodity structure :math:`A - C` + structural interaction
:math:`(B - S^0 \Delta Q) - (A - C)`; competitive = general :math:`\Delta S\,Q^0`
+ specific (the rest); second order = pure
:math:`(Q^1 / Q^0 - 1) \sum_{ij} \Delta S_{ij} Q^0_{ij}` + dynamic structural
residual (the rest).

``"symmetric"`` (index-number form free of base-year bias, Milana 1988, with
Bennet's 1920 arithmetic-mean weights): with :math:`\bar S = (S^0 + S^1) / 2` and
:math:`\bar Q = (Q^0 + Q^1) / 2` at every level, cell by cell
:math:`q^1_{ij} - q^0_{ij} = \bar S_{ij} \Delta Q_{ij} + \Delta S_{ij} \bar Q_{ij}`
exactly, so there is no second-order term. The structural part
:math:`\sum \bar S_{ij} \Delta Q_{ij}` is split like Jepma's with :math:`\bar A,
\bar B, \bar C` built from the average shares (:math:`\bar S_i = (S^0_i + S^1_i)
/ 2`, not :math:`\bar q_i / \bar Q_i`); the competitive part into general
:math:`\Delta S\,\bar Q` and specific (the rest). Swapping the two years negates
every effect.

Conventions
-----------
- Every effect adds up to :math:`q^1 - q^0` to floating-point precision: the
  residuals are defined as the rest, and shares satisfy :math:`S Q = q` exactly.
- A share whose world flow is 0 is 0. The exporter cannot sell more than the
  world (``q > Q`` is an error), so :math:`Q_{ij} = 0` forces :math:`q_{ij} = 0`
  and :math:`S_{ij} Q_{ij} = q_{ij}` still holds. A market that opens
  (:math:`Q^0_{ij} = 0 < Q^1_{ij}`) adds nothing to the structural or competitive
  effects; its :math:`q^1_{ij}` enters the second-order effect (Jepma) or the
  competitive effect (symmetric), or the competitiveness residual (Leamer-Stern).
  Its growth rate :math:`r_{ij}` is undefined and NaN in :attr:`CMSResult.cells`.
- World exports summing to 0 in the base year leave nothing to decompose: error.
- Blank (NaN) inputs mean no trade: they are read as 0 with an
  :class:`~xlree.XlreeWarning` naming the cells, as Excel ranges leave zero
  flows blank.

References
----------
.. [1] Leamer, E. E. and Stern, R. M. (1970). *Quantitative International
   Economics*, ch. 7. Boston: Allyn and Bacon.
.. [2] Jepma, C. J. (1986). *Extensions and Application Possibilities of the
   Constant Market Shares Analysis*. PhD thesis, University of Groningen.
.. [3] Fagerberg, J. and Sollie, G. (1987). The method of constant market
   shares analysis reconsidered. *Applied Economics*, 19(12), 1571-1583.
.. [4] Milana, C. (1988). Constant-market-shares analysis and index number
   theory. *European Journal of Political Economy*, 4(4), 453-478.
.. [5] Bennet, T. L. (1920). The theory of measurement of changes in cost of
   living. *Journal of the Royal Statistical Society*, 83(3), 455-462.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from xlree._cms_inputs import (
    _aligned_frames,
    _blank_as_zero,
    _check_breaks,
    _check_flows,
    _check_within_world,
    _period_frames,
    _segment_groups,
)
from xlree._validation import XlreeError, check_choice, check_nonnegative

__all__ = ["METHODS", "CMSResult", "cms_decompose", "cms_periods"]

METHODS = ("jepma", "leamer-stern", "leamer-stern-market", "symmetric")

TOTAL = "total change"
_STRUCTURAL_TWO_LEVEL = (
    "world growth",
    "market structure",
    "commodity structure",
    "structural interaction",
)
_COMPETITIVE = ("general competitive", "specific competitive")
_SECOND_ORDER = ("pure second-order", "dynamic structural residual")

_LEAMER_STERN = ("world growth", "commodity composition", "market distribution")
_LEAMER_STERN_MARKET = ("world growth", "market distribution", "commodity composition")
_RESIDUAL = (None, ("competitiveness",))

# Display order per method: (subtotal or None, its leaf effects), total last.
_LAYOUTS: dict[str, tuple[tuple[str | None, tuple[str, ...]], ...]] = {
    "jepma": (
        ("structural effect", _STRUCTURAL_TWO_LEVEL),
        ("competitive effect", _COMPETITIVE),
        ("second-order effect", _SECOND_ORDER),
    ),
    "leamer-stern": (("structural effect", _LEAMER_STERN), _RESIDUAL),
    "leamer-stern-market": (("structural effect", _LEAMER_STERN_MARKET), _RESIDUAL),
    "symmetric": (
        ("structural effect", _STRUCTURAL_TWO_LEVEL),
        ("competitive effect", _COMPETITIVE),
    ),
}


@dataclass(frozen=True, eq=False)
class CMSResult:
    """The effects of one CMS decomposition.

    Attributes
    ----------
    method : str
        One of :data:`METHODS`.
    total_change : float
        :math:`q^1 - q^0`, the change in the exporter's exports.
    effects : pandas.Series
        Leaf effects in display order; they sum to ``total_change``.
    cells : pandas.DataFrame
        The intermediate table, one row per (product, market): ``exports_t0``
        (:math:`q^0_{ij}`), ``exports_t1``, ``world_t0`` (:math:`Q^0_{ij}`),
        ``world_t1``, ``share_t0`` (:math:`S^0_{ij}`), ``share_t1``,
        ``share_change`` (:math:`\\Delta S_{ij}`) and ``world_growth``
        (:math:`r_{ij}`, NaN where :math:`Q^0_{ij} = 0`).
    """

    method: str
    total_change: float
    effects: pd.Series
    cells: pd.DataFrame

    def table(self) -> pd.DataFrame:
        """Effects, subtotals and the total in display order.

        Returns
        -------
        pandas.DataFrame
            Columns ``effect``, ``level`` ("effect", "subtotal" or "total"),
            ``value`` and ``share`` (value / total change; NaN when the total
            change is 0). Subtotals follow their effects; "total change" is last.
        """
        rows = []
        for subtotal, leaves in _LAYOUTS[self.method]:
            rows += [(leaf, "effect", float(self.effects[leaf])) for leaf in leaves]
            if subtotal is not None:
                value = float(self.effects[list(leaves)].sum())
                rows.append((subtotal, "subtotal", value))
        rows.append((TOTAL, "total", float(self.total_change)))
        table = pd.DataFrame(rows, columns=["effect", "level", "value"])
        if self.total_change == 0:
            table["share"] = np.nan
        else:
            table["share"] = table["value"] / self.total_change
        return table


def cms_decompose(
    exports_t0: Any,
    exports_t1: Any,
    world_t0: Any,
    world_t1: Any,
    method: str = "jepma",
) -> CMSResult:
    r"""Decompose the change in an exporter's exports between two years.

    Parameters
    ----------
    exports_t0, exports_t1 : DataFrame, Series or 2-D array-like
        The exporter's exports :math:`q^0, q^1`: products in rows, markets in
        columns. A Series is one column (the world as one market). All four
        arguments have the same shape; labelled ones the same labels (their
        order may differ: they are aligned on ``exports_t0``'s).
    world_t0, world_t1 : DataFrame, Series or 2-D array-like
        World exports :math:`Q^0, Q^1` of the same cells, the exporter included.
    method : {"jepma", "leamer-stern", "leamer-stern-market", "symmetric"}
        The decomposition; see the module docstring for every formula.

    Returns
    -------
    CMSResult
        ``effects`` sum to ``total_change``; ``table()`` adds the subtotals and
        ``cells`` holds the shares and growth rates per cell.

    Raises
    ------
    XlreeError
        Text or negative values, shapes or labels that differ, exports above
        world exports in a cell, or world exports summing to 0 in year 0.

    Notes
    -----
    Blank (NaN) cells are read as 0 with an :class:`~xlree.XlreeWarning`. A cell
    with no world trade has share 0; see the module docstring for where a
    market that opens between the years ends up.

    References
    ----------
    Leamer & Stern (1970); Jepma (1986); Milana (1988): see :mod:`xlree.cms`.

    Examples
    --------
    >>> q0 = pd.DataFrame({"US": [10, 5], "JP": [20, 15]}, index=["a", "b"])
    >>> q1 = pd.DataFrame({"US": [18, 6], "JP": [22, 30]}, index=["a", "b"])
    >>> w0 = pd.DataFrame({"US": [100, 50], "JP": [100, 150]}, index=["a", "b"])
    >>> w1 = pd.DataFrame({"US": [150, 50], "JP": [120, 200]}, index=["a", "b"])
    >>> result = cms_decompose(q0, q1, w0, w1, method="leamer-stern")
    >>> print(result.table().round(4).to_string(index=False))
                   effect    level  value   share
             world growth   effect   15.0  0.5769
    commodity composition   effect    0.5  0.0192
      market distribution   effect   -1.5 -0.0577
        structural effect subtotal   14.0  0.5385
          competitiveness   effect   12.0  0.4615
             total change    total   26.0  1.0000
    """
    method = check_choice(method, "method", METHODS)
    names = ("exports_t0", "exports_t1", "world_t0", "world_t1")
    frames = _aligned_frames(
        dict(zip(names, (exports_t0, exports_t1, world_t0, world_t1), strict=True))
    )
    for name, frame in frames.items():
        _blank_as_zero(frame, name, stacklevel=4)
        check_nonnegative(frame.to_numpy(), name)
    _check_within_world(frames["exports_t0"], frames["world_t0"], "exports_t0", "t0")
    _check_within_world(frames["exports_t1"], frames["world_t1"], "exports_t1", "t1")
    return _decompose(method, *frames.values())


def cms_periods(
    flows: pd.DataFrame,
    breaks: Sequence[int],
    method: str = "jepma",
    segments: Mapping[Any, str] | None = None,
) -> pd.DataFrame:
    """Decompose export growth over consecutive periods, by segment.

    Parameters
    ----------
    flows : pandas.DataFrame
        Tidy table with columns ``year, product, market, exports, world``: the
        exporter's and the world's exports of each product to each market.
    breaks : sequence of int
        Increasing years, at least two, each present in ``flows``; period k runs
        from ``breaks[k]`` to ``breaks[k + 1]``.
    method : str
        One of :data:`METHODS`.
    segments : mapping product -> segment, optional
        Adds one block per segment (in order of first appearance) after the
        block ``"all"`` of every product.

    Returns
    -------
    pandas.DataFrame
        Columns ``segment, period, start, end, effect, level, value, share``:
        the rows of :meth:`CMSResult.table` for each segment and period, with
        ``period`` written ``"2008-2011"``.

    Notes
    -----
    A (product, market) cell present in one year of a period but not the other,
    or with a blank value, is read as 0 with an :class:`~xlree.XlreeWarning`
    naming the cells. Products missing from ``segments`` stay in ``"all"`` only,
    with a warning.

    Examples
    --------
    >>> flows = pd.DataFrame({
    ...     "year": [2008, 2008, 2011, 2011],
    ...     "product": ["280530", "850511", "280530", "850511"],
    ...     "market": ["JP", "JP", "JP", "JP"],
    ...     "exports": [10.0, 20.0, 15.0, 40.0],
    ...     "world": [40.0, 50.0, 60.0, 80.0],
    ... })
    >>> table = cms_periods(flows, [2008, 2011], method="leamer-stern")
    >>> print(table[["segment", "period", "effect", "value"]].round(3).to_string())
      segment     period                 effect   value
    0     all  2008-2011           world growth  16.667
    1     all  2008-2011  commodity composition   0.333
    2     all  2008-2011    market distribution   0.000
    3     all  2008-2011      structural effect  17.000
    4     all  2008-2011        competitiveness   8.000
    5     all  2008-2011           total change  25.000
    """
    method = check_choice(method, "method", METHODS)
    flows = _check_flows(flows)
    years = _check_breaks(breaks, flows)
    groups = _segment_groups(flows, segments)
    blocks = []
    for start, end in zip(years[:-1], years[1:], strict=False):
        exports_t0, exports_t1, world_t0, world_t1 = _period_frames(flows, start, end)
        _check_within_world(exports_t0, world_t0, "flows", start)
        _check_within_world(exports_t1, world_t1, "flows", end)
        for segment, products in groups:
            rows = [product for product in exports_t0.index if product in products]
            parts = [f.loc[rows] for f in (exports_t0, exports_t1, world_t0, world_t1)]
            try:
                table = _decompose(method, *parts).table()
            except XlreeError as error:
                raise XlreeError(
                    f"segment {segment!r}, period {start}-{end}: {error}"
                ) from None
            labels = {"segment": segment, "period": f"{start}-{end}", "start": start}
            for position, (column, value) in enumerate({**labels, "end": end}.items()):
                table.insert(position, column, value)
            blocks.append(table)
    return pd.concat(blocks, ignore_index=True)


def _decompose(method: str, *frames: pd.DataFrame) -> CMSResult:
    """Effects of checked, aligned, complete q0, q1, Q0, Q1 (products x markets)."""
    q0, q1, w0, w1 = (frame.to_numpy(dtype=float) for frame in frames)
    if not w0.sum() > 0:
        raise XlreeError(
            "world_t0: world exports sum to 0 in the base year, so no share and "
            "no decomposition exists; choose another base year or more products."
        )
    shares_t0, shares_t1 = _share_levels(q0, w0), _share_levels(q1, w1)
    world_change = w1 - w0
    share_change = shares_t1[0] - shares_t0[0]
    total_change = float(q1.sum() - q0.sum())

    if method == "symmetric":
        weights = tuple((a + b) / 2 for a, b in zip(shares_t0, shares_t1, strict=True))
        world_mean = (w0 + w1) / 2
    else:
        weights, world_mean = shares_t0, w0
    growth, cell_term, product_term, market_term = _structural_terms(
        weights, world_change
    )

    if method == "leamer-stern":
        values = [growth, product_term - growth, cell_term - product_term]
        values.append(total_change - cell_term)
    elif method == "leamer-stern-market":
        values = [growth, market_term - growth, cell_term - market_term]
        values.append(total_change - cell_term)
    else:
        # The two-level split of the structural effect (Jepma 1986).
        market_structure = cell_term - product_term
        commodity_structure = cell_term - market_term
        interaction = (product_term - growth) - commodity_structure
        values = [growth, market_structure, commodity_structure, interaction]

        # Competitive effect: general (aggregate share) and specific.
        competitive = float((share_change * world_mean).sum())
        general = (shares_t1[3] - shares_t0[3]) * world_mean.sum()
        values += [general, competitive - general]
        if method == "jepma":
            second_order = float((share_change * world_change).sum())
            pure = (w1.sum() / w0.sum() - 1) * competitive
            values += [pure, second_order - pure]

    names = [leaf for _, leaves in _LAYOUTS[method] for leaf in leaves]
    effects = pd.Series(np.asarray(values, dtype=float), index=names, name="value")
    cells = _cells_table(frames, shares_t0, shares_t1)
    return CMSResult(method, total_change, effects, cells)


def _shares(exports: np.ndarray, world: np.ndarray) -> np.ndarray:
    """exports / world, 0 where the world flow is 0 (exports are 0 there too)."""
    exports, world = np.asarray(exports, float), np.asarray(world, float)
    share = np.zeros_like(exports)
    np.divide(exports, world, out=share, where=world > 0)
    return share


def _share_levels(exports: np.ndarray, world: np.ndarray) -> tuple[np.ndarray, ...]:
    """Shares per cell, per product, per market and in aggregate."""
    return (
        _shares(exports, world),
        _shares(exports.sum(axis=1), world.sum(axis=1)),
        _shares(exports.sum(axis=0), world.sum(axis=0)),
        _shares(exports.sum(), world.sum()),
    )


def _structural_terms(
    weights: tuple[np.ndarray, ...], world_change: np.ndarray
) -> tuple[float, float, float, float]:
    """S dQ and the sums A (cells), B (products), C (markets) of the docstring."""
    cell, product, market, aggregate = weights
    growth = float(aggregate * world_change.sum())
    cell_term = float((cell * world_change).sum())
    product_term = float((product * world_change.sum(axis=1)).sum())
    market_term = float((market * world_change.sum(axis=0)).sum())
    return growth, cell_term, product_term, market_term


def _cells_table(frames, shares_t0, shares_t1) -> pd.DataFrame:
    q0, q1, w0, w1 = (frame.to_numpy(dtype=float) for frame in frames)
    index = pd.MultiIndex.from_product(
        [frames[0].index, frames[0].columns], names=["product", "market"]
    )
    # r_ij is undefined where Q0_ij = 0: NaN on purpose, never used in a sum.
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = np.where(w0 > 0, w1 / w0 - 1, np.nan)
    columns = {
        "exports_t0": q0,
        "exports_t1": q1,
        "world_t0": w0,
        "world_t1": w1,
        "share_t0": shares_t0[0],
        "share_t1": shares_t1[0],
        "share_change": shares_t1[0] - shares_t0[0],
        "world_growth": growth,
    }
    return pd.DataFrame({k: v.ravel() for k, v in columns.items()}, index=index)
