"""Tests of xlree.cms: worked example, identities, regrouping, edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xlree import XlreeError, XlreeWarning
from xlree.cms import METHODS, cms_decompose, cms_periods

PRODUCTS, MARKETS = ["a", "b"], ["US", "JP"]


def frame(rows):
    return pd.DataFrame(rows, index=PRODUCTS, columns=MARKETS, dtype=float)


# Worked example derived by hand from the formulas (no published CMS table
# with complete cell-level inputs was found; see the report). Every
# intermediate is written out so the expected values can be re-checked.
#   q0 = [[10, 20], [5, 15]]     Q0 = [[100, 100], [50, 150]]
#   q1 = [[18, 22], [6, 30]]     Q1 = [[150, 120], [50, 200]]
#   q0 = 50, q1 = 76, change 26; Q0 = 400, Q1 = 520, dQ = 120
#   S0 = 50/400 = 1/8; S1 = 76/520 = 19/130; dS = 11/520
#   S0_ij = [[.1, .2], [.1, .1]], dQ_ij = [[50, 20], [0, 50]]
#   S0_i = (30/200, 20/200) = (.15, .10), dQ_i = (70, 50)
#   S0_j = (15/150, 35/250) = (.10, .14), dQ_j = (50, 70)
#   A = 5 + 4 + 0 + 5 = 14; B = 10.5 + 5 = 15.5; C = 5 + 9.8 = 14.8
#   world growth S0 dQ = 15; market A - B = -1.5; commodity A - C = -0.8;
#   interaction (B - 15) - (A - C) = 0.5 + 0.8 = 1.3
#   S1_ij = [[.12, 11/60], [.12, .15]], dS_ij = [[.02, -1/60], [.02, .05]]
#   competitive sum dS Q0 = 2 - 5/3 + 1 + 7.5 = 53/6
#   general dS Q0 = 11/520 * 400 = 110/13; specific 53/6 - 110/13 = 29/78
#   second order sum dS dQ = 1 - 1/3 + 0 + 2.5 = 19/6
#   pure (520/400 - 1) * 53/6 = 2.65; residual 19/6 - 2.65 = 31/60
EXAMPLE = {
    "exports_t0": frame([[10, 20], [5, 15]]),
    "exports_t1": frame([[18, 22], [6, 30]]),
    "world_t0": frame([[100, 100], [50, 150]]),
    "world_t1": frame([[150, 120], [50, 200]]),
}
JEPMA = {
    "world growth": 15.0,
    "market structure": -1.5,
    "commodity structure": -0.8,
    "structural interaction": 1.3,
    "general competitive": 110 / 13,
    "specific competitive": 29 / 78,
    "pure second-order": 2.65,
    "dynamic structural residual": 31 / 60,
}
# Leamer-Stern on the same data: commodity B - S0 dQ = 0.5, market A - B,
# residual 26 - A = 12; market first: market C - S0 dQ = -0.2, commodity A - C.
LEAMER_STERN = {
    "world growth": 15.0,
    "commodity composition": 0.5,
    "market distribution": -1.5,
    "competitiveness": 12.0,
}
LEAMER_STERN_MARKET = {
    "world growth": 15.0,
    "market distribution": -0.2,
    "commodity composition": -0.8,
    "competitiveness": 12.0,
}
# Symmetric, exact fractions by hand from average shares:
#   S_bar = (1/8 + 19/130) / 2 = 141/1040, growth = 141/1040 * 120 = 423/26
#   S_bar_ij = [[.11, 23/120], [.11, .125]]: A = 5.5 + 23/6 + 0 + 6.25 = 187/12
#   S_bar_i = ((30/200 + 40/270) / 2, (20/200 + 36/250) / 2) = (161/1080, 61/500)
#   B = 161/1080 * 70 + 61/500 * 50 = 8929/540
#   S_bar_j = ((15/150 + 24/200) / 2, (35/250 + 52/320) / 2) = (11/100, 121/800)
#   C = 11/100 * 50 + 121/800 * 70 = 1287/80
#   competitive sum dS Q_bar = 2.5 - 11/6 + 1 + 8.75 = 125/12
#   general dS Q_bar = 11/520 * 460 = 253/26
SYMMETRIC = {
    "world growth": 423 / 26,
    "market structure": 187 / 12 - 8929 / 540,
    "commodity structure": 187 / 12 - 1287 / 80,
    "structural interaction": (8929 / 540 - 423 / 26) - (187 / 12 - 1287 / 80),
    "general competitive": 253 / 26,
    "specific competitive": 125 / 12 - 253 / 26,
}
EXPECTED = {
    "jepma": JEPMA,
    "leamer-stern": LEAMER_STERN,
    "leamer-stern-market": LEAMER_STERN_MARKET,
    "symmetric": SYMMETRIC,
}


@pytest.mark.parametrize("method", METHODS)
def test_worked_example_by_hand(method):
    result = cms_decompose(**EXAMPLE, method=method)
    expected = EXPECTED[method]
    assert list(result.effects.index) == list(expected)
    np.testing.assert_allclose(result.effects.to_numpy(), list(expected.values()))
    assert result.total_change == pytest.approx(26.0)


def test_default_method_is_jepma():
    assert cms_decompose(*EXAMPLE.values()).method == "jepma"


def test_table_layout_subtotals_and_shares():
    table = cms_decompose(**EXAMPLE).table()
    assert list(table.columns) == ["effect", "level", "value", "share"]
    assert table["effect"].tolist() == [
        "world growth",
        "market structure",
        "commodity structure",
        "structural interaction",
        "structural effect",
        "general competitive",
        "specific competitive",
        "competitive effect",
        "pure second-order",
        "dynamic structural residual",
        "second-order effect",
        "total change",
    ]
    assert table["level"].tolist().count("subtotal") == 3
    values = table.set_index("effect")["value"]
    assert values["structural effect"] == pytest.approx(14.0)
    assert values["competitive effect"] == pytest.approx(53 / 6)
    assert values["second-order effect"] == pytest.approx(19 / 6)
    np.testing.assert_allclose(table["share"], table["value"] / 26.0)


def test_share_is_nan_when_nothing_changes():
    same = EXAMPLE["exports_t0"]
    result = cms_decompose(same, same, EXAMPLE["world_t0"], EXAMPLE["world_t1"])
    table = result.table()
    assert result.total_change == 0
    assert table["share"].isna().all()
    assert table["value"].iloc[-1] == 0


def random_case(seed, shape):
    rng = np.random.default_rng(seed)
    world_t0 = rng.uniform(1, 100, shape)
    world_t1 = world_t0 * rng.uniform(0.3, 2.5, shape)
    exports_t0 = world_t0 * rng.uniform(0, 0.9, shape)
    exports_t1 = world_t1 * rng.uniform(0, 0.9, shape)
    return exports_t0, exports_t1, world_t0, world_t1


SHAPES = [(6, 4), (1, 5), (5, 1), (1, 1), (12, 30)]
CASES = [(seed, shape) for seed in (0, 1, 2) for shape in SHAPES]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("seed", "shape"), CASES)
def test_effects_add_up_to_the_change(method, seed, shape):
    q0, q1, w0, w1 = random_case(seed, shape)
    result = cms_decompose(q0, q1, w0, w1, method=method)
    change = q1.sum() - q0.sum()
    assert result.total_change == pytest.approx(change, rel=1e-12)
    assert result.effects.sum() == pytest.approx(change, rel=1e-9, abs=1e-9)
    table = result.table()
    leaves = table.loc[table["level"] == "effect", "value"].sum()
    assert leaves == pytest.approx(table["value"].iloc[-1], rel=1e-9, abs=1e-9)


@pytest.mark.parametrize(("seed", "shape"), CASES)
def test_jepma_regroups_into_leamer_stern(seed, shape):
    case = random_case(seed, shape)
    jepma = cms_decompose(*case, method="jepma").effects
    stern = cms_decompose(*case, method="leamer-stern").effects
    close = {"rel": 1e-9, "abs": 1e-9}
    assert jepma["world growth"] == pytest.approx(stern["world growth"], **close)
    assert jepma["market structure"] == pytest.approx(
        stern["market distribution"], **close
    )
    commodity = jepma["commodity structure"] + jepma["structural interaction"]
    assert commodity == pytest.approx(stern["commodity composition"], **close)
    rest = jepma[["general competitive", "specific competitive"]].sum()
    rest += jepma[["pure second-order", "dynamic structural residual"]].sum()
    assert rest == pytest.approx(stern["competitiveness"], **close)


@pytest.mark.parametrize(("seed", "shape"), CASES[:5])
def test_leamer_stern_matches_growth_rate_form(seed, shape):
    # Second code path: the textbook form with growth rates r, r_i, r_ij.
    q0, q1, w0, w1 = random_case(seed, shape)
    r = w1.sum() / w0.sum() - 1
    r_i = w1.sum(axis=1) / w0.sum(axis=1) - 1
    r_ij = w1 / w0 - 1
    world = r * q0.sum()
    commodity = ((r_i - r) * q0.sum(axis=1)).sum()
    market = ((r_ij - r_i[:, None]) * q0).sum()
    r_j = w1.sum(axis=0) / w0.sum(axis=0) - 1
    market_first = ((r_j - r) * q0.sum(axis=0)).sum()
    commodity_second = ((r_ij - r_j[None, :]) * q0).sum()
    stern = cms_decompose(q0, q1, w0, w1, method="leamer-stern").effects
    expected = [world, commodity, market, q1.sum() - q0.sum() - world - commodity]
    expected[-1] -= market
    np.testing.assert_allclose(stern.to_numpy(), expected, rtol=1e-10, atol=1e-10)
    by_market = cms_decompose(q0, q1, w0, w1, method="leamer-stern-market").effects
    assert by_market["market distribution"] == pytest.approx(market_first, rel=1e-10)
    assert by_market["commodity composition"] == pytest.approx(
        commodity_second, rel=1e-10, abs=1e-10
    )


def test_symmetric_is_reversed_by_swapping_years():
    q0, q1, w0, w1 = random_case(7, (5, 3))
    forward = cms_decompose(q0, q1, w0, w1, method="symmetric").effects
    backward = cms_decompose(q1, q0, w1, w0, method="symmetric").effects
    np.testing.assert_allclose(forward, -backward, rtol=1e-10, atol=1e-12)
    jepma_back = cms_decompose(q1, q0, w1, w0).effects
    assert not np.allclose(cms_decompose(q0, q1, w0, w1).effects, -jepma_back)


def test_series_input_is_one_market():
    e = EXAMPLE
    args = [e[name].sum(axis=1) for name in e]
    result = cms_decompose(*args)
    assert result.effects["market structure"] == 0
    assert result.effects["structural interaction"] == pytest.approx(0, abs=1e-12)
    # One market: A = B = 15.5, commodity = A - C = 15.5 - 15.
    assert result.effects["commodity structure"] == pytest.approx(0.5)
    assert result.cells.index.get_level_values("market").unique().tolist() == ["World"]


def test_cells_table_is_labelled():
    cells = cms_decompose(**EXAMPLE).cells
    assert cells.index.names == ["product", "market"]
    row = cells.loc[("a", "JP")]
    assert row["share_t0"] == pytest.approx(0.2)
    assert row["share_t1"] == pytest.approx(22 / 120)
    assert row["share_change"] == pytest.approx(22 / 120 - 0.2)
    assert row["world_growth"] == pytest.approx(0.2)


def test_labels_are_aligned_on_the_first_argument():
    e = EXAMPLE
    shuffled = e["world_t1"].loc[["b", "a"], ["JP", "US"]]
    aligned = cms_decompose(e["exports_t0"], e["exports_t1"], e["world_t0"], shuffled)
    np.testing.assert_allclose(aligned.effects, list(JEPMA.values()))


def test_array_inputs_equal_frame_inputs():
    arrays = [f.to_numpy().tolist() for f in EXAMPLE.values()]
    result = cms_decompose(*arrays)
    np.testing.assert_allclose(result.effects, list(JEPMA.values()))
    assert result.cells.index[0] == (1, 1)


def test_market_that_opens_goes_to_second_order():
    q0, q1, w0, w1 = (f.copy() for f in EXAMPLE.values())
    w0.loc["b", "US"], q0.loc["b", "US"] = 0.0, 0.0  # no world trade in year 0
    result = cms_decompose(q0, q1, w0, w1)
    assert result.effects.sum() == pytest.approx(q1.sum().sum() - q0.sum().sum())
    cell = result.cells.loc[("b", "US")]
    assert cell["share_t0"] == 0 and np.isnan(cell["world_growth"])
    # Without the cell the second-order sum would lose dS dQ = 6/50 * 50 = 6.
    second = result.table().set_index("effect").loc["second-order effect", "value"]
    assert second == pytest.approx(19 / 6 - 0 + (6 / 50) * 50)


def test_blank_cells_are_zero_with_a_warning():
    q0 = EXAMPLE["exports_t0"].copy()
    q0.loc["b", "US"] = np.nan
    with pytest.warns(XlreeWarning, match=r"exports_t0: 1 blank cell.*b/US"):
        result = cms_decompose(q0, *list(EXAMPLE.values())[1:])
    q0.loc["b", "US"] = 0.0
    expected = cms_decompose(q0, *list(EXAMPLE.values())[1:])
    np.testing.assert_allclose(result.effects, expected.effects)


def test_exports_above_world_is_an_error():
    q1 = EXAMPLE["exports_t1"].copy()
    q1.loc["b", "JP"] = 250.0
    with pytest.raises(XlreeError, match=r"exports_t1.*product 'b', market 'JP'.*t1"):
        cms_decompose(
            EXAMPLE["exports_t0"], q1, EXAMPLE["world_t0"], EXAMPLE["world_t1"]
        )


def test_zero_world_in_base_year_is_an_error():
    zeros = [[0.0, 0.0]]
    with pytest.raises(XlreeError, match=r"world_t0: world exports sum to 0"):
        cms_decompose(zeros, [[1.0, 2.0]], zeros, [[3.0, 4.0]])


def test_input_errors_name_the_argument():
    e = list(EXAMPLE.values())
    with pytest.raises(XlreeError, match=r"world_t1: expected the shape"):
        cms_decompose(*e[:3], [[1.0, 2.0, 3.0]])
    with pytest.raises(XlreeError, match=r"exports_t1: trade values cannot be neg"):
        cms_decompose(e[0], -e[1], *e[2:])
    with pytest.raises(XlreeError, match=r"method: expected one of"):
        cms_decompose(*e, method="shift-share")
    renamed = e[2].rename(index={"b": "c"})
    with pytest.raises(XlreeError, match=r"world_t0: expected the products.*b, c"):
        cms_decompose(e[0], e[1], renamed, e[3])
    with pytest.raises(XlreeError, match=r"world_t0: expected a number at row 1"):
        cms_decompose(e[0], e[1], [["x", 1], [1, 1]], e[3])


def tidy(frames_by_year):
    rows = []
    for year, (exports, world) in frames_by_year.items():
        for product in exports.index:
            for market in exports.columns:
                rows.append(
                    (
                        year,
                        product,
                        market,
                        exports.loc[product, market],
                        world.loc[product, market],
                    )
                )
    return pd.DataFrame(rows, columns=["year", "product", "market", "exports", "world"])


@pytest.fixture
def flows():
    e = EXAMPLE
    middle = (e["exports_t0"] + e["exports_t1"], e["world_t0"] + e["world_t1"])
    return tidy(
        {
            2008: (e["exports_t0"], e["world_t0"]),
            2011: (e["exports_t1"], e["world_t1"]),
            2015: middle,
        }
    )


def test_periods_match_single_decompositions(flows):
    table = cms_periods(flows, [2008, 2011, 2015], segments={"a": "up", "b": "down"})
    assert list(table.columns) == [
        "segment",
        "period",
        "start",
        "end",
        "effect",
        "level",
        "value",
        "share",
    ]
    assert table["period"].unique().tolist() == ["2008-2011", "2011-2015"]
    assert table["segment"].unique().tolist() == ["all", "up", "down"]
    first = table[(table["segment"] == "all") & (table["period"] == "2008-2011")]
    expected = cms_decompose(**EXAMPLE).table()
    np.testing.assert_allclose(first["value"], expected["value"])
    # Segment "up" is product a alone: the decomposition of its row.
    up = table[(table["segment"] == "up") & (table["start"] == 2008)]
    only_a = cms_decompose(*(f.loc[["a"]] for f in EXAMPLE.values())).table()
    np.testing.assert_allclose(up["value"], only_a["value"])
    assert up["value"].iloc[-1] == pytest.approx(10.0)


def test_periods_warn_about_cells_missing_in_one_year(flows):
    dropped = flows.drop(
        flows.index[(flows["year"] == 2011) & (flows["product"] == "b")][:1]
    )
    with pytest.warns(XlreeWarning, match=r"1 cell\(s\) missing.*b/US/2011"):
        table = cms_periods(dropped, [2008, 2011], method="leamer-stern")
    assert table["value"].iloc[-1] == pytest.approx(26.0 - 6.0)


def test_periods_break_errors(flows):
    with pytest.raises(XlreeError, match=r"year 2009 is not in flows.*2008, 2011"):
        cms_periods(flows, [2008, 2009])
    with pytest.raises(XlreeError, match=r"breaks: expected increasing"):
        cms_periods(flows, [2011, 2008])
    with pytest.raises(XlreeError, match=r"breaks: expected at least two"):
        cms_periods(flows, [2008])
    with pytest.raises(XlreeError, match=r"flows: missing column\(s\) world"):
        cms_periods(flows.drop(columns="world"), [2008, 2011])
    with pytest.raises(XlreeError, match=r"flows: more than one row for year 2008"):
        cms_periods(pd.concat([flows, flows.iloc[:1]]), [2008, 2011])


def test_periods_name_the_year_when_exports_exceed_world(flows):
    flows.loc[(flows["year"] == 2011) & (flows["product"] == "a"), "exports"] = 999.0
    with pytest.raises(XlreeError, match=r"product 'a', market 'JP', year 2011"):
        cms_periods(flows, [2008, 2011])


def test_periods_warn_about_products_without_segment(flows):
    with pytest.warns(XlreeWarning, match=r"product\(s\) b have no segment"):
        table = cms_periods(flows, [2008, 2011], segments={"a": "up"})
    assert table["segment"].unique().tolist() == ["all", "up"]


def test_published_shift_share_example_university_of_washington():
    # Outside source: G. Krumme, "Shift & Share Table with Excel Explanations",
    # University of Washington, Geography 350 (faculty.washington.edu/krumme/
    # 350/ssexcel.html). Region "Holukuluku", four industries, 1985-1995:
    # regional employment 500, 100, 200, 200 -> 1000, 100, 250, 280; national
    # industry shares 10, 20, 40, 30 % growing 10, 20, 30, 40 % (29 % in all).
    # The page prints: regional growth 630, national growth effect 290,
    # composition (industry mix) effect -80 by industry -95, -9, 2, 22, and
    # differential effect 420 by industry 450, -20, -10, 0.
    # Shift-share is Leamer-Stern with one market: the region is the exporter,
    # the nation the world (scaled to 10,000 jobs; the effects use only rates).
    region_1985 = pd.Series([500.0, 100, 200, 200], index=["I", "II", "III", "IV"])
    region_1995 = pd.Series([1000.0, 100, 250, 280], index=region_1985.index)
    nation_1985 = pd.Series([1000.0, 2000, 4000, 3000], index=region_1985.index)
    nation_1995 = nation_1985 * pd.Series([1.1, 1.2, 1.3, 1.4], index=nation_1985.index)

    ls = cms_decompose(
        region_1985, region_1995, nation_1985, nation_1995, method="leamer-stern"
    ).effects
    assert ls["world growth"] == pytest.approx(290)
    assert ls["commodity composition"] == pytest.approx(-80)
    assert ls["market distribution"] == pytest.approx(0, abs=1e-9)
    assert ls["competitiveness"] == pytest.approx(420)

    # The same published figures through Jepma's regrouping.
    jepma = cms_decompose(region_1985, region_1995, nation_1985, nation_1995).effects
    assert jepma["world growth"] == pytest.approx(290)
    assert jepma["commodity structure"] + jepma[
        "structural interaction"
    ] == pytest.approx(-80)
    competitive = jepma[["general competitive", "specific competitive"]].sum()
    second_order = jepma[["pure second-order", "dynamic structural residual"]].sum()
    assert competitive + second_order == pytest.approx(420)

    # Industry by industry, from the cell table: (r_i - r) q0_i and the rest.
    cells = cms_decompose(
        region_1985, region_1995, nation_1985, nation_1995, method="leamer-stern"
    ).cells
    growth = cells["world_growth"].to_numpy()
    mix = (growth - 0.29) * region_1985.to_numpy()
    np.testing.assert_allclose(mix, [-95, -9, 2, 22], atol=1e-9)
    differential = region_1995.to_numpy() - region_1985.to_numpy() * (1 + growth)
    np.testing.assert_allclose(differential, [450, -20, -10, 0], atol=1e-9)
