"""Loaders of the real data bundled with xlree, as tidy pandas DataFrames.

The files under ``xlree/data`` are byte-identical copies of public releases
(see ``xlree/data/PROVENANCE.md``). Conventions of every loader:

* products are HS6 codes as strings (``"280530"``);
* countries are ISO2 codes (``"CN"``); ``"World"`` is the world total and
  ``"Other markets"`` the part of a total that the retained bilateral flows do
  not allocate to a market;
* values are current US dollars, years are ints.

Namibia's ISO2 code is ``"NA"``: every CSV is read with
``keep_default_na=False`` so that it is not mistaken for a missing value.

The study table :func:`trade_table` combines three files. For the product
with markets (850511, permanent magnets) the exports of the focus exporter
and of the world to each market :math:`m` are the retained bilateral flows,
and one residual market closes each total:

.. math::

    X^{\\text{other}}_{e} = X^{\\text{World}}_{e} - \\sum_{m} X_{e,m},

where :math:`X^{\\text{World}}_{e}` is the exporter's top-8 value (or the BACI
world total for the world) and the sum runs over the bilateral flows kept in
the top-6 file. Summing over markets therefore gives back the world-market
value exactly.

The files are read once by :mod:`xlree._data_files` and the study's tables
are built by :mod:`xlree._trade`; both are re-exported here.
"""

from __future__ import annotations

import pandas as pd

from xlree._data_files import (
    MAGNETS,
    OTHER_MARKETS,
    STUDY_YEARS,
    WDI_CODES,
    WORLD,
    _check_years,  # noqa: F401  (used by xlree.indicators)
    _iso3_table,
    _magnet_flows,
    _names,
    _read_csv,
    _top_traders,
    _wdi,
    _world_totals,
    iso2_to_iso3,
)
from xlree._trade import (
    _add_residual_market,  # noqa: F401  (tested through xlree.datasets)
    chain_flows,
    country_totals,
    trade_table,
)
from xlree._validation import XlreeError, check_choice

__all__ = [
    "ATTRIBUTION",
    "DEFAULT_SEGMENTS",
    "LIMITS",
    "OTHER_MARKETS",
    "PRODUCT_DESCRIPTIONS",
    "STUDY_YEARS",
    "WDI_CODES",
    "WORLD",
    "chain_flows",
    "country_names",
    "country_totals",
    "iso2_to_iso3",
    "load_magnet_flows",
    "load_mine_production",
    "load_top_traders",
    "load_wdi",
    "load_world_totals",
    "trade_table",
]

ATTRIBUTION = {
    "baci": "CEPII BACI V202601 (Etalab 2.0)",
    "wdi": "World Bank, World Development Indicators",
    "bgs": "British Geological Survey (c) UKRI",
}

LIMITS = {
    "baci": (
        "Only the eight largest exporters and importers per product and year "
        "(81-98 % of world value); the rest of the world is world total minus "
        "the top 8. Cerium compounds (284610) and ores are absent; 850511 also "
        "holds non-rare-earth magnets; the HS vintage changes from HS02 to HS17 "
        "in 2017."
    ),
    "baci_bilateral": (
        "850511 by market keeps each importer's top six suppliers and each "
        "exporter's top six customers (about 93-98 % of world value "
        "2008-2019). The market 'Other markets' holds the unallocated rest: "
        "the exporter's (or the world's) total minus its retained flows, so "
        "markets add up exactly to the totals."
    ),
    "wdi": (
        "WDI merchandise exports are not reconciled with BACI totals; they "
        "serve as RCA denominators only. Many country-years are missing and "
        "are reported, not invented (the indicator panel fills gaps within a "
        "country from the nearest year, and each filled cell carries a note on "
        "the Indicators sheet naming the year its value comes from)."
    ),
    "bgs": (
        "Top producers only, in tonnes of rare-earth oxide; a country absent "
        "from a year's list is below the listed producers. BGS and USGS world "
        "totals differ (2019: 257,879 t against 219,000 t)."
    ),
}

DEFAULT_SEGMENTS = {"284690": "upstream", "280530": "midstream", MAGNETS: "downstream"}

PRODUCT_DESCRIPTIONS = {
    "284690": "Compounds of rare-earth metals, yttrium or scandium, "
    "other than cerium compounds",
    "280530": "Rare-earth metals, scandium and yttrium",
    MAGNETS: "Permanent magnets of metal",
}


def load_world_totals() -> pd.DataFrame:
    """BACI world exports per year and product, 2008-2019.

    Returns
    -------
    DataFrame
        Columns ``year, product, hs_vintage, value`` (USD), ``tonnes``,
        ``n_flows`` (bilateral flows), ``china_export_share`` and
        ``exporter_hhi`` (Herfindahl index of exporter shares).

    Examples
    --------
    >>> totals = load_world_totals()
    >>> int(totals.query("year == 2008 and product == '280530'")["value"].iloc[0])
    238277985
    """
    return _world_totals().copy()


def load_top_traders() -> pd.DataFrame:
    """The eight largest exporters and importers per year and product (BACI).

    Returns
    -------
    DataFrame
        Columns ``year, product, role`` ("exporter" or "importer"), ``rank``
        (1-8), ``country`` (ISO2), ``value`` (USD) and ``share`` (of world
        value, four decimals as published).
    """
    return _top_traders().copy()


def load_magnet_flows() -> pd.DataFrame:
    """Bilateral exports of permanent magnets (850511), 2002-2024 (BACI).

    Returns
    -------
    DataFrame
        Columns ``year, product, exporter, importer, value`` (USD) and
        ``source_note``. Only each importer's top six suppliers and each
        exporter's top six customers are kept (see ``LIMITS["baci_bilateral"]``).
    """
    return _magnet_flows().copy()


def country_names() -> dict[str, str]:
    """ISO2 code -> country name, as in the BACI name list.

    >>> country_names()["NA"]
    'Namibia'
    """
    return dict(_names())


def load_wdi(code: str) -> pd.DataFrame:
    """One World Development Indicator, all economies and aggregates.

    Parameters
    ----------
    code : str
        A bundled indicator code, one of :data:`WDI_CODES` (case-insensitive).

    Returns
    -------
    DataFrame
        Columns ``name, iso3, year, value``; aggregates keep their WDI codes
        (``"WLD"`` is the world). Missing country-years have no row.

    Raises
    ------
    XlreeError
        If ``code`` is not bundled.
    """
    code = check_choice(code, "code", WDI_CODES)
    return _wdi(code).copy()


def load_mine_production() -> pd.DataFrame:
    """Rare-earth mine production of the top producers, 2008-2019 (BGS).

    Returns
    -------
    DataFrame
        Columns ``year, country`` (ISO2), ``iso3``, ``production`` (tonnes of
        rare-earth oxide), ``world_total`` (BGS world total, t REO) and
        ``share`` (of the world total, as published).
    """
    frame = _read_csv(
        "mine_production/bgs_rare_earth_mine_production_top_producers_2008_2019.csv"
    )
    iso2_by_iso3 = {iso3: iso2 for iso2, iso3 in _iso3_table().items()}
    unknown = sorted(set(frame["iso3"]) - set(iso2_by_iso3))
    if unknown:
        raise XlreeError(
            f"mine production: no ISO2 code known for {', '.join(unknown)}."
        )
    frame.insert(1, "country", frame["iso3"].map(iso2_by_iso3))
    return frame.rename(
        columns={
            "mine_production_t_reo": "production",
            "world_total_t_reo_bgs": "world_total",
            "share_of_world": "share",
        }
    )
