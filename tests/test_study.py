"""The study on the bundled real data: identities and values from the source files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xlree import XlreeError
from xlree.study import cms_flows, default_inputs, resolve_settings, run_study


@pytest.fixture(scope="module")
def inputs():
    return default_inputs()


@pytest.fixture(scope="module")
def results(inputs):
    return run_study(inputs)


def test_total_change_matches_baci_exports(results):
    # China's exports from CEPII BACI V202601, baci_re_top8_exporters_importers
    # 2008-2019.csv: 280530 + 284690 + 850511 in 2008 and in 2011 (USD).
    exports_2008 = 199492694 + 490930706 + 770147856
    exports_2011 = 735107603 + 2081064491 + 2077649077
    cms = results.cms
    total = cms[
        (cms["segment"] == "all")
        & (cms["period"] == "2008-2011")
        & (cms["effect"] == "total change")
    ]["value"]
    assert total.item() == pytest.approx(exports_2011 - exports_2008, rel=1e-12)


def test_every_block_adds_up(results):
    cms = results.cms
    for (segment, period), block in cms.groupby(["segment", "period"]):
        leaves = block.loc[block["level"] == "effect", "value"].sum()
        total = block.loc[block["level"] == "total", "value"].item()
        assert leaves == pytest.approx(total, rel=1e-9, abs=1e-3), (segment, period)


def test_segments_add_up_to_the_chain(results):
    cms = results.cms
    totals = cms[cms["level"] == "total"].pivot_table(
        index="period", columns="segment", values="value"
    )
    by_segment = totals[["upstream", "midstream", "downstream"]].sum(axis=1)
    np.testing.assert_allclose(by_segment, totals["all"], rtol=1e-12)


def test_magnet_markets_add_up_to_the_world_rows(inputs):
    flows = cms_flows(inputs.trade, "CN", by_market=True)
    magnets = (
        flows[flows["product"] == "850511"].groupby("year")[["exports", "world"]].sum()
    )
    world_rows = cms_flows(inputs.trade, "CN", by_market=False)
    world_rows = world_rows[world_rows["product"] == "850511"].set_index("year")
    np.testing.assert_allclose(magnets["exports"], world_rows["exports"], rtol=1e-12)
    np.testing.assert_allclose(magnets["world"], world_rows["world"], rtol=1e-12)
    # BACI world total of 850511 in 2019 (baci_re_world_totals_2008_2019.csv).
    assert world_rows.loc[2019, "world"] == 3597290756


def test_rca_uses_baci_and_wdi_denominators(results):
    # CN 280530 in 2008: BACI exports 199492694, world 238277985 (BACI);
    # merchandise exports of CHN and WLD from WDI tx.val.mrch.cd.wt (2008).
    from xlree.datasets import load_wdi

    wdi = load_wdi("tx.val.mrch.cd.wt")
    wdi = wdi[wdi["year"] == 2008].set_index(wdi.columns[1])["value"]
    china, world = wdi["CHN"], wdi["WLD"]
    expected = (199492694 / china) / (238277985 / world)
    row = results.rca[
        (results.rca["year"] == 2008)
        & (results.rca["country"] == "CN")
        & (results.rca["product"] == "280530")
    ]
    assert row["rca"].item() == pytest.approx(expected, rel=1e-12)
    assert row["rsca"].item() == pytest.approx((expected - 1) / (expected + 1))
    assert row["market_share"].item() == pytest.approx(199492694 / 238277985)


def test_nrca_relative_is_rca_times_score_over_mean(results):
    rca = results.rca
    year = rca[rca["year"] == 2015]
    scores = year.drop_duplicates("country").set_index("country")["score"].dropna()
    china = year[(year["country"] == "CN") & (year["product"] == "850511")]
    expected = china["rca"].item() * scores["CN"] / scores.mean()
    assert china["nrca"].item() == pytest.approx(expected, rel=1e-12)


def test_entropy_weights_are_a_distribution(results):
    weights = results.indicator_table.set_index("indicator")["weight"]
    assert weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert (weights >= 0).all()
    dims = results.entropy.dimension_weights
    assert set(dims.index) == {
        "resource endowment",
        "export scale",
        "technological innovation",
        "industrial base",
    }
    assert dims.sum() == pytest.approx(1.0, abs=1e-12)


def test_notes_name_what_was_done(results):
    notes = " ".join(results.notes)
    assert "TW" in notes  # Taiwan has no WDI merchandise exports
    assert "read as 0" in notes  # magnet markets missing in some years


def test_unknown_exporter_is_named(inputs):
    bad = default_inputs(exporter="ZZ")
    with pytest.raises(XlreeError, match="exporter: 'ZZ' has no rows"):
        run_study(bad, ["cms"])


def test_settings_years_in_order():
    with pytest.raises(XlreeError, match="first_year: 2019 is after last_year 2008"):
        resolve_settings({"first_year": 2019, "last_year": 2008})


def test_other_methods_add_up(inputs):
    for method in ("leamer-stern", "leamer-stern-market", "symmetric"):
        changed = default_inputs(cms_method=method)
        cms = run_study(changed, ["cms"]).cms
        for _, block in cms.groupby(["segment", "period"]):
            leaves = block.loc[block["level"] == "effect", "value"].sum()
            total = block.loc[block["level"] == "total", "value"].item()
            assert leaves == pytest.approx(total, rel=1e-9, abs=1e-3)


def test_results_keep_labels(results):
    assert list(results.rca.columns[:4]) == ["year", "country", "product", "segment"]
    assert set(results.rca["segment"]) == {"upstream", "midstream", "downstream"}
    assert isinstance(results.cms, pd.DataFrame)
    assert results.settings["breaks"] == [2008, 2011, 2015, 2019]
