"""Tests of the RCA family (xlree.rca)."""

import numpy as np
import pandas as pd
import pytest

from xlree import XlreeError, XlreeWarning
from xlree.rca import (
    market_share,
    normalized_rca,
    nrca,
    rca,
    rsca,
    trade_competitiveness,
)


@pytest.fixture
def exports():
    return pd.DataFrame(
        {
            "280530": [120.0, 10.0, 5.0, 0.0],
            "284690": [300.0, 40.0, 60.0, 20.0],
            "850511": [900.0, 600.0, 80.0, 150.0],
        },
        index=["CN", "JP", "DE", "VN"],
    )


def test_wikipedia_brazil_soybeans_2010():
    # Wikipedia, "Revealed comparative advantage" (example section): in 2010
    # soybeans were 0.35 % of world trade, USD 42 bn; Brazil exported USD 11 bn
    # of them out of USD 140 bn, 7.9 % of its exports, "7.9/0.35 = 22".
    world_total = 42.0 / 0.0035
    result = rca(
        [[11.0]],
        country_totals=[140.0],
        world_product_totals=[42.0],
        world_total=world_total,
    )
    assert round(result[0, 0]) == 22


def test_rca_hand_computed_with_default_denominators(exports):
    result = rca(exports)
    total = exports.to_numpy().sum()
    cn_total = 120 + 300 + 900
    world_magnets = 900 + 600 + 80 + 150
    assert result.loc["CN", "850511"] == pytest.approx(
        (900 / cn_total) / (world_magnets / total), rel=1e-14
    )
    assert result.loc["VN", "280530"] == 0.0
    assert result.index.equals(exports.index)
    assert result.columns.equals(exports.columns)
    # Export-weighted mean of RCA over exporters is 1 for each product.
    weights = exports.sum(axis=1) / total
    np.testing.assert_allclose((result.mul(weights, axis=0)).sum(), 1.0, rtol=1e-14)


def test_explicit_denominators_are_aligned_by_label(exports):
    country_totals = pd.Series({"VN": 3e5, "DE": 1.5e6, "JP": 7e5, "CN": 2.5e6})
    world_products = pd.Series({"850511": 2.0e4, "280530": 400.0, "284690": 900.0})
    world_total = 2.2e7
    result = rca(exports, country_totals, world_products, world_total)
    expected = (900.0 / 2.5e6) / (2.0e4 / world_total)
    assert result.loc["CN", "850511"] == pytest.approx(expected, rel=1e-14)
    expected_jp = (40.0 / 7e5) / (900.0 / world_total)
    assert result.loc["JP", "284690"] == pytest.approx(expected_jp, rel=1e-14)


def test_array_input_gives_array():
    values = [[30.0, 20.0], [10.0, 40.0]]
    result = rca(values)
    assert isinstance(result, np.ndarray)
    np.testing.assert_allclose(result, [[1.5, 2 / 3], [0.5, 4 / 3]], rtol=1e-14)


def test_rsca_is_symmetric_transform_inside_minus_one_one(exports):
    positive = exports + 1.0
    result = rsca(positive)
    advantage = rca(positive)
    np.testing.assert_allclose(result, (advantage - 1) / (advantage + 1), rtol=1e-14)
    assert ((result > -1) & (result < 1)).all().all()
    # A product not exported at all sits at the lower bound.
    assert rsca(exports).loc["VN", "280530"] == -1.0


