"""The bundled CSV files of :mod:`xlree.datasets`, each read once and cached.

Private readers that :mod:`xlree.datasets` (which hands out copies) and
:mod:`xlree._trade` (which builds the study's tables) share, the constants
both use and the ISO2 -> ISO3 mapping (:func:`iso2_to_iso3`, re-exported by
:mod:`xlree.datasets`). Every CSV is read with ``keep_default_na=False`` so
that Namibia's ISO2 code ``"NA"`` is not mistaken for a missing value.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources

import pandas as pd

from xlree._validation import XlreeError
from xlree.study import WORLD  # the study's label of world rows and all markets

__all__ = [
    "MAGNETS",
    "OTHER_MARKETS",
    "STUDY_YEARS",
    "WDI_CODES",
    "WORLD",
    "iso2_to_iso3",
]

OTHER_MARKETS = "Other markets"
STUDY_YEARS = range(2008, 2020)
MAGNETS = "850511"

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


def _baci_csv(path: str, **columns: str) -> pd.DataFrame:
    """A BACI extract: HS6 codes kept as text, ``hs6`` renamed ``product``."""
    frame = _read_csv(path, dtype={"hs6": str})
    return frame.rename(columns={"hs6": "product", **columns})


@cache
def _world_totals() -> pd.DataFrame:
    return _baci_csv(
        "baci_rare_earths/baci_re_world_totals_2008_2019.csv",
        world_export_usd="value",
        world_tonnes="tonnes",
        n_bilateral_flows="n_flows",
    )


@cache
def _top_traders() -> pd.DataFrame:
    return _baci_csv(
        "baci_rare_earths/baci_re_top8_exporters_importers_2008_2019.csv",
        iso2="country",
        value_usd="value",
        share_of_world="share",
    )


@cache
def _magnet_flows() -> pd.DataFrame:
    return _baci_csv(
        "baci_magnets_bilateral/baci_850511_bilateral_top6_2002_2024.csv",
        exporter_iso2="exporter",
        importer_iso2="importer",
        value_usd="value",
    )


@cache
def _names() -> dict[str, str]:
    frame = _read_csv("baci_magnets_bilateral/iso2_names.csv")
    return dict(zip(frame["iso2"], frame["name"], strict=True))


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
            "xlree._data_files._ISO3_BY_HAND after checking the WDI country list."
        )
    return {country: table[country] for country in countries}


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
