"""The default indicator system for the entropy weight method.

Twelve indicators in four dimensions describe a country's rare-earth export
competitiveness; each is built from a bundled file (see
``xlree/data/PROVENANCE.md``) and documented in :data:`INDICATORS` and in
``docs/data.md``. Every indicator is a benefit indicator (more is better for
competitiveness); the entropy method's ``directions`` argument can turn any of
them into a cost indicator for a different study.

Conventions for the two indicators that come from top-N lists:

* ``mine_production``: a country absent from a year's BGS list of top
  producers is recorded as 0 t. The BGS lists go down to tens of tonnes and
  list zero producers explicitly, so an absent country is below the smallest
  listed producer; 0 understates small producers (Thailand, for instance,
  which the USGS reports from 2020 on).
* ``re_exports``: the sum over the three HS codes of the exporter's value in
  the BACI top-8 lists; a product-year where the country is outside the top
  8 counts 0, so the value is a lower bound (the missing part is at most the
  eighth exporter's value).

Gap policy for the WDI indicators (:func:`default_indicator_panel`): a
missing country-year takes the value of the nearest earlier year of the same
country in the WDI file (any year, also before the panel starts), else of the
nearest later year; never a value from another country. Every filled cell is
listed, with the year it came from, in ``panel.attrs["filled"]`` and in an
:class:`~xlree._validation.XlreeWarning`. What remains missing stays NaN for
the entropy method's own ``missing`` policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from xlree import datasets
from xlree._validation import XlreeError, warn

__all__ = [
    "DEFAULT_COUNTRIES",
    "DIMENSIONS",
    "INDICATORS",
    "default_indicator_panel",
]

DIMENSIONS = (
    "resource endowment",
    "export scale",
    "technological innovation",
    "industrial base",
)

_BACI = "BACI top-8 exporters (baci_re_top8_exporters_importers_2008_2019.csv)"
_BACI_WORLD = "BACI world totals (baci_re_world_totals_2008_2019.csv)"
_BGS = "BGS (bgs_rare_earth_mine_production_top_producers_2008_2019.csv)"

# (indicator, name, dimension, unit, source, WDI code or None)
_RECORDS = [
    (
        "mine_production",
        "Rare-earth mine production",
        "resource endowment",
        "t REO",
        _BGS,
        None,
    ),
    (
        "mine_share",
        "Share of world rare-earth mine production",
        "resource endowment",
        "fraction",
        _BGS + "; BGS world total",
        None,
    ),
    (
        "re_exports",
        "Rare-earth exports (284690 + 280530 + 850511)",
        "export scale",
        "USD",
        _BACI,
        None,
    ),
    (
        "re_export_share",
        "Share of world rare-earth exports (three HS codes)",
        "export scale",
        "fraction",
        _BACI + "; " + _BACI_WORLD,
        None,
    ),
    (
        "patents_resident",
        "Patent applications by residents",
        "technological innovation",
        "applications",
        "WDI ip.pat.resd",
        "ip.pat.resd",
    ),
    (
        "rd_expenditure",
        "Research and development expenditure",
        "technological innovation",
        "% of GDP",
        "WDI gb.xpd.rsdv.gd.zs",
        "gb.xpd.rsdv.gd.zs",
    ),
    (
        "researchers",
        "Researchers in R&D",
        "technological innovation",
        "per million people",
        "WDI sp.pop.scie.rd.p6",
        "sp.pop.scie.rd.p6",
    ),
    (
        "hightech_exports",
        "High-technology exports",
        "technological innovation",
        "% of manufactured exports",
        "WDI tx.val.tech.mf.zs",
        "tx.val.tech.mf.zs",
    ),
    (
        "gdp",
        "GDP",
        "industrial base",
        "current USD",
        "WDI ny.gdp.mktp.cd",
        "ny.gdp.mktp.cd",
    ),
    (
        "gdp_per_capita",
        "GDP per capita",
        "industrial base",
        "current USD",
        "WDI ny.gdp.pcap.cd",
        "ny.gdp.pcap.cd",
    ),
    (
        "ores_metals_exports",
        "Ores and metals exports",
        "industrial base",
        "% of merchandise exports",
        "WDI tx.val.mmtl.zs.un",
        "tx.val.mmtl.zs.un",
    ),
    (
        "merchandise_exports",
        "Merchandise exports",
        "industrial base",
        "current USD",
        "WDI tx.val.mrch.cd.wt",
        "tx.val.mrch.cd.wt",
    ),
]

#: The indicator table (``indicator, name, dimension, direction, unit, source``)
#: in the layout of the study's ``indicator_info`` input sheet.
INDICATORS = pd.DataFrame(
    [
        {
            "indicator": indicator,
            "name": name,
            "dimension": dimension,
            "direction": "benefit",
            "unit": unit,
            "source": source,
        }
        for indicator, name, dimension, unit, source, _ in _RECORDS
    ]
)

_WDI_COLUMNS = {record[0]: record[5] for record in _RECORDS if record[5]}

#: The countries most often among the top-8 rare-earth exporters 2008-2019
#: (at least 12 of the 36 product-years) that have every WDI indicator in at
#: least 9 of the 12 years. The Philippines (14 product-years) and Viet Nam
#: (14) are left out: WDI has high-tech exports for only 3 years of the
#: Philippines and R&D researchers for only 4 years of Viet Nam.
DEFAULT_COUNTRIES = ("CN", "JP", "US", "MY", "DE", "AT", "TH", "HK", "IT")


def _check_countries(countries: Iterable[str]) -> list[str]:
    if isinstance(countries, str):
        countries = [countries]
    chosen = list(dict.fromkeys(countries))
    if not chosen:
        raise XlreeError("countries: give at least one ISO2 country code.")
    names = datasets.country_names()
    unknown = [country for country in chosen if country not in names]
    if unknown:
        raise XlreeError(
            f"countries: expected ISO2 codes such as 'CN', got {', '.join(unknown)}."
        )
    return chosen


def _mine_columns(grid: pd.MultiIndex) -> pd.DataFrame:
    mines = datasets.load_mine_production()
    production = mines.set_index(["country", "year"])["production"].astype(float)
    world = mines.groupby("year")["world_total"].first().astype(float)
    frame = pd.DataFrame(index=grid)
    # Absent from the BGS top-producer list: below the listed producers -> 0 t.
    frame["mine_production"] = production.reindex(grid).fillna(0.0).to_numpy()
    years = grid.get_level_values("year")
    frame["mine_share"] = frame["mine_production"] / world.reindex(years).to_numpy()
    return frame


def _export_columns(grid: pd.MultiIndex) -> pd.DataFrame:
    top = datasets.load_top_traders()
    top = top[top["role"] == "exporter"]
    by_country = top.groupby(["country", "year"])["value"].sum().astype(float)
    world = datasets.load_world_totals().groupby("year")["value"].sum()
    frame = pd.DataFrame(index=grid)
    # Outside the top 8 of a product-year: that product counts 0 (lower bound).
    frame["re_exports"] = by_country.reindex(grid).fillna(0.0).to_numpy()
    years = grid.get_level_values("year")
    frame["re_export_share"] = frame["re_exports"] / world.reindex(years).to_numpy()
    return frame


def _fill_within_country(
    series: pd.Series, country_years: Sequence[int]
) -> tuple[list[float], list[int | None]]:
    """Values for ``country_years`` from one country's WDI series, gaps filled.

    Returns the values and, per year, the year the value was taken from
    (``None`` when observed or when the country has no data at all).
    """
    observed = series.dropna().sort_index()
    values, sources = [], []
    for year in country_years:
        if year in observed.index:
            values.append(float(observed[year]))
            sources.append(None)
            continue
        earlier = observed[observed.index < year]
        later = observed[observed.index > year]
        if len(earlier):
            values.append(float(earlier.iloc[-1]))
            sources.append(int(earlier.index[-1]))
        elif len(later):
            values.append(float(later.iloc[0]))
            sources.append(int(later.index[0]))
        else:
            values.append(np.nan)
            sources.append(None)
    return values, sources


def default_indicator_panel(
    countries: Iterable[str] = DEFAULT_COUNTRIES,
    years: Iterable[int] = datasets.STUDY_YEARS,
    *,
    fill_gaps: bool = True,
) -> pd.DataFrame:
    """The default indicator panel for the entropy weight method.

    Parameters
    ----------
    countries : iterable of str, default :data:`DEFAULT_COUNTRIES`
        ISO2 codes.
    years : iterable of int, default 2008-2019
    fill_gaps : bool, default True
        Apply the gap policy of the module docstring to the WDI indicators;
        ``False`` leaves every missing WDI cell NaN.

    Returns
    -------
    DataFrame
        Columns ``country, year`` and one column per row of
        :data:`INDICATORS`, in that order; one row per country and year.
        ``attrs["filled"]`` is a DataFrame ``country, year, indicator,
        source_year`` listing every filled cell (empty when none).

    Raises
    ------
    XlreeError
        If a country code is unknown or a year is outside 2008-2019.

    Notes
    -----
    Shares are :math:`x_{c,t} / \\sum_{\\text{world}} x_t`: mine production over
    the BGS world total, rare-earth exports over the sum of the three BACI
    world totals.

    Examples
    --------
    >>> panel = default_indicator_panel(["CN"], [2011])
    >>> int(panel.loc[0, "mine_production"]), float(panel.loc[0, "mine_share"].round(4))
    (105000, 0.9605)
    """
    chosen = _check_countries(countries)
    chosen_years = datasets._check_years(years)
    grid = pd.MultiIndex.from_product([chosen, chosen_years], names=["country", "year"])
    codes = datasets.iso2_to_iso3(chosen)
    panel = pd.concat([_mine_columns(grid), _export_columns(grid)], axis=1)

    filled, still_missing = [], []
    for column, code in _WDI_COLUMNS.items():
        wdi = datasets.load_wdi(code).set_index(["iso3", "year"])["value"]
        values = []
        for country in chosen:
            try:
                series = wdi.xs(codes[country], level="iso3")
            except KeyError:
                series = pd.Series(dtype=float)
            if fill_gaps:
                country_values, sources = _fill_within_country(series, chosen_years)
            else:
                country_values = series.reindex(chosen_years).tolist()
                sources = [None] * len(chosen_years)
            values.extend(country_values)
            for year, value, source in zip(
                chosen_years, country_values, sources, strict=True
            ):
                if source is not None:
                    filled.append((country, year, column, source))
                elif np.isnan(value):
                    still_missing.append(f"{country} {year} {column}")
        panel[column] = values

    panel = panel[INDICATORS["indicator"].tolist()].reset_index()
    panel.attrs["filled"] = pd.DataFrame(
        filled, columns=["country", "year", "indicator", "source_year"]
    )
    if filled:
        listed = "; ".join(
            f"{country} {year} {column} from {source}"
            for country, year, column, source in filled
        )
        warn(f"default_indicator_panel: filled WDI gaps within country: {listed}.")
    if still_missing:
        warn(
            "default_indicator_panel: no WDI value for "
            f"{'; '.join(still_missing)}; left NaN."
        )
    return panel
