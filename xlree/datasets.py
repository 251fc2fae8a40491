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
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources

import pandas as pd

from xlree._validation import XlreeError, check_choice, warn

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

WORLD = "World"
OTHER_MARKETS = "Other markets"
STUDY_YEARS = range(2008, 2020)
MAGNETS = "850511"

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
        "country from the nearest year and lists every filled cell)."
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

WDI_CODES = (
    "tx.val.mrch.cd.wt",
    "ny.gdp.mktp.cd",
    "ny.gdp.pcap.cd",
    "ip.pat.resd",
    "gb.xpd.rsdv.gd.zs",
    "sp.pop.scie.rd.p6",
    "tx.val.tech.mf.zs",
    "tx.val.mmtl.zs.un",
)

# ISO3 codes of countries whose names differ between the BACI name list and
# the WDI "Country Name" column (checked by hand against both files).
# Taiwan has no WDI rows; TWN is its ISO 3166 alpha-3 code.
_ISO3_BY_HAND = {
    "CD": "COD",
    "CG": "COG",
    "CZ": "CZE",
    "EG": "EGY",
    "HK": "HKG",
    "IR": "IRN",
    "KR": "KOR",
    "LA": "LAO",
    "MM": "MMR",
    "MO": "MAC",
    "RU": "RUS",
    "SK": "SVK",
    "TR": "TUR",
    "TW": "TWN",
    "VE": "VEN",
    "VN": "VNM",
}


def _read_csv(path: str, **options) -> pd.DataFrame:
    source = resources.files("xlree").joinpath("data", *path.split("/"))
    with source.open("rb") as handle:
        return pd.read_csv(handle, keep_default_na=False, na_values=[""], **options)


@cache
def _world_totals() -> pd.DataFrame:
    frame = _read_csv(
        "baci_rare_earths/baci_re_world_totals_2008_2019.csv", dtype={"hs6": str}
    )
    return frame.rename(
        columns={
            "hs6": "product",
            "world_export_usd": "value",
            "world_tonnes": "tonnes",
            "n_bilateral_flows": "n_flows",
        }
    )


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


@cache
def _top_traders() -> pd.DataFrame:
    frame = _read_csv(
        "baci_rare_earths/baci_re_top8_exporters_importers_2008_2019.csv",
        dtype={"hs6": str},
    )
    return frame.rename(
        columns={
            "hs6": "product",
            "iso2": "country",
            "value_usd": "value",
            "share_of_world": "share",
        }
    )


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


@cache
def _magnet_flows() -> pd.DataFrame:
    frame = _read_csv(
        "baci_magnets_bilateral/baci_850511_bilateral_top6_2002_2024.csv",
        dtype={"hs6": str},
    )
    return frame.rename(
        columns={
            "hs6": "product",
            "exporter_iso2": "exporter",
            "importer_iso2": "importer",
            "value_usd": "value",
        }
    )


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


@cache
def _names() -> dict[str, str]:
    frame = _read_csv("baci_magnets_bilateral/iso2_names.csv")
    return dict(zip(frame["iso2"], frame["name"], strict=True))


def country_names() -> dict[str, str]:
    """ISO2 code -> country name, as in the BACI name list.

    >>> country_names()["NA"]
    'Namibia'
    """
    return dict(_names())


@cache
def _wdi(code: str) -> pd.DataFrame:
    frame = _read_csv(f"wdi/{code}.csv")
    frame = frame.rename(
        columns={
            "Country Name": "name",
            "Country Code": "iso3",
            "Year": "year",
            "Value": "value",
        }
    )
    frame["value"] = frame["value"].astype(float)
    return frame.dropna(subset=["value"]).reset_index(drop=True)


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


@cache
def _iso3_table() -> dict[str, str]:
    wdi = _wdi(WDI_CODES[0])
    iso3_by_name = dict(zip(wdi["name"], wdi["iso3"], strict=False))
    table = {
        iso2: iso3_by_name[name]
        for iso2, name in _names().items()
        if name in iso3_by_name
    }
    table.update(_ISO3_BY_HAND)
    return table