def test_normalized_rca_rows_and_columns_sum_to_zero(exports):
    result = normalized_rca(exports)
    np.testing.assert_allclose(result.sum(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(result.sum(axis=0), 0.0, atol=1e-12)
    # Yu, Cai & Leung (2009): NRCA > 0 exactly where RCA > 1.
    assert ((result > 0) == (rca(exports) > 1)).all().all()


def test_normalized_rca_with_explicit_denominators(exports):
    country_totals = pd.Series([2.5e6, 7e5, 1.5e6, 3e5], index=exports.index)
    result = normalized_rca(exports, country_totals, [400.0, 900.0, 2.0e4], 2.2e7)
    expected = 900.0 / 2.2e7 - 2.5e6 * 2.0e4 / 2.2e7**2
    assert result.loc["CN", "850511"] == pytest.approx(expected, rel=1e-12)


def test_negative_exports_named_by_position(exports):
    exports.loc["DE", "284690"] = -3.0
    with pytest.raises(XlreeError, match="exports: .*found -3 at row 3, column 2"):
        rca(exports)


def test_country_total_smaller_than_its_exports(exports):
    totals = pd.Series([2.5e6, 100.0, 1.5e6, 3e5], index=exports.index)
    with pytest.raises(
        XlreeError,
        match="country_totals: the total of country 'JP' .* smaller than the sum "
        "of its exports",
    ):
        rca(exports, country_totals=totals)


def test_world_product_total_smaller_than_exports(exports):
    with pytest.raises(
        XlreeError, match="world_product_totals: the total of product '850511'"
    ):
        rca(exports, world_product_totals=[400.0, 900.0, 1000.0])


def test_bad_world_total(exports):
    with pytest.raises(XlreeError, match="world_total: expected a positive number"):
        rca(exports, world_total=0)
    with pytest.raises(XlreeError, match="world_total: 100 is smaller than the sum"):
        rca(exports, world_total=100)


def test_missing_country_total_gives_nan_row_with_warning(exports):
    totals = pd.Series({"CN": 2.5e6, "JP": 7e5, "DE": 1.5e6})
    with pytest.warns(XlreeWarning, match="country_totals: no value for 'VN'"):
        result = rca(exports, country_totals=totals, world_total=2.2e7)
    assert result.loc["VN"].isna().all()
    assert result.drop("VN").notna().all().all()


def test_exporter_with_no_exports_is_nan_with_warning(exports):
    exports.loc["VN"] = 0.0
    with pytest.warns(XlreeWarning, match="country_totals: 'VN' exported nothing"):
        result = rca(exports)
    assert result.loc["VN"].isna().all()


def test_wrong_denominator_length():
    with pytest.raises(XlreeError, match="country_totals: expected 2 values, got 3"):
        rca([[1.0, 2.0], [3.0, 4.0]], country_totals=[10.0, 10.0, 10.0])


def test_market_share_with_series_and_matrix(exports):
    world = pd.Series({"850511": 2.0e4, "280530": 400.0, "284690": 900.0})
    shares = market_share(exports, world)
    assert shares.loc["CN", "850511"] == pytest.approx(900.0 / 2.0e4, rel=1e-14)
    assert shares.loc["JP", "280530"] == pytest.approx(10.0 / 400.0, rel=1e-14)
    full = market_share(exports, pd.DataFrame(4000.0, exports.index, exports.columns))
    np.testing.assert_allclose(full, exports / 4000.0, rtol=1e-14)


def test_market_share_zero_world_is_nan_and_excess_is_error():
    shares = market_share([[0.0, 5.0]], [0.0, 10.0])
    assert np.isnan(shares[0, 0]) and shares[0, 1] == 0.5
    with pytest.raises(XlreeError, match="world: world exports are smaller .* row 1"):
        market_share([[0.0, 50.0]], [0.0, 10.0])


def test_trade_competitiveness(exports):
    imports = exports * 0.25
    imports.loc["VN", "280530"] = 0.0
    index = trade_competitiveness(exports, imports)
    assert index.loc["CN", "850511"] == pytest.approx(0.6, rel=1e-14)
    assert np.isnan(index.loc["VN", "280530"])
    # Reordered labels are aligned, not compared by position.
    reordered = trade_competitiveness(exports, imports.iloc[::-1, ::-1])
    pd.testing.assert_frame_equal(reordered, index)
    with pytest.raises(XlreeError, match="imports: expected the shape of exports"):
        trade_competitiveness([[1.0, 2.0]], [[1.0]])


def test_nrca_relative_and_product(exports):
    advantage = rca(exports)
    scores = pd.Series({"CN": 0.8, "JP": 0.6, "DE": 0.5, "VN": 0.1})
    relative = nrca(advantage, scores)
    mean_score = 0.5
    assert relative.loc["JP", "850511"] == pytest.approx(
        advantage.loc["JP", "850511"] * 0.6 / mean_score, rel=1e-14
    )
    product = nrca(advantage, scores, variant="product")
    np.testing.assert_allclose(product, relative * mean_score, rtol=1e-14)


def test_nrca_missing_score_is_nan_with_warning(exports):
    advantage = rca(exports)
    scores = pd.Series({"CN": 0.8, "JP": 0.4, "US": 0.9})
    with pytest.warns(XlreeWarning, match="no score for exporter\\(s\\) 'DE', 'VN'"):
        result = nrca(advantage, scores)
    assert result.loc[["DE", "VN"]].isna().all().all()
    # The mean is over the exporters present (CN, JP), not over the Series.
    assert result.loc["CN", "280530"] == pytest.approx(
        advantage.loc["CN", "280530"] * 0.8 / 0.6, rel=1e-14
    )


def test_nrca_errors(exports):
    advantage = rca(exports)
    with pytest.raises(XlreeError, match="variant: expected one of 'relative'"):
        nrca(advantage, [1.0] * 4, variant="ratio")
    with pytest.raises(XlreeError, match="scores: .*found -0.5"):
        nrca(advantage, [1.0, -0.5, 1.0, 1.0])
    with pytest.raises(XlreeError, match="mean score of the exporters is 0"):
        nrca(advantage, [0.0] * 4)


def test_negative_scores_are_called_scores():
    from xlree.rca import nrca

    with pytest.raises(XlreeError, match="scores: scores cannot be negative"):
        nrca([[1.0], [2.0]], [-1.0, 1.0])
