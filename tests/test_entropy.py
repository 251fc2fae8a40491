"""Tests of the entropy weight method (xlree.entropy)."""

import numpy as np
import pandas as pd
import pytest

from tests.reference_data import ELSAYED_MATRIX, ELSAYED_WEIGHTS
from xlree import XlreeError, XlreeWarning
from xlree.entropy import DEFAULT_SHIFT, entropy_weights


@pytest.fixture
def panel():
    """A pooled country-year panel with a cost indicator."""
    index = pd.MultiIndex.from_product(
        [["CN", "US", "AU"], [2018, 2019]], names=["country", "year"]
    )
    return pd.DataFrame(
        {
            "reserves": [44.0, 44.0, 1.4, 1.5, 3.3, 4.1],
            "exports": [500.0, 620.0, 80.0, 95.0, 150.0, 170.0],
            "patents": [900.0, 1000.0, 300.0, 310.0, 20.0, 25.0],
            "import_dependence": [0.1, 0.1, 0.9, 0.8, 0.2, 0.3],
        },
        index=index,
    )


def test_proportion_matches_elsayed_2017_via_pymcdm():
    result = entropy_weights(ELSAYED_MATRIX, method="proportion")
    np.testing.assert_allclose(result.weights, ELSAYED_WEIGHTS, atol=1e-6)
    assert result.shift == 0.0


def test_proportion_ignores_shift_and_direction_for_weights():
    base = entropy_weights(ELSAYED_MATRIX, method="proportion")
    other = entropy_weights(
        ELSAYED_MATRIX, method="proportion", shift=0.5, directions=[1, -1, 1, 1, -1]
    )
    np.testing.assert_allclose(other.weights, base.weights, rtol=0, atol=1e-15)
    # A cost indicator enters the score mirrored: order reversed, range kept.
    share = base.normalized[2]
    mirrored = other.normalized[2]
    np.testing.assert_allclose(mirrored, share.max() + share.min() - share)


def test_minmax_hand_computed_values():
    # z = [0, 1/3, 1] -> p = [0, 1/4, 3/4]; cost z = [0, 1, 1/2] -> p = [0, 2/3, 1/3]
    data = pd.DataFrame({"x": [1.0, 2.0, 4.0], "y": [3.0, 1.0, 2.0]})
    result = entropy_weights(data, directions=["+", "-"], shift=0)
    e_x = -(0.25 * np.log(0.25) + 0.75 * np.log(0.75)) / np.log(3)
    e_y = -(2 / 3 * np.log(2 / 3) + 1 / 3 * np.log(1 / 3)) / np.log(3)
    np.testing.assert_allclose(result.entropy, [e_x, e_y], rtol=1e-14)
    np.testing.assert_allclose(result.divergence, [1 - e_x, 1 - e_y], rtol=1e-14)
    w_x = (1 - e_x) / (2 - e_x - e_y)
    np.testing.assert_allclose(result.weights, [w_x, 1 - w_x], rtol=1e-14)
    np.testing.assert_allclose(
        result.scores, [0.0, w_x / 3 + (1 - w_x), w_x + (1 - w_x) / 2], rtol=1e-14
    )


def test_weights_sum_to_one_and_labels_kept(panel):
    result = entropy_weights(
        panel,
        directions={"import_dependence": "cost"}
        | {name: "benefit" for name in ["reserves", "exports", "patents"]},
    )
    assert result.weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert list(result.weights.index) == list(panel.columns)
    assert result.scores.index.equals(panel.index)
    assert ((result.scores >= 0) & (result.scores <= 1)).all()
    assert result.shift == DEFAULT_SHIFT


def test_shift_moves_weights_only_slightly(panel):
    exact = entropy_weights(panel, shift=0).weights
    shifted = entropy_weights(panel).weights
    assert not np.allclose(exact, shifted, rtol=0, atol=1e-12)
    np.testing.assert_allclose(exact, shifted, atol=1e-3)


