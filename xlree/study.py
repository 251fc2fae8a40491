"""The competitiveness study: the three methods run on one set of tidy inputs.

:class:`StudyInputs` is what the input sheets of a workbook hold (see
:mod:`xlree.sheets`); :func:`run_study` turns it into labelled result tables
(:class:`StudyResults`). Nothing here knows about Excel: the CLI, the ribbon
and the templates all call :func:`run_study`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from xlree._validation import XlreeError, XlreeWarning, check_choice, warn
from xlree.cms import cms_periods
from xlree.entropy import DEFAULT_SHIFT, entropy_weights
from xlree.rca import market_share, normalized_rca, nrca, rca, rsca

__all__ = [
    "ANALYSES",
    "DEFAULT_SETTINGS",
    "StudyInputs",
    "StudyResults",
    "cms_flows",
    "resolve_settings",
    "run_study",
]

#: The label of world rows (exporter) and of all markets together (market).
WORLD = "World"

#: Settings used when a workbook's Settings sheet leaves one out.
DEFAULT_SETTINGS: dict[str, Any] = {
    "exporter": "CN",
    "breaks": [2008, 2011, 2015, 2019],
    "cms_method": "jepma",
    "entropy_method": "minmax",
    "shift": None,  # None: the entropy module's DEFAULT_SHIFT
    "nrca_variant": "relative",
    "first_year": 2008,
    "last_year": 2019,
}


@dataclass
class StudyInputs:
    """The tidy tables behind a study (one per input sheet).

    Attributes
    ----------
    trade : DataFrame
        ``year, product, exporter, market, value``. ``exporter == "World"`` rows
        are world exports; ``market == "World"`` rows are exports to all markets.
    totals : DataFrame
        ``year, country, total_exports``; ``country == "World"`` for the world.
    segments : DataFrame
        ``product, description, segment``.
    indicators : DataFrame
        ``country, year`` and one column per indicator.
    indicator_info : DataFrame
        ``indicator, name, dimension, direction, unit, source``.
    settings : dict
        See :data:`DEFAULT_SETTINGS`.
    """

    trade: pd.DataFrame
    totals: pd.DataFrame
    segments: pd.DataFrame
    indicators: pd.DataFrame
    indicator_info: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_SETTINGS))


@dataclass
class StudyResults:
    """Labelled result tables of a study, ready for sheets or the terminal.

    Attributes
    ----------
    settings : dict
        The settings used (defaults filled in).
    cms : DataFrame
        ``segment, period, start, end, effect, level, value, share`` for the
        focus exporter: segment "all" (every product, the world as one market)
        then one block per segment (with the markets the data has).
    entropy : EntropyResult or None
        Weights, dimension weights and the pooled country-year scores.
    indicator_table : DataFrame
        One row per indicator: name, dimension, direction, weight, entropy.
    rca : DataFrame
        ``year, country, product, segment, exports, market_share, rca, rsca,
        normalized_rca, score, nrca``.
    notes : list of str
        What was done on the user's behalf (warnings raised while computing).
    """

    settings: dict[str, Any]
    cms: pd.DataFrame
    entropy: Any
    indicator_table: pd.DataFrame
    rca: pd.DataFrame
    notes: list[str] = field(default_factory=list)


ANALYSES = ("cms", "entropy", "rca")


def resolve_settings(settings: Mapping[str, Any] | None) -> dict[str, Any]:
    """Fill in defaults and check the settings a study runs with."""
    resolved = dict(DEFAULT_SETTINGS)
    for key, value in (settings or {}).items():
        if value is not None and value != "":
            resolved[key] = value
    resolved["breaks"] = sorted(int(year) for year in resolved["breaks"])
    resolved["first_year"] = int(resolved["first_year"])
    resolved["last_year"] = int(resolved["last_year"])
    if resolved["first_year"] > resolved["last_year"]:
        raise XlreeError(
            f"first_year: {resolved['first_year']} is after last_year "
            f"{resolved['last_year']}; swap them."
        )
    if resolved["shift"] is None:
        resolved["shift"] = DEFAULT_SHIFT
    resolved["exporter"] = str(resolved["exporter"]).strip()
    return resolved


def run_study(inputs: StudyInputs, analyses: Sequence[str] = ANALYSES) -> StudyResults:
    """Run the chosen analyses on ``inputs`` and return labelled tables.

    Warnings raised while computing are kept, in order and without repeats, in
    ``notes`` so that the About sheet can show them next to the results.
    """
    analyses = [check_choice(a, "analyses", ANALYSES) for a in analyses]
    settings = resolve_settings(inputs.settings)
    with _xlree_warnings() as messages:
        cms = _run_cms(inputs, settings) if "cms" in analyses else _EMPTY_CMS
        entropy_result, indicator_table, scores = _run_entropy(inputs, settings)
        rca = _run_rca(inputs, settings, scores) if "rca" in analyses else None
    notes = list(dict.fromkeys(messages))  # in order, without repeats
    return StudyResults(
        settings=settings,
        cms=cms,
        entropy=entropy_result,
        indicator_table=indicator_table,
        rca=rca if rca is not None else pd.DataFrame(columns=RCA_COLUMNS),
        notes=notes,
    )


_EMPTY_CMS = pd.DataFrame(
    columns=["segment", "period", "start", "end", "effect", "level", "value", "share"]
)
RCA_COLUMNS = [
    "year",
    "country",
    "product",
    "segment",
    "exports",
    "market_share",
    "rca",
    "rsca",
    "normalized_rca",
    "score",
    "nrca",
]


@contextmanager
def _context(label: str) -> Iterator[None]:
    """Say where a warning or an error of the methods arose (segment, year).

    The methods name their own arguments (``flows``, ``nrca``); a user of a
    workbook needs the analysis and the period or year too. NaN, which the
    sheets show as a blank cell, is called blank.
    """
    with _xlree_warnings() as messages:
        try:
            yield
        except XlreeError as error:
            raise XlreeError(f"{label}: {error}") from None
    for text in messages:
        warn(f"{label}: {text.replace(' is NaN', ' is left blank')}", stacklevel=2)


@contextmanager
def _xlree_warnings() -> Iterator[list[str]]:
    """Collect the messages of XlreeWarnings raised inside; let others through."""
    messages: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", XlreeWarning)
        yield messages
    for warning in caught:
        if issubclass(warning.category, XlreeWarning):
            messages.append(str(warning.message))
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )


def _in_years(frame: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    years = frame["year"].astype(int)
    keep = years.between(settings["first_year"], settings["last_year"])
    return frame.loc[keep]


def cms_flows(trade: pd.DataFrame, exporter: str, *, by_market: bool) -> pd.DataFrame:
    """The exporter's and the world's flows, ``year, product, market, exports, world``.

    With ``by_market`` a product's market rows are used where the trade table
    has any (the ``"World"`` row of that product is then their sum and is left
    out); otherwise every product is taken with the world as one market.
    """
    if trade.empty:
        raise XlreeError(
            "Trade: the sheet has no data rows in the years chosen; enter the "
            "exporter's and the world's exports (year, product, exporter, market, "
            "value)."
        )
    rows = trade[trade["exporter"].isin([exporter, WORLD])]
    if exporter not in set(rows["exporter"]):
        raise XlreeError(
            f"exporter: {exporter!r} has no rows in the Trade sheet; give one of "
            f"{', '.join(sorted(set(trade['exporter']) - {WORLD}))}."
        )
    detailed = set(rows.loc[rows["market"] != WORLD, "product"])
    if by_market:
        keep = (rows["market"] != WORLD) | ~rows["product"].isin(detailed)
    else:
        keep = rows["market"] == WORLD
    rows = rows.loc[keep]
    table = rows.pivot_table(
        index=["year", "product", "market"],
        columns="exporter",
        values="value",
        aggfunc="sum",
    )
    table = table.reindex(columns=[exporter, WORLD])
    table.columns = ["exports", "world"]
    return table.reset_index()


def _run_cms(inputs: StudyInputs, settings: Mapping[str, Any]) -> pd.DataFrame:
    trade = _in_years(inputs.trade, settings)
    exporter, breaks = settings["exporter"], settings["breaks"]
    method = settings["cms_method"]
    with _context(f"CMS of {exporter}, segment 'all' (Trade sheet)"):
        flows = cms_flows(trade, exporter, by_market=False)
        blocks = [cms_periods(flows, breaks, method)]
    segments = _segment_map(inputs)
    detail = cms_flows(trade, exporter, by_market=True)
    for segment in dict.fromkeys(segments.values()):
        products = [p for p, s in segments.items() if s == segment]
        flows = detail[detail["product"].isin(products)]
        if flows.empty:
            continue
        with _context(f"CMS of {exporter}, segment {segment!r} (Trade sheet)"):
            block = cms_periods(flows, breaks, method)
        block["segment"] = segment
        blocks.append(block)
    return pd.concat(blocks, ignore_index=True)


def _segment_map(inputs: StudyInputs) -> dict[str, str]:
    segments = inputs.segments
    return dict(zip(segments["product"].astype(str), segments["segment"], strict=True))


def _run_entropy(inputs: StudyInputs, settings: Mapping[str, Any]):
    info = inputs.indicator_info.set_index("indicator")
    panel = _in_years(inputs.indicators, settings).set_index(["country", "year"])
    panel = panel[list(info.index)]
    with _context("Entropy (Indicators sheet)"):
        result = entropy_weights(
            panel,
            directions=info["direction"].to_dict(),
            shift=settings["shift"],
            method=settings["entropy_method"],
            dimensions=info["dimension"].to_dict(),
            missing="drop",
        )
    table = info[["name", "dimension", "direction"]].copy()
    table["entropy"] = result.entropy
    table["divergence"] = result.divergence
    table["weight"] = result.weights
    table = table.reset_index()
    scores = result.scores.rename("score").reset_index()
    return result, table, scores


def _run_rca(
    inputs: StudyInputs, settings: Mapping[str, Any], scores: pd.DataFrame
) -> pd.DataFrame:
    trade = _in_years(inputs.trade, settings)
    trade = trade[trade["market"] == WORLD]
    totals = inputs.totals.set_index(["year", "country"])["total_exports"]
    segments = _segment_map(inputs)
    frames = []
    for year, rows in trade.groupby("year", sort=True):
        exports = rows[rows["exporter"] != WORLD].pivot_table(
            index="exporter", columns="product", values="value", aggfunc="sum"
        )
        world = rows[rows["exporter"] == WORLD].groupby("product")["value"].sum()
        exports = exports.reindex(columns=world.index)
        country_totals = totals.reindex(
            pd.MultiIndex.from_product([[year], exports.index])
        ).droplevel(0)
        lacking = country_totals.index[country_totals.isna()]
        if len(lacking):
            warn(
                f"RCA {year}: no total exports for {', '.join(lacking)} in the "
                "Totals sheet; their RCA is left blank.",
                stacklevel=2,
            )
            exports = exports.drop(index=lacking)
            country_totals = country_totals.drop(index=lacking)
        world_total = totals.get((year, WORLD))
        if world_total is None or pd.isna(world_total) or world_total <= 0:
            raise XlreeError(
                f"Totals: no positive total for country 'World' in {year}; enter "
                "the world's total exports for that year (the RCA denominator)."
            )
        arguments = dict(
            country_totals=country_totals,
            world_product_totals=world,
            world_total=float(world_total),
        )
        year_scores = scores[scores["year"] == year].set_index("country")["score"]
        with _context(f"RCA {year} (Trade and Totals sheets)"):
            balassa = rca(exports, **arguments)
            measures = {
                "exports": exports,
                "market_share": market_share(exports, world),
                "rca": balassa,
                "rsca": rsca(exports, **arguments),
                "normalized_rca": normalized_rca(exports, **arguments),
                "nrca": nrca(balassa, year_scores, variant=settings["nrca_variant"]),
            }
        table = pd.concat(
            [_long(frame, name) for name, frame in measures.items()], axis=1
        ).reset_index()
        table = table[table["exports"].notna()]
        table.insert(0, "year", int(year))
        table["segment"] = table["product"].map(segments)
        table["score"] = table["country"].map(year_scores)
        frames.append(table)
    result = pd.concat(frames, ignore_index=True)
    return result[RCA_COLUMNS]


def default_inputs(**settings: Any) -> StudyInputs:
    """The rare-earth study's inputs, built from the bundled real data.

    Keyword arguments override :data:`DEFAULT_SETTINGS` (e.g. ``exporter="JP"``).
    """
    from xlree import datasets, indicators

    resolved = dict(DEFAULT_SETTINGS)
    resolved.update({k: v for k, v in settings.items() if v is not None})
    years = range(int(resolved["first_year"]), int(resolved["last_year"]) + 1)
    trade = datasets.trade_table(years)
    segments = pd.DataFrame(
        {
            "product": list(datasets.DEFAULT_SEGMENTS),
            "description": [
                datasets.PRODUCT_DESCRIPTIONS[p] for p in datasets.DEFAULT_SEGMENTS
            ],
            "segment": list(datasets.DEFAULT_SEGMENTS.values()),
        }
    )
    with warnings.catch_warnings():
        # Taiwan and other gaps in WDI are reported again by the RCA step.
        warnings.simplefilter("ignore", XlreeWarning)
        totals = datasets.country_totals(years)
        # A country WDI does not report (Taiwan) has no row: the Totals sheet
        # holds numbers only, and the RCA step names the exporters it skips.
        totals = totals.dropna(subset=["total_exports"]).reset_index(drop=True)
        panel = indicators.default_indicator_panel(years=years)
    info = indicators.INDICATORS[
        ["indicator", "name", "dimension", "direction", "unit", "source"]
    ].copy()
    return StudyInputs(
        trade=trade,
        totals=totals,
        segments=segments,
        indicators=panel,
        indicator_info=info,
        settings=resolved,
    )


def _long(frame: pd.DataFrame, name: str) -> pd.Series:
    """A (country x product) table as one Series indexed by (country, product)."""
    frame = frame.rename_axis(index="country", columns="product")
    long = frame.reset_index().melt(
        id_vars="country", var_name="product", value_name=name
    )
    return long.set_index(["country", "product"])[name]
