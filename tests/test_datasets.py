"""Tests of the bundled data and its loaders, on the real files."""

from __future__ import annotations

import hashlib
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from xlree import datasets
from xlree._validation import XlreeError, XlreeWarning

# SHA-256 of the files as copied from shared/data (unchanged bytes).
BUNDLED_SHA256 = {
    "baci_magnets_bilateral/baci_850511_bilateral_top6_2002_2024.csv": (
        "0e47bb5ff708140bc6b1de5782870040918439e948f37b4c98ef60369483cd24"
    ),
    "baci_magnets_bilateral/iso2_names.csv": (
        "ed4c12a65c249cd10a1d904f2f38bff860b8b6f858995815f9b96cd4e16cf1dd"
    ),
    "baci_rare_earths/baci_re_top8_exporters_importers_2008_2019.csv": (
        "1c7b5a8322a6ecc4cc3cd0860a2ed07d62e1c5b71b57a2d2f71da69194b1ab15"
    ),
    "baci_rare_earths/baci_re_world_totals_2008_2019.csv": (
        "f41637251c5655856ce7da59e184a1c4fd1fb23765baa591e6b17eb2220fca0c"
    ),
    "mine_production/bgs_rare_earth_mine_production_top_producers_2008_2019.csv": (
        "9891d9c7746da93b6b12249ccb17dd337649a42a44ba083f6f97ee60c434b754"
    ),
    "wdi/gb.xpd.rsdv.gd.zs.csv": (
        "25304bcbe3fe5f93accbf2eae81a24ad7886cad8c8f1a2dc7a9faff06392d8fb"
    ),
    "wdi/ip.pat.resd.csv": (
        "76ecf62c42c2018ed191fb049f594cc26cdd72dd352c49a43ede392f36a2e717"
    ),
    "wdi/ny.gdp.mktp.cd.csv": (
        "f488630ac53a04503f6c4164bd2737d18f7ac7fdecb07dc56042b0e1adc11cf7"
    ),
    "wdi/ny.gdp.pcap.cd.csv": (
        "77c7f7b01151f21558ad08df402f865b4469aafbd00c6907f0586caec8f5900e"
    ),
    "wdi/sp.pop.scie.rd.p6.csv": (
        "2e88615102424c536e4b4a3de9f9ab843acd9d691edfb0e2458c8a9b4d94e072"
    ),
    "wdi/tx.val.mmtl.zs.un.csv": (
        "575daba7d651afd31237f76438615798ec46e1b57fdd966a0af6591da1455ca7"
    ),
    "wdi/tx.val.mrch.cd.wt.csv": (
        "c64c07cf3000a19495cc2e4e4a89e24696a97aebdab884b2def426f688b4f7af"
    ),
    "wdi/tx.val.tech.mf.zs.csv": (
        "b4e30ef2f6f3360681622892cca1b16b7933aefbcbf48914540bda74b87c2d8d"
    ),
}

STUDY_YEARS = list(range(2008, 2020))
PRODUCTS = {"280530", "284690", "850511"}


@pytest.fixture(scope="module")
def trade() -> pd.DataFrame:
    return datasets.trade_table()


@pytest.mark.parametrize("path", sorted(BUNDLED_SHA256))
def test_bundled_files_are_unchanged(path):
    data = resources.files("xlree").joinpath("data", *path.split("/")).read_bytes()
    assert hashlib.sha256(data).hexdigest() == BUNDLED_SHA256[path]


def test_every_bundled_csv_is_in_the_hash_table():
    root = resources.files("xlree").joinpath("data")
    found = {
        f"{folder.name}/{item.name}"
        for folder in root.iterdir()
        if folder.is_dir()
        for item in folder.iterdir()
        if item.name.endswith(".csv")
    }
    assert found == set(BUNDLED_SHA256)


def test_attribution_and_limits_cover_every_source():
    assert datasets.ATTRIBUTION == {
        "baci": "CEPII BACI V202601 (Etalab 2.0)",
        "wdi": "World Bank, World Development Indicators",
        "bgs": "British Geological Survey (c) UKRI",
    }
    assert set(datasets.ATTRIBUTION) <= set(datasets.LIMITS)
    assert "Other markets" in datasets.LIMITS["baci_bilateral"]


