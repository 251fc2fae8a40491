"""Tests of the default indicator system, on the real bundled files."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from xlree import datasets, indicators
from xlree._validation import XlreeError, XlreeWarning


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XlreeWarning)
        return indicators.default_indicator_panel()


def _cell(panel: pd.DataFrame, country: str, year: int, column: str) -> float:
    return panel.set_index(["country", "year"]).loc[(country, year), column]


def test_indicator_table_layout():
    table = indicators.INDICATORS
    assert list(table.columns) == [
        "indicator",
        "name",
        "dimension",
        "direction",
        "unit",
        "source",
    ]
    assert table["indicator"].is_unique
    assert set(table["dimension"]) == set(indicators.DIMENSIONS)
    assert (table["dimension"].value_counts() >= 2).all()
    assert set(table["direction"]) == {"benefit"}
    assert len(table) == 12


def test_every_wdi_indicator_is_bundled():
    wdi_sources = indicators.INDICATORS["source"].str.extract(r"^WDI (\S+)$")[0]
    assert set(wdi_sources.dropna()) <= set(datasets.WDI_CODES)


def test_default_countries_are_frequent_top8_exporters():
    top = datasets.load_top_traders().query("role == 'exporter'")
    appearances = top["country"].value_counts()
    frequent = set(appearances[appearances >= 12].index)
    assert set(indicators.DEFAULT_COUNTRIES) == frequent - {"PH", "VN"}


def test_panel_layout(panel):
    expected = ["country", "year", *indicators.INDICATORS["indicator"]]
    assert list(panel.columns) == expected
    assert len(panel) == len(indicators.DEFAULT_COUNTRIES) * 12
    # Every default country has every indicator once gaps are filled.
    assert panel.notna().all().all()


def test_mine_production_real_values(panel):
    assert _cell(panel, "CN", 2011, "mine_production") == 105000
    assert _cell(panel, "CN", 2011, "mine_share") == pytest.approx(105000 / 109318)
    assert _cell(panel, "US", 2019, "mine_production") == 16800
    # Japan is never on the BGS top-producer list: recorded as 0 t.
    assert _cell(panel, "JP", 2008, "mine_production") == 0


def test_rare_earth_exports_sum_the_three_codes(panel):
    # China 2011 in the top-8 file: 735,107,603 + 2,081,064,491 + 2,077,649,077.
    expected = 735107603 + 2081064491 + 2077649077
    assert _cell(panel, "CN", 2011, "re_exports") == expected
    assert _cell(panel, "CN", 2011, "re_export_share") == pytest.approx(
        expected / 8318009932
    )
    # Japan 2008: 9,638,234 + 295,372,733 + 399,169,255.
    assert _cell(panel, "JP", 2008, "re_exports") == 704180222


def test_outside_top8_counts_zero():
    panel = indicators.default_indicator_panel(["BR"], [2008])
    # Brazil is never a top-8 exporter of the three codes, but a BGS producer.
    top = datasets.load_top_traders().query("country == 'BR'")
    assert top.query("role == 'exporter'").empty
    assert panel.loc[0, "re_exports"] == 0
    assert panel.loc[0, "mine_production"] == 540


def test_wdi_values_are_taken_as_published(panel):
    assert _cell(panel, "CN", 2019, "patents_resident") == 1243568
    assert _cell(panel, "MY", 2012, "rd_expenditure") == pytest.approx(1.09269)


def test_gap_filled_from_nearest_earlier_year(panel):
    # WDI has Malaysia's R&D for 2012 (1.09269 % of GDP) and 2014, not 2013.
    assert _cell(panel, "MY", 2013, "rd_expenditure") == pytest.approx(1.09269)
    filled = panel.attrs["filled"].set_index(["country", "year", "indicator"])
    assert filled.loc[("MY", 2013, "rd_expenditure"), "source_year"] == 2012


def test_gap_filled_from_later_year_when_no_earlier(panel):
    # WDI's high-tech share for Malaysia starts in 2009 (51.224506 %).
    assert _cell(panel, "MY", 2008, "hightech_exports") == pytest.approx(51.224506)
    filled = panel.attrs["filled"].set_index(["country", "year", "indicator"])
    assert filled.loc[("MY", 2008, "hightech_exports"), "source_year"] == 2009


def test_filled_cells_are_reported_in_a_warning():
    with pytest.warns(XlreeWarning, match="MY 2013 rd_expenditure from 2012"):
        indicators.default_indicator_panel(["MY"], [2013])


def test_observed_cells_are_not_listed(panel):
    filled = panel.attrs["filled"]
    assert list(filled.columns) == ["country", "year", "indicator", "source_year"]
    assert not (filled["country"] == "CN").any()
    assert len(filled) == 13


def test_no_filling_leaves_gaps():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XlreeWarning)
        panel = indicators.default_indicator_panel(["MY"], [2013], fill_gaps=False)
    assert np.isnan(panel.loc[0, "rd_expenditure"])
    assert panel.attrs["filled"].empty


def test_never_filled_across_countries():
    # Taiwan has no WDI rows at all; its cells stay NaN and are reported.
    with pytest.warns(XlreeWarning, match="no WDI value for TW 2008 patents_resident"):
        panel = indicators.default_indicator_panel(["TW", "CN"], [2008])
    taiwan = panel[panel["country"] == "TW"].iloc[0]
    wdi_columns = [
        "patents_resident",
        "rd_expenditure",
        "researchers",
        "hightech_exports",
        "gdp",
        "gdp_per_capita",
        "ores_metals_exports",
        "merchandise_exports",
    ]
    assert taiwan[wdi_columns].isna().all()
    # BACI does cover Taiwan: 850511 exports of 43,401,058 USD in 2008.
    assert taiwan["re_exports"] == 43401058


def test_input_errors():
    with pytest.raises(
        XlreeError, match="countries: expected ISO2 codes such as 'CN', got XX"
    ):
        indicators.default_indicator_panel(["CN", "XX"])
    with pytest.raises(XlreeError, match="countries: give at least one"):
        indicators.default_indicator_panel([])
    with pytest.raises(XlreeError, match=r"years: .*got \[2020\]"):
        indicators.default_indicator_panel(["CN"], [2019, 2020])


def test_default_countries_have_good_wdi_coverage():
    countries = [*indicators.DEFAULT_COUNTRIES, "PH", "VN"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XlreeWarning)
        raw = indicators.default_indicator_panel(countries, fill_gaps=False)
    years_observed = raw.drop(columns="year").groupby("country").count()
    least = years_observed.min(axis=1)
    assert (least[list(indicators.DEFAULT_COUNTRIES)] >= 9).all()
    assert least["PH"] == 3
    assert least["VN"] == 4