def test_direction_flip_symmetry():
    # Flipping an indicator's direction and mirroring its data (x -> -x) is the
    # same problem: identical weights and scores.
    rng = np.random.default_rng(7)
    data = rng.uniform(0, 10, size=(20, 4))
    mirrored = data.copy()
    mirrored[:, 1] = -mirrored[:, 1]
    first = entropy_weights(data, directions=[1, 1, -1, 1])
    second = entropy_weights(mirrored, directions=[1, -1, -1, 1])
    np.testing.assert_allclose(first.weights, second.weights, rtol=1e-12)
    np.testing.assert_allclose(first.scores, second.scores, rtol=1e-12)


def test_panel_form_pools_country_years(panel):
    result = entropy_weights(panel, shift=0)
    # k = 1 / ln(6 rows), min-max over all years at once.
    z = (panel["exports"] - 80.0) / (620.0 - 80.0)
    p = z / z.sum()
    plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1)), 0)
    expected = -plogp.sum() / np.log(6)
    assert result.entropy["exports"] == pytest.approx(expected, rel=1e-14)
    assert result.scores.loc[("CN", 2019)] == pytest.approx(
        result.normalized.loc[("CN", 2019)] @ result.weights, rel=1e-14
    )
    by_year = result.scores.xs(2019, level="year")
    assert list(by_year.index) == ["CN", "US", "AU"]


def test_dimension_weights_sum_to_one(panel):
    dimensions = {
        "reserves": "resource endowment",
        "exports": "export scale",
        "patents": "technological innovation",
        "import_dependence": "resource endowment",
        "not_in_data": "industrial base",
    }
    result = entropy_weights(panel, dimensions=dimensions)
    totals = result.dimension_weights
    assert list(totals.index) == [
        "resource endowment",
        "export scale",
        "technological innovation",
    ]
    assert totals.sum() == pytest.approx(1.0, abs=1e-12)
    assert totals["resource endowment"] == pytest.approx(
        result.weights["reserves"] + result.weights["import_dependence"], rel=1e-14
    )
    assert entropy_weights(panel).dimension_weights is None


def test_dimension_missing_for_an_indicator(panel):
    with pytest.raises(XlreeError, match="dimensions: indicator 'patents' has no"):
        entropy_weights(panel, dimensions={"reserves": "a", "exports": "b"})


def test_constant_indicator_gets_zero_weight_with_warning(panel):
    data = panel.assign(flat=5.0)
    with pytest.warns(XlreeWarning, match="indicator\\(s\\) 'flat' constant"):
        result = entropy_weights(data)
    assert result.weights["flat"] == 0.0
    assert result.entropy["flat"] == 1.0
    assert result.weights.sum() == pytest.approx(1.0, abs=1e-12)
    with pytest.warns(XlreeWarning, match="'flat' constant"):
        exact = entropy_weights(data, shift=0)
    assert exact.weights["flat"] == 0.0


def test_all_constant_is_an_error():
    with pytest.raises(XlreeError, match="every indicator is constant"):
        entropy_weights([[1, 2], [1, 2], [1, 2]])


def test_fewer_than_two_samples():
    with pytest.raises(XlreeError, match="at least two samples .* got 1"):
        entropy_weights([[1.0, 2.0]])
    with pytest.warns(XlreeWarning, match="left out"):
        with pytest.raises(XlreeError, match="at least two samples .* got 1"):
            entropy_weights([[1.0, 2.0], [np.nan, 3.0]])


def test_all_missing_indicator():
    data = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [np.nan] * 3})
    with pytest.raises(XlreeError, match="indicator 'b' has no value at all"):
        entropy_weights(data)


@pytest.mark.parametrize(
    ("directions", "message"),
    [
        ({"a": "+", "b": "up"}, "indicator 'b' has direction 'up'"),
        ({"a": "+"}, "no direction for indicator 'b'"),
        ([1, 1, 1], "expected 2 directions .* got 3"),
        ([1, 2], "indicator 'b' has direction 2"),
        ([True, 1], "indicator 'a' has direction True"),
    ],
)
def test_bad_directions(directions, message):
    data = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 1.0, 2.0]})
    with pytest.raises(XlreeError, match=message):
        entropy_weights(data, directions=directions)