def test_segments_and_descriptions():
    assert datasets.DEFAULT_SEGMENTS == {
        "284690": "upstream",
        "280530": "midstream",
        "850511": "downstream",
    }
    assert set(datasets.PRODUCT_DESCRIPTIONS) == PRODUCTS


def test_world_totals_real_values():
    totals = datasets.load_world_totals()
    assert len(totals) == 36
    value = totals.query("year == 2008 and product == '280530'")["value"].iloc[0]
    assert value == 238277985
    assert set(totals.query("year >= 2017")["hs_vintage"]) == {"HS17"}


def test_top_traders_real_values():
    top = datasets.load_top_traders()
    china = top.query("year == 2011 and product == '284690' and role == 'exporter'")
    china = china[china["country"] == "CN"]
    assert china["value"].iloc[0] == 2081064491
    assert (top.groupby(["year", "product", "role"]).size() == 8).all()


def test_magnet_flows_keep_namibia_code():
    flows = datasets.load_magnet_flows()
    assert flows[["exporter", "importer"]].notna().all().all()
    assert "NA" in set(flows["importer"])
    assert datasets.country_names()["NA"] == "Namibia"
    assert set(flows["product"]) == {"850511"}


def test_iso3_mapping_matches_iso_3166():
    # Expected codes from ISO 3166-1 (alpha-2 -> alpha-3), the standard itself,
    # not from the bundled files.
    expected = {
        "CN": "CHN",
        "HK": "HKG",
        "KR": "KOR",
        "VN": "VNM",
        "LA": "LAO",
        "MM": "MMR",
        "RU": "RUS",
        "TW": "TWN",
        "DE": "DEU",
        "AT": "AUT",
        "EE": "EST",
        "MG": "MDG",
        "BI": "BDI",
    }
    assert datasets.iso2_to_iso3(expected) == expected


def test_every_country_used_has_an_iso3_code():
    top = datasets.load_top_traders()
    mapping = datasets.iso2_to_iso3(set(top["country"]))
    assert len(set(mapping.values())) == len(mapping)
    mines = datasets.load_mine_production()
    assert mines["country"].notna().all()
    assert set(datasets.iso2_to_iso3(mines["country"]).values()) == set(mines["iso3"])
    assert len(set(datasets.iso2_to_iso3().values())) == len(datasets.iso2_to_iso3())


def test_unknown_country_is_an_error():
    with pytest.raises(XlreeError, match="countries: no ISO3 code known for XX"):
        datasets.iso2_to_iso3(["CN", "XX"])


def test_wdi_loader():
    wdi = datasets.load_wdi("TX.VAL.MRCH.CD.WT")
    world = wdi.query("iso3 == 'WLD' and year == 2008")["value"].iloc[0]
    assert world == 16273252911429.0
    assert wdi["value"].notna().all()
    with pytest.raises(XlreeError, match="code: expected one of"):
        datasets.load_wdi("ip.pat.nres")


def test_mine_production_real_values():
    mines = datasets.load_mine_production()
    row = mines.query("year == 2019 and country == 'CN'").iloc[0]
    assert (row["production"], row["world_total"]) == (180000, 257879)


def test_trade_table_world_market_rows(trade):
    assert list(trade.columns) == ["year", "product", "exporter", "market", "value"]
    assert sorted(trade["year"].unique()) == STUDY_YEARS
    assert set(trade["product"]) == PRODUCTS
    world_market = trade[trade["market"] == "World"]
    # Eight exporters plus the world for each product-year.
    assert (world_market.groupby(["year", "product"]).size() == 9).all()
    value = world_market.query("year == 2008 and product == '280530'")
    assert value.set_index("exporter").loc["World", "value"] == 238277985
    china = world_market.query("year == 2011 and product == '284690'")
    assert china.set_index("exporter").loc["CN", "value"] == 2081064491


def test_trade_table_markets_only_for_magnets(trade):
    by_market = trade[trade["market"] != "World"]
    assert set(by_market["product"]) == {"850511"}
    assert set(by_market["exporter"]) == {"CN", "World"}


