"""The study's trade tables, built from the bundled BACI and WDI files.

:func:`trade_table`, :func:`chain_flows` and :func:`country_totals` are
re-exported by :mod:`xlree.datasets`; its module docstring states how the
residual market ``"Other markets"`` closes each total.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from xlree._data_files import (
    MAGNETS,
    OTHER_MARKETS,
    STUDY_YEARS,
    WORLD,
    _check_years,
    _magnet_flows,
    _top_traders,
    _wdi,
    _world_totals,
    iso2_to_iso3,
)
from xlree._validation import XlreeError, warn

__all__ = ["chain_flows", "country_totals", "trade_table"]


def _top_exporters(years: list[int]) -> pd.DataFrame:
    """The rows of the top-8 exporters in ``years``."""
    top = _top_traders()
    return top[(top["role"] == "exporter") & top["year"].isin(years)]


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
    top = _top_exporters(chosen)
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
        countries = sorted(set(_top_exporters(chosen)["country"]))
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