def iso2_to_iso3(countries: Iterable[str] | None = None) -> dict[str, str]:
    """ISO2 -> ISO3 codes, from the names shared by BACI and WDI plus a hand table.

    Parameters
    ----------
    countries : iterable of str, optional
        ISO2 codes to map; all mappable ones when left out. ``"World"`` maps
        to the WDI aggregate ``"WLD"``.

    Returns
    -------
    dict

    Raises
    ------
    XlreeError
        If a requested country has no mapping (it is never guessed).

    Examples
    --------
    >>> iso2_to_iso3(["CN", "KR", "World"])
    {'CN': 'CHN', 'KR': 'KOR', 'World': 'WLD'}
    """
    table = {**_iso3_table(), WORLD: "WLD"}
    if countries is None:
        return table
    countries = list(countries)
    unknown = [country for country in countries if country not in table]
    if unknown:
        raise XlreeError(
            f"countries: no ISO3 code known for {', '.join(unknown)}; add it to "
            "xlree.datasets._ISO3_BY_HAND after checking the WDI country list."
        )
    return {country: table[country] for country in countries}


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


def _check_years(years: Iterable[int]) -> list[int]:
    try:
        chosen = sorted({int(year) for year in years})
    except (TypeError, ValueError):
        raise XlreeError(f"years: expected whole years, got {years!r}.") from None
    outside = [year for year in chosen if year not in STUDY_YEARS]
    if not chosen or outside:
        raise XlreeError(
            f"years: the bundled trade data cover {STUDY_YEARS.start}-"
            f"{STUDY_YEARS.stop - 1}; got {outside or 'no year'}."
        )
    return chosen


def _add_residual_market(
    bilateral: pd.DataFrame, totals: pd.Series, exporter: str
) -> pd.DataFrame:
    """Append the "Other markets" row per year: total minus retained flows.

    ``bilateral`` has columns ``year, market, value``; ``totals`` is indexed by
    year. A negative residual means the bilateral file and the totals disagree;
    it raises rather than being clipped, so no identity is broken silently.
    """
    retained = bilateral.groupby("year")["value"].sum()
    residual = totals - retained.reindex(totals.index, fill_value=0.0)
    negative = residual[residual < 0]
    if len(negative):
        years = ", ".join(
            f"{year} ({value:,.0f} USD)" for year, value in negative.items()
        )
        raise XlreeError(
            f"trade data: the retained 850511 flows of {exporter} exceed its total "
            f"in {years}."
        )
    other = pd.DataFrame(
        {"year": residual.index, "market": OTHER_MARKETS, "value": residual.values}
    )
    return pd.concat([bilateral, other], ignore_index=True)


def trade_table(
    years: Iterable[int] = STUDY_YEARS, *, focus: str = "CN"
) -> pd.DataFrame:
    """The study's trade input: exports by year, product, exporter and market.

    Parameters
    ----------
    years : iterable of int, default 2008-2019
    focus : str, default "CN"
        The exporter whose 850511 exports are broken down by market (with
        the world's) for the constant-market-share analysis.

    Returns
    -------
    DataFrame
        Columns ``year, product, exporter, market, value`` (USD, float):

        * ``market == "World"``: each top-8 exporter's exports of each
          product, and ``exporter == "World"`` the BACI world totals;
        * product 850511 only: ``focus`` and ``"World"`` by importing
          market. ``World -> m`` is the sum of all retained bilateral flows
          into ``m``; ``"Other markets"`` closes each total, so the markets
          of ``focus`` (and of the world) add up to its ``"World"`` row.

    Raises
    ------
    XlreeError
        If a year is outside 2008-2019, or ``focus`` is not among the top-8
        exporters of 850511 in one of the years (its total is then unknown).

    Notes
    -----
    The retained flows cover 93-98 % of world magnet exports in 2008-2019;
    the residual market is never negative in the bundled data (China's is
    smallest, 505 USD in 2019). See ``LIMITS["baci_bilateral"]``.
    """
    chosen = _check_years(years)
    top = _top_traders()
    top = top[(top["role"] == "exporter") & top["year"].isin(chosen)]
    world = _world_totals()
    world = world[world["year"].isin(chosen)]
    by_exporter = top[["year", "product", "country", "value"]].rename(
        columns={"country": "exporter"}
    )
    world_rows = world[["year", "product", "value"]].assign(exporter=WORLD)
    totals = pd.concat([by_exporter, world_rows], ignore_index=True)
    totals["market"] = WORLD

    magnet_totals = totals[totals["product"] == MAGNETS]
    focus_totals = magnet_totals[magnet_totals["exporter"] == focus]
    focus_totals = focus_totals.set_index("year")["value"]
    absent = [year for year in chosen if year not in focus_totals.index]
    if absent:
        raise XlreeError(
            f"focus: {focus!r} is not among the top-8 exporters of {MAGNETS} in "
            f"{', '.join(map(str, absent))}, so its total is unknown."
        )
    world_totals = magnet_totals[magnet_totals["exporter"] == WORLD]
    world_totals = world_totals.set_index("year")["value"]

    flows = _magnet_flows()
    flows = flows[flows["year"].isin(chosen)].rename(columns={"importer": "market"})
    focus_markets = flows.loc[flows["exporter"] == focus, ["year", "market", "value"]]
    world_markets = flows.groupby(["year", "market"], as_index=False)["value"].sum()
    blocks = [
        _add_residual_market(focus_markets, focus_totals, focus).assign(exporter=focus),
        _add_residual_market(world_markets, world_totals, WORLD).assign(exporter=WORLD),
    ]
    markets = pd.concat(blocks, ignore_index=True).assign(product=MAGNETS)

    table = pd.concat([totals, markets], ignore_index=True)
    table["value"] = table["value"].astype(float)
    table = table[["year", "product", "exporter", "market", "value"]]
    return table.sort_values(["year", "product", "exporter", "market"]).reset_index(
        drop=True
    )