def test_trade_table_markets_add_up_to_totals(trade):
    magnets = trade[trade["product"] == "850511"]
    markets = magnets[magnets["market"] != "World"]
    summed = markets.groupby(["year", "exporter"])["value"].sum()
    totals = magnets[magnets["market"] == "World"].set_index(["year", "exporter"])
    totals = totals["value"].reindex(summed.index)
    np.testing.assert_allclose(summed, totals, rtol=1e-12)


def test_residual_market_values(trade):
    other = trade[trade["market"] == "Other markets"].set_index(["year", "exporter"])
    # 2008: 1,944,900,304 world total - 1,808,884,352 retained flows.
    assert other.loc[(2008, "World"), "value"] == 136015952
    assert other.loc[(2019, "CN"), "value"] == 505
    assert (other["value"] >= 0).all()
    world = other.xs("World", level="exporter")["value"]
    china = other.xs("CN", level="exporter")["value"]
    assert (china <= world).all()


def test_world_market_value_is_the_sum_over_exporters(trade):
    flows = datasets.load_magnet_flows().query("year == 2015 and importer == 'DE'")
    world = trade.query("year == 2015 and exporter == 'World' and market == 'DE'")[
        "value"
    ].iloc[0]
    assert world == flows["value"].sum()


def test_bilateral_coverage_matches_provenance(trade):
    # PROVENANCE.md of the data release: the top-6 file holds "about 93 % of
    # world value in 2008".
    magnets = trade.query(
        "product == '850511' and exporter == 'World' and year == 2008"
    )
    total = magnets.set_index("market")["value"]
    retained = total.drop(["World", "Other markets"]).sum()
    assert retained / total["World"] == pytest.approx(0.93, abs=0.005)


def test_trade_values_not_negative(trade):
    assert (trade["value"] >= 0).all()
    assert trade["value"].notna().all()


def test_china_share_agrees_with_published_share(trade):
    world_market = trade[trade["market"] == "World"]
    wide = world_market.pivot_table(
        index=["year", "product"], columns="exporter", values="value"
    )
    share = (wide["CN"] / wide["World"]).round(4)
    published = datasets.load_world_totals().set_index(["year", "product"])
    pd.testing.assert_series_equal(
        share, published["china_export_share"].reindex(share.index), check_names=False
    )


def test_trade_table_year_errors():
    with pytest.raises(
        XlreeError, match=r"years: the bundled trade data cover 2008-2019; got \[2007\]"
    ):
        datasets.trade_table([2007, 2008])
    with pytest.raises(XlreeError, match="years: expected whole years"):
        datasets.trade_table(["twenty"])


def test_focus_outside_top8_is_an_error():
    with pytest.raises(XlreeError, match="focus: 'FR' is not among the top-8"):
        datasets.trade_table(focus="FR")


def test_negative_residual_is_an_error():
    bilateral = pd.DataFrame(
        {"year": [2010, 2010], "market": ["DE", "US"], "value": [6.0, 5.0]}
    )
    totals = pd.Series({2010: 10.0})
    with pytest.raises(XlreeError, match="exceed its total in 2010"):
        datasets._add_residual_market(bilateral, totals, "CN")


def test_chain_flows():
    flows = datasets.chain_flows("CN", [2011])
    assert list(flows.columns) == ["year", "product", "market", "exports", "world"]
    magnets = flows[flows["product"] == "850511"]
    assert magnets["exports"].sum() == 2077649077
    assert magnets["world"].sum() == 4239965208
    assert (flows["exports"] <= flows["world"]).all()
    compounds = flows[flows["product"] == "284690"]
    assert compounds["market"].tolist() == ["World"]
    assert compounds["exports"].iloc[0] == 2081064491


def test_country_totals_warns_about_taiwan():
    with pytest.warns(XlreeWarning, match="TW 2008,2009"):
        totals = datasets.country_totals()
    assert list(totals.columns) == ["year", "country", "total_exports"]
    world = totals.query("year == 2008 and country == 'World'")["total_exports"]
    assert world.iloc[0] == 16273252911429.0
    assert totals.query("country == 'TW'")["total_exports"].isna().all()
    assert totals.query("country != 'TW'")["total_exports"].notna().all()


def test_country_totals_for_chosen_countries():
    totals = datasets.country_totals([2019], ["CN", "DE"])
    assert totals["country"].tolist() == ["CN", "DE", "World"]
    assert totals["total_exports"].notna().all()
