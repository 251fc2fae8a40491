r"""Entropy weight method: objective indicator weights and composite scores.

An indicator whose values differ a lot between samples carries more
information and gets a larger weight. With :math:`n` samples (rows) and
:math:`m` indicators (columns) the method runs in four steps.

1. Normalize each indicator. ``method="minmax"`` (the default) maps it onto
   [0, 1] with its direction, then adds a small shift :math:`s`:

   .. math::

      z_{ij} = \frac{x_{ij} - \min_i x_{ij}}{\max_i x_{ij} - \min_i x_{ij}}
      \ \text{(benefit)}, \qquad
      z_{ij} = \frac{\max_i x_{ij} - x_{ij}}{\max_i x_{ij} - \min_i x_{ij}}
      \ \text{(cost)}, \qquad
      p_{ij} = \frac{z_{ij} + s}{\sum_i (z_{ij} + s)}.

   ``method="proportion"`` takes the shares of the raw data,
   :math:`p_{ij} = x_{ij} / \sum_i x_{ij}`, as in Elsayed, Dawood &
   Karthikeyan (2017).

2. Entropy of each indicator, with :math:`k = 1 / \ln n` and the convention
   :math:`0 \ln 0 = 0`:

   .. math:: e_j = -k \sum_i p_{ij} \ln p_{ij} \in [0, 1].

3. Divergence and weights:

   .. math:: d_j = 1 - e_j, \qquad w_j = d_j / \sum_j d_j.

4. Composite score of each sample: :math:`S_i = \sum_j w_j z_{ij}`, where
   :math:`z_{ij}` is the normalized value *before* the shift, so scores lie
   in [0, 1] (min-max method).

Conventions
-----------
- Shift: :data:`DEFAULT_SHIFT` = 1e-4, added to the min-max values before the
  shares are taken. With the convention :math:`0 \ln 0 = 0` no shift is needed
  for the logarithm (``shift=0`` is allowed and exact); the default keeps the
  worst sample of each indicator from counting as "no share at all", which is
  the usual practice in applied entropy-TOPSIS studies, and it is small
  against the unit range of :math:`z`, so weights move by well under 1e-3.
  The shift does not apply to ``method="proportion"``: an additive constant on
  raw data would depend on their units; zero shares use :math:`0 \ln 0 = 0`.
- Pooled panel form: rows may be country-year pairs (a ``(country, year)``
  MultiIndex). Every row is one sample, so :math:`k = 1 / \ln(\text{rows})`
  and the min-max range is taken over all years at once, which keeps scores
  comparable across years.
- A constant indicator carries no information: its entropy is 1, its weight
  0, and a warning names it.

References
----------
Shannon, C. E. (1948). A mathematical theory of communication. *Bell System
Technical Journal*, 27(3), 379-423.

Zeleny, M. (1982). *Multiple Criteria Decision Making*. McGraw-Hill, ch. 7.

Elsayed, E. A., Dawood, A. S., & Karthikeyan, R. (2017). Evaluating
alternatives through the application of TOPSIS method with entropy weight.
*International Journal of Engineering Trends and Technology*, 46(2), 60-66.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from xlree._validation import (
    XlreeError,
    as_matrix,
    check_choice,
    list_items,
    warn,
)
from xlree._validation import show_label as _show

__all__ = [
    "DEFAULT_SHIFT",
    "METHODS",
    "MISSING_POLICIES",
    "EntropyResult",
    "entropy_weights",
]

DEFAULT_SHIFT = 1e-4
METHODS = ("minmax", "proportion")
MISSING_POLICIES = ("drop", "mean", "raise")

_BENEFIT_WORDS = {"+": 1, "benefit": 1, "+1": 1, "-": -1, "cost": -1, "-1": -1}
_LISTED_AT_MOST = 10


@dataclass(frozen=True)
class EntropyResult:
    """What :func:`entropy_weights` computed, every table keeping its labels.

    Attributes
    ----------
    weights : pandas.Series
        Weight :math:`w_j` of each indicator; sums to 1.
    scores : pandas.Series
        Composite score :math:`S_i = \\sum_j w_j z_{ij}` of each sample; NaN for
        samples left out for missing values.
    dimension_weights : pandas.Series or None
        Sum of the weights of the indicators of each dimension, or None when no
        ``dimensions`` were given.
    normalized : pandas.DataFrame
        The normalized values :math:`z_{ij}` (before the shift) of the samples
        used; shares :math:`p_{ij}` for the proportion method.
    entropy : pandas.Series
        Entropy :math:`e_j` of each indicator, in [0, 1].
    divergence : pandas.Series
        Degree of divergence :math:`d_j = 1 - e_j`.
    dropped : pandas.Index
        Samples left out because of missing values (``missing="drop"``).
    method : str
        ``"minmax"`` or ``"proportion"``.
    shift : float
        The shift used (0 for the proportion method).
    """

    weights: pd.Series
    scores: pd.Series
    dimension_weights: pd.Series | None
    normalized: pd.DataFrame
    entropy: pd.Series
    divergence: pd.Series
    dropped: pd.Index
    method: str
    shift: float


def entropy_weights(
    data: Any,
    directions: Sequence[Any] | Mapping[Hashable, Any] | None = None,
    shift: float = DEFAULT_SHIFT,
    method: str = "minmax",
    dimensions: Mapping[Hashable, Hashable] | None = None,
    missing: str = "drop",
) -> EntropyResult:
    r"""Weight indicators by their entropy and score every sample.

    Parameters
    ----------
    data : pandas.DataFrame or 2-D array-like
        Samples in rows, indicators in columns. A DataFrame keeps its labels;
        its index may be a ``(country, year)`` MultiIndex for the pooled panel
        form. An array gets rows labelled 1..n and indicators 1..m, as a
        spreadsheet user counts them.
    directions : sequence, mapping or None
        Direction of each indicator: ``+1``, ``"+"`` or ``"benefit"`` (more is
        better); ``-1``, ``"-"`` or ``"cost"`` (less is better). A sequence in
        column order or a mapping indicator -> direction that covers every
        indicator. None: every indicator is a benefit.
    shift : float, default :data:`DEFAULT_SHIFT`
        Non-negative constant added to the min-max values before the shares
        are taken; 0 is allowed. Not used by ``method="proportion"``.
    method : {"minmax", "proportion"}
        Normalization, see the module docstring.
    dimensions : mapping or None
        Indicator -> dimension (e.g. "resource endowment", "export scale").
        Every indicator must be listed; keys that are not indicators of
        ``data`` are ignored, so a full indicator table can be passed.
    missing : {"drop", "mean", "raise"}
        Missing-value policy. ``"drop"``: samples with any missing value are
        left out of the weights, get a NaN score and are listed in
        ``dropped``; ``"mean"``: a missing value is replaced by its
        indicator's mean over the other samples; ``"raise"``: refuse. Both
        ``"drop"`` and ``"mean"`` warn with the samples affected.

    Returns
    -------
    EntropyResult

    Raises
    ------
    XlreeError
        Fewer than two samples with complete data, an indicator with no value
        at all, every indicator constant, a bad direction (the indicator is
        named), a negative value with ``method="proportion"``, a missing value
        with ``missing="raise"`` (sample and indicator named).

    Notes
    -----
    For the proportion method direction does not change the weights: the
    entropy of the shares measures how unevenly an indicator is spread,
    whichever way it points (this is how Elsayed et al. and pymcdm compute
    it). It changes the scores: a cost indicator enters as the mirrored share
    :math:`\max_i p_{ij} + \min_i p_{ij} - p_{ij}`, which reverses the order of
    the samples and keeps the range. Negative values have no share and are
    refused; use ``method="minmax"`` for such data.

    References
    ----------
    Elsayed, E. A., Dawood, A. S., & Karthikeyan, R. (2017). *IJETT*, 46(2),
    60-66.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"exports": [1.0, 2.0, 4.0], "cost": [3.0, 1.0, 2.0]},
    ...                     index=["A", "B", "C"])
    >>> result = entropy_weights(data, directions={"exports": "+", "cost": "-"},
    ...                          shift=0)
    >>> result.weights.round(4).tolist()
    [0.5371, 0.4629]
    >>> result.scores.round(4).tolist()
    [0.0, 0.6419, 0.7686]
    """
    method = check_choice(method, "method", METHODS)
    missing = check_choice(missing, "missing", MISSING_POLICIES)
    shift = _check_shift(shift)
    values = as_matrix(data, "data")
    samples, indicators = _labels(data, values.shape)
    signs = _directions(directions, indicators)

    used, dropped = _apply_missing_policy(values, samples, indicators, missing)
    sample_values = values[used]
    if sample_values.shape[0] < 2:
        raise XlreeError(
            f"data: the entropy method needs at least two samples with complete "
            f"data, got {sample_values.shape[0]}."
        )
    if method == "proportion" and np.any(sample_values < 0):
        row, column = (int(i) for i in np.argwhere(sample_values < 0)[0])
        raise XlreeError(
            f"data: method='proportion' needs non-negative values; sample "
            f"{_show(samples[used][row])}, indicator {_show(indicators[column])} is "
            f"{sample_values[row, column]:g}. Use method='minmax' for such data."
        )

    constant = np.ptp(sample_values, axis=0) == 0
    if method == "proportion":
        constant |= sample_values.sum(axis=0) == 0
    if constant.all():
        raise XlreeError(
            "data: every indicator is constant across the samples; the entropy "
            "method cannot tell them apart."
        )
    if constant.any():
        names = ", ".join(_show(label) for label in indicators[constant])
        warn(
            f"entropy_weights: indicator(s) {names} constant across the samples; "
            "weight set to 0."
        )

    if method == "minmax":
        normalized, shares = _minmax_shares(sample_values, signs, constant, shift)
    else:
        shares = _proportion_shares(sample_values, constant)
        normalized = _mirror_cost_shares(shares, signs)
        shift = 0.0

    entropy = _entropy(shares, constant)
    # Rounding can push e_j a hair above 1; a divergence is never negative.
    divergence = np.clip(1.0 - entropy, 0.0, None)
    weights = divergence / divergence.sum()

    scores = pd.Series(np.nan, index=samples, name="score")
    scores[used] = normalized @ weights
    weight_series = pd.Series(weights, index=indicators, name="weight")
    return EntropyResult(
        weights=weight_series,
        scores=scores,
        dimension_weights=_dimension_weights(weight_series, dimensions),
        normalized=pd.DataFrame(normalized, index=samples[used], columns=indicators),
        entropy=pd.Series(entropy, index=indicators, name="entropy"),
        divergence=pd.Series(divergence, index=indicators, name="divergence"),
        dropped=samples[~used],
        method=method,
        shift=shift,
    )


def _check_shift(shift: Any) -> float:
    is_number = isinstance(shift, int | float | np.number)
    if isinstance(shift, bool) or not is_number or not np.isfinite(shift):
        raise XlreeError(f"shift: expected a number between 0 and 1, got {shift!r}.")
    if not 0 <= shift <= 1:
        # A shift beyond the unit range of the min-max values drowns the data:
        # every share tends to 1/n and every weight to 0/0.
        raise XlreeError(
            f"shift: expected a number between 0 and 1 (such as the default "
            f"{DEFAULT_SHIFT:g}), got {shift:g}."
        )
    return float(shift)


def _labels(data: Any, shape: tuple[int, int]) -> tuple[pd.Index, pd.Index]:
    if isinstance(data, pd.DataFrame):
        return data.index, data.columns
    return pd.RangeIndex(1, shape[0] + 1), pd.RangeIndex(1, shape[1] + 1)


def _directions(directions: Any, indicators: pd.Index) -> np.ndarray:
    """Return +1/-1 per indicator, or raise naming the indicator at fault."""
    if directions is None:
        return np.ones(len(indicators))
    if isinstance(directions, Mapping):
        unknown = [key for key in indicators if key not in directions]
        if unknown:
            raise XlreeError(
                f"directions: no direction for indicator {_show(unknown[0])}; give "
                "+1 / 'benefit' or -1 / 'cost' for every indicator."
            )
        given = [directions[key] for key in indicators]
    else:
        given = list(directions) if not isinstance(directions, str) else [directions]
        if len(given) != len(indicators):
            raise XlreeError(
                f"directions: expected {len(indicators)} directions (one per "
                f"indicator), got {len(given)}."
            )
    return np.array(
        [_sign(value, label) for value, label in zip(given, indicators, strict=True)]
    )


def _sign(value: Any, label: Hashable) -> int:
    if isinstance(value, str) and value.strip().lower() in _BENEFIT_WORDS:
        return _BENEFIT_WORDS[value.strip().lower()]
    is_number = isinstance(value, int | float | np.number)
    if is_number and not isinstance(value, bool) and value in (1, -1):
        return int(value)
    raise XlreeError(
        f"directions: indicator {_show(label)} has direction {value!r}; expected +1, "
        "'+' or 'benefit' (more is better) or -1, '-' or 'cost' (less is better)."
    )


def _apply_missing_policy(
    values: np.ndarray, samples: pd.Index, indicators: pd.Index, missing: str
) -> tuple[np.ndarray, pd.Index]:
    """Return the mask of samples used (``values`` is filled in place for 'mean')."""
    is_missing = np.isnan(values)
    empty = is_missing.all(axis=0)
    if empty.any():
        raise XlreeError(
            f"data: indicator {_show(indicators[np.argmax(empty)])} has no value at "
            "all; remove it or fill it in."
        )
    incomplete = is_missing.any(axis=1)
    if not incomplete.any():
        return ~incomplete, samples[incomplete]
    if missing == "raise":
        row, column = (int(i) for i in np.argwhere(is_missing)[0])
        raise XlreeError(
            f"data: missing value for sample {_show(samples[row])}, indicator "
            f"{_show(indicators[column])} (missing='raise'); fill it in or use "
            "missing='drop' or 'mean'."
        )
    affected = _list_labels(samples[incomplete])
    if missing == "drop":
        warn(
            f"entropy_weights: {incomplete.sum()} sample(s) with missing values "
            f"left out of the weights, score NaN: {affected}."
        )
        return ~incomplete, samples[incomplete]
    column_means = np.nanmean(values, axis=0)
    values[is_missing] = np.broadcast_to(column_means, values.shape)[is_missing]
    warn(
        f"entropy_weights: {is_missing.sum()} missing value(s) replaced by their "
        f"indicator's mean in sample(s) {affected}."
    )
    return np.ones(len(samples), dtype=bool), samples[:0]


def _list_labels(labels: pd.Index) -> str:
    return list_items(labels, _LISTED_AT_MOST, render=_show)


def _minmax_shares(
    values: np.ndarray, signs: np.ndarray, constant: np.ndarray, shift: float
) -> tuple[np.ndarray, np.ndarray]:
    low = values.min(axis=0)
    high = values.max(axis=0)
    spread = np.where(constant, 1.0, high - low)
    benefit = (values - low) / spread
    normalized = np.where(signs > 0, benefit, 1.0 - benefit)

    # Shift, then shares within each indicator (a constant one is left at 0).
    shifted = normalized + shift
    totals = shifted.sum(axis=0)
    shares = shifted / np.where(totals > 0, totals, 1.0)
    return normalized, shares


def _proportion_shares(values: np.ndarray, constant: np.ndarray) -> np.ndarray:
    totals = values.sum(axis=0)
    return values / np.where(constant & (totals == 0), 1.0, totals)


def _mirror_cost_shares(shares: np.ndarray, signs: np.ndarray) -> np.ndarray:
    mirrored = shares.max(axis=0) + shares.min(axis=0) - shares
    return np.where(signs > 0, shares, mirrored)


def _entropy(shares: np.ndarray, constant: np.ndarray) -> np.ndarray:
    n_samples = shares.shape[0]
    # 0 ln 0 = 0: take the log of 1 where the share is 0.
    plogp = shares * np.log(np.where(shares > 0, shares, 1.0))
    entropy = -plogp.sum(axis=0) / np.log(n_samples)
    return np.where(constant, 1.0, entropy)


def _dimension_weights(
    weights: pd.Series, dimensions: Mapping[Hashable, Hashable] | None
) -> pd.Series | None:
    if dimensions is None:
        return None
    if not isinstance(dimensions, Mapping):
        raise XlreeError(
            "dimensions: expected a mapping indicator -> dimension, got "
            f"{type(dimensions).__name__}."
        )
    unassigned = [label for label in weights.index if label not in dimensions]
    if unassigned:
        raise XlreeError(
            f"dimensions: indicator {_show(unassigned[0])} has no dimension; map every "
            "indicator to one."
        )
    groups = [dimensions[label] for label in weights.index]
    totals = weights.groupby(groups, sort=False).sum()
    totals.index.name = "dimension"
    return totals.rename("weight")