def chain_flows(
    exporter: str = "CN", years: Iterable[int] = STUDY_YEARS
) -> pd.DataFrame:
    """CMS input for one exporter: its exports and the world's, by market.

    Parameters
    ----------
    exporter : str, default "CN"
    years : iterable of int, default 2008-2019

    Returns
    -------
    DataFrame
        Columns ``year, product, market, exports, world``: 850511 by market
        (including ``"Other markets"``), the other products with the single
        market ``"World"``. A market the exporter did not reach has 0.

    Raises
    ------
    XlreeError
        If the exporter is outside the top 8 of a product in one of the years.
    """
    table = trade_table(years, focus=exporter)
    by_market = table["product"] == MAGNETS
    keep = by_market != (table["market"] == WORLD)
    wide = table[keep].pivot_table(
        index=["year", "product", "market"],
        columns="exporter",
        values="value",
        aggfunc="sum",
    )
    if exporter not in wide.columns:
        wide[exporter] = float("nan")
    flows = wide[[exporter, WORLD]].rename(
        columns={exporter: "exports", WORLD: "world"}
    )
    flows = flows.reset_index()
    missing = flows.loc[flows["product"] != MAGNETS].loc[lambda f: f["exports"].isna()]
    if len(missing):
        cells = ", ".join(f"{row.product} {row.year}" for row in missing.itertuples())
        raise XlreeError(
            f"exporter: {exporter!r} is not among the top-8 exporters of {cells}."
        )
    flows["exports"] = flows["exports"].fillna(0.0)
    flows.columns.name = None
    return flows


def country_totals(
    years: Iterable[int] = STUDY_YEARS, countries: Iterable[str] | None = None
) -> pd.DataFrame:
    """Total merchandise exports (WDI ``tx.val.mrch.cd.wt``), the RCA denominators.

    Parameters
    ----------
    years : iterable of int, default 2008-2019
    countries : iterable of str, optional
        ISO2 codes; by default every exporter of :func:`trade_table` in these
        years. ``"World"`` (WDI aggregate WLD) is always included.

    Returns
    -------
    DataFrame
        Columns ``year, country, total_exports`` (current USD), one row per
        country and year; a country-year WDI does not report is NaN and an
        :class:`~xlree._validation.XlreeWarning` names it (Taiwan, for
        instance, is not in WDI).
    """
    chosen = _check_years(years)
    if countries is None:
        top = _top_traders()
        top = top[(top["role"] == "exporter") & top["year"].isin(chosen)]
        countries = sorted(set(top["country"]))
    wanted = [country for country in countries if country != WORLD] + [WORLD]
    codes = iso2_to_iso3(wanted)
    wdi = _wdi("tx.val.mrch.cd.wt")
    values = wdi.set_index(["iso3", "year"])["value"]
    grid = pd.MultiIndex.from_product([chosen, wanted], names=["year", "country"])
    lookup = [(codes[country], year) for year, country in grid]
    table = pd.DataFrame(
        {"total_exports": values.reindex(lookup).to_numpy()}, index=grid
    ).reset_index()
    gaps = table[table["total_exports"].isna()]
    if len(gaps):
        cells = gaps.groupby("country")["year"].apply(lambda y: ",".join(map(str, y)))
        listed = "; ".join(f"{country} {years}" for country, years in cells.items())
        warn(f"country_totals: WDI has no merchandise exports for {listed}; left NaN.")
    return table