def test_bad_arguments():
    data = [[1.0, 2.0], [2.0, 1.0], [3.0, 5.0]]
    with pytest.raises(XlreeError, match="method: expected one of 'minmax'"):
        entropy_weights(data, method="topsis")
    with pytest.raises(XlreeError, match="missing: expected one of 'drop'"):
        entropy_weights(data, missing="ignore")
    with pytest.raises(XlreeError, match="shift: expected a number between 0 and 1"):
        entropy_weights(data, shift=-0.1)
    with pytest.raises(XlreeError, match=r"shift: .* got 1e\+300"):
        entropy_weights(data, shift=1e300)
    with pytest.raises(XlreeError, match="data: expected a finite number at row 1"):
        entropy_weights([[float("inf"), 2.0], [2.0, 1.0], [3.0, 5.0]])
    with pytest.raises(XlreeError, match="data: expected a number at row 2"):
        entropy_weights([[1.0, 2.0], ["x", 1.0]])


def test_negative_values_with_proportion():
    data = pd.DataFrame({"growth": [0.1, -0.2, 0.3]}, index=["CN", "US", "AU"])
    with pytest.raises(
        XlreeError, match="sample 'US', indicator 'growth' is -0.2.*minmax"
    ):
        entropy_weights(data, method="proportion")
    # min-max handles them.
    entropy_weights(data.assign(other=[1.0, 2.0, 4.0]))


def test_missing_drop_policy(panel):
    data = panel.copy()
    data.loc[("US", 2018), "patents"] = np.nan
    with pytest.warns(XlreeWarning, match=r"1 sample\(s\).*\('US', 2018\)"):
        result = entropy_weights(data)
    assert list(result.dropped) == [("US", 2018)]
    assert np.isnan(result.scores.loc[("US", 2018)])
    assert result.scores.drop(("US", 2018)).notna().all()
    expected = entropy_weights(panel.drop(("US", 2018)))
    np.testing.assert_allclose(result.weights, expected.weights, rtol=1e-14)


def test_missing_mean_policy(panel):
    data = panel.copy()
    data.loc[("US", 2018), "patents"] = np.nan
    with pytest.warns(XlreeWarning, match=r"1 missing value\(s\) replaced"):
        result = entropy_weights(data, missing="mean")
    assert len(result.dropped) == 0
    filled = panel.copy()
    filled.loc[("US", 2018), "patents"] = data["patents"].mean()
    expected = entropy_weights(filled, missing="raise")
    np.testing.assert_allclose(result.weights, expected.weights, rtol=1e-14)
    np.testing.assert_allclose(result.scores, expected.scores, rtol=1e-14)


def test_missing_raise_policy(panel):
    data = panel.copy()
    data.loc[("AU", 2019), "exports"] = np.nan
    with pytest.raises(XlreeError, match=r"sample \('AU', 2019\), indicator 'exports'"):
        entropy_weights(data, missing="raise")


def test_array_input_labels_count_from_one():
    result = entropy_weights(np.array([[1.0, 5.0], [2.0, 3.0], [4.0, 4.0]]))
    assert list(result.weights.index) == [1, 2]
    assert list(result.scores.index) == [1, 2, 3]


def test_large_matrix_matches_its_mirrored_twin():
    # Speed is measured by benchmarks/bench_udfs.py, not here. On 100,000 rows
    # a cost indicator must weigh exactly what its mirror image as a benefit
    # indicator weighs (min-max normalization reverses it).
    rng = np.random.default_rng(0)
    data = rng.uniform(0, 100, size=(100_000, 5))
    result = entropy_weights(data, directions=[1, -1, 1, 1, -1])
    mirrored = data.copy()
    for column in (1, 4):
        mirrored[:, column] = (
            data[:, column].max() + data[:, column].min() - data[:, column]
        )
    twin = entropy_weights(mirrored)
    np.testing.assert_allclose(result.weights, twin.weights, rtol=1e-10)
    assert result.weights.sum() == pytest.approx(1.0, abs=1e-12)
