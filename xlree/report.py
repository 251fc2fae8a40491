"""Result sheets of a study: labelled tables, native charts and the About sheet.

Every function here turns :class:`~xlree.study.StudyResults` into
:class:`~xlree.layout.SheetLayout` objects; the writers in :mod:`xlree.book`
put them into a file or into a workbook open in Excel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from xlree import __version__
from xlree.layout import Chart, SheetLayout, Table
from xlree.study import StudyResults

__all__ = ["RESULT_SHEETS", "about_layout", "result_layouts"]

#: Sheet name of each analysis's results.
RESULT_SHEETS = {"cms": "CMS", "entropy": "Entropy", "rca": "RCA", "about": "About"}

USD = "#,##0"
RATIO = "0.0000"
SHARE = "0.0%"

SUBTOTALS = ["structural effect", "competitive effect", "second-order effect"]


def result_layouts(
    results: StudyResults, analyses: Sequence[str] = ("cms", "entropy", "rca")
) -> list[SheetLayout]:
    """The result sheets of the chosen analyses, in workbook order."""
    builders = {"cms": cms_layout, "entropy": entropy_layout, "rca": rca_layout}
    return [
        builders[name](results)
        for name in ("cms", "entropy", "rca")
        if name in analyses
    ]


def cms_layout(results: StudyResults) -> SheetLayout:
    """CMS effects for the focus exporter, by segment and period."""
    settings = results.settings
    cms = results.cms
    summary = cms[cms["level"] != "effect"].pivot_table(
        index=["segment", "period"], columns="effect", values="value", sort=False
    )
    columns = [c for c in [*SUBTOTALS, "total change"] if c in summary.columns]
    # USD million for trade in the millions (the rare-earth study); plain USD
    # for small figures such as the template's example, which would read 0.0.
    large = summary[columns].abs().max().max() >= 1e7
    scale, unit = (1e6, "USD million") if large else (1.0, "USD")
    summary = (summary[columns] / scale).reset_index()
    summary.insert(0, "segment / period", summary["segment"] + " " + summary["period"])
    summary = summary.drop(columns=["segment", "period"])

    detail = cms[["segment", "period", "effect", "level", "value", "share"]]
    detail = detail.rename(columns={"value": "value (USD)"})
    tables = [
        Table(
            f"Effects by segment and period ({unit})",
            summary,
            number_format="#,##0.0" if large else USD,
        ),
        Table(
            "Every effect, with its share of the total change",
            detail.reset_index(drop=True),
            number_format=USD,
            formats={"share": SHARE},
        ),
    ]
    charts = [
        Chart(
            "column",
            f"CMS effects on {settings['exporter']}'s exports, by segment and period",
            table=0,
            categories="segment / period",
            series=[c for c in SUBTOTALS if c in summary.columns],
            y_title=unit,
        )
    ]
    notes = [
        f"Exporter {settings['exporter']}; method {settings['cms_method']}; "
        f"periods between the break years {', '.join(map(str, settings['breaks']))}.",
        "Segment 'all' takes every product with the world as one market; each "
        "segment block uses the markets the Trade sheet has for its products.",
        "In every row set the effects add up to the total change; see About.",
    ]
    flat = _one_cell_segments(cms)
    if flat:
        notes.append(
            f"Segments {', '.join(flat)} have one product and one market: their "
            "market, commodity, interaction and specific competitive effects are "
            "0 by construction, not findings."
        )
    return SheetLayout(
        name=RESULT_SHEETS["cms"],
        kind="cms",
        title="Constant-market-share decomposition of export growth",
        notes=notes,
        tables=tables,
        charts=charts,
    )


def _one_cell_segments(cms: pd.DataFrame) -> list[str]:
    """Segments whose structure terms are all exactly 0 in every period."""
    terms = ["market structure", "commodity structure", "structural interaction"]
    terms += ["specific competitive", "market distribution", "commodity composition"]
    rows = cms[cms["effect"].isin(terms)]
    flat = rows.groupby("segment", sort=False)["value"].apply(
        lambda values: bool((values == 0).all())
    )
    return [str(segment) for segment, is_flat in flat.items() if is_flat]


def entropy_layout(results: StudyResults) -> SheetLayout:
    """Indicator weights, dimension weights and country scores."""
    entropy = results.entropy
    weights = results.indicator_table
    dimensions = entropy.dimension_weights.rename("weight").rename_axis("dimension")
    scores = entropy.scores.rename("score").reset_index()
    by_year = scores.pivot_table(index="year", columns="country", values="score")
    by_year = by_year.reset_index()
    by_year["year"] = by_year["year"].astype(int)
    tables = [
        Table(
            "Indicator weights",
            weights,
            number_format=RATIO,
        ),
        Table("Dimension weights", dimensions.reset_index(), number_format=RATIO),
        Table("Composite score by country and year", by_year, number_format=RATIO),
    ]
    countries = [c for c in by_year.columns if c != "year"]
    charts = [
        Chart(
            "bar",
            "Entropy weights of the indicators",
            0,
            "indicator",
            ["weight"],
            y_title="weight",
        ),
        Chart(
            "column",
            "Weights of the dimensions",
            1,
            "dimension",
            ["weight"],
            y_title="weight",
        ),
        Chart(
            "line",
            "Composite competitiveness score",
            2,
            "year",
            countries,
            y_title="score (0-1)",
            x_title="year",
        ),
    ]
    settings = results.settings
    notes = [
        f"Pooled panel of country-year rows; normalization "
        f"{settings['entropy_method']}, shift {settings['shift']:g}.",
        f"{len(entropy.dropped)} country-year rows left out for missing values "
        "(listed on the About sheet)."
        if len(entropy.dropped)
        else "No country-year row was left out for missing values.",
    ]
    return SheetLayout(
        name=RESULT_SHEETS["entropy"],
        kind="entropy",
        title="Entropy weight method: indicator weights and composite scores",
        notes=notes,
        tables=tables,
        charts=charts,
    )


def rca_layout(results: StudyResults) -> SheetLayout:
    """RCA, RSCA, normalized RCA and NRCA by country, product and year."""
    rca = results.rca
    tables = []
    charts = []
    for product, rows in rca.groupby("product", sort=False):
        pivot = rows.pivot_table(index="year", columns="country", values="nrca")
        pivot = pivot.reset_index()
        pivot["year"] = pivot["year"].astype(int)
        segment = rows["segment"].iloc[0]
        tables.append(
            Table(f"NRCA of {product} ({segment}) by year and country", pivot)
        )
        charts.append(
            Chart(
                "line",
                f"NRCA of {product} ({segment})",
                table=len(tables) - 1,
                categories="year",
                series=[c for c in pivot.columns if c != "year"],
                y_title="NRCA",
                x_title="year",
            )
        )
    tables.append(
        Table(
            "All measures by year, country and product",
            rca.reset_index(drop=True),
            number_format=RATIO,
            formats={
                "exports": USD,
                "market_share": SHARE,
                "normalized_rca": "0.000E+00",
            },
        )
    )
    settings = results.settings
    notes = [
        "RCA = (X_cp / X_c) / (W_p / W); X_c and W from the Totals sheet, W_p from "
        "the Trade sheet's World rows. NRCA = RCA x entropy score"
        + (
            " / mean score of the year's exporters."
            if settings["nrca_variant"] == "relative"
            else "."
        ),
        "Only exporters in the Trade sheet appear; a blank cell is not applicable "
        "(no exports recorded, or no score).",
    ]
    unscored = sorted(set(rca.loc[rca["score"].isna(), "country"]))
    if unscored:
        notes.append(
            "No entropy score (not in the Indicators sheet), so RCA but no NRCA: "
            + ", ".join(unscored)
            + ". The NRCA charts leave them out; their RCA is in the last table."
        )
    return SheetLayout(
        name=RESULT_SHEETS["rca"],
        kind="rca",
        title="Revealed comparative advantage and NRCA",
        notes=notes,
        tables=tables,
        charts=charts,
    )


def about_layout(
    results: StudyResults,
    *,
    attribution: Mapping[str, str],
    limits: Mapping[str, str],
    glossary: Sequence[tuple[str, str, str]] | None = None,
) -> SheetLayout:
    """The About sheet: sources, methods and parameters, limits, and a glossary."""
    settings = results.settings
    sources = pd.DataFrame(
        {"source": list(attribution), "attribution": list(attribution.values())}
    )
    limit_table = pd.DataFrame({"source": list(limits), "limit": list(limits.values())})
    parameters = pd.DataFrame(
        {
            "setting": list(settings),
            "value": [_text(v) for v in settings.values()],
        }
    )
    tables = [
        Table("Sources and attribution", sources),
        Table("Method variants and parameters", parameters),
        Table("Limits of the data", limit_table),
        Table(
            "What every column means",
            pd.DataFrame(glossary or GLOSSARY, columns=["sheet", "column", "meaning"]),
        ),
    ]
    if results.notes:
        tables.append(
            Table(
                "Done on your behalf while computing",
                pd.DataFrame({"note": results.notes}),
            )
        )
    return SheetLayout(
        name=RESULT_SHEETS["about"],
        kind="about",
        title=f"About this workbook (xlree {__version__})",
        notes=[
            "Computed by xlree from the input sheets of this workbook.",
            "Formulas and references: docs/methods.md of the xlree project.",
        ],
        tables=tables,
    )


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)


GLOSSARY: list[tuple[str, str, str]] = [
    (
        "CMS",
        "world growth",
        "Export change had the exporter kept its base-year "
        "share of world exports: S0 x (Q1 - Q0).",
    ),
    (
        "CMS",
        "market structure",
        "Gain from serving markets whose imports grew "
        "faster than the world's (Jepma: A - B).",
    ),
    (
        "CMS",
        "commodity structure",
        "Gain from specialising in products whose "
        "world trade grew faster (Jepma: A - C).",
    ),
    (
        "CMS",
        "structural interaction",
        "Joint product-market structure term (Jepma: (B - S0 dQ) - (A - C)).",
    ),
    ("CMS", "structural effect", "Sum of the four structural terms: A."),
    (
        "CMS",
        "A, B, C",
        "A = sum_ij S0_ij dQ_ij (cell shares), B = sum_i S0_i dQ_i (product "
        "shares), C = sum_j S0_j dQ_j (market shares); S = q / Q, the exporter's "
        "share of world exports; 0 = base year; d = change.",
    ),
    (
        "CMS",
        "general competitive",
        "Change in the overall share times base-year world exports: dS x Q0.",
    ),
    (
        "CMS",
        "specific competitive",
        "Share changes in particular cells beyond the "
        "overall one: sum dS_ij Q0_ij - dS Q0.",
    ),
    ("CMS", "competitive effect", "sum dS_ij Q0_ij: change in market shares."),
    ("CMS", "pure second-order", "(Q1/Q0 - 1) x sum dS_ij Q0_ij."),
    (
        "CMS",
        "dynamic structural residual",
        "Second-order effect less its pure part: shares rising where world trade rose.",
    ),
    ("CMS", "second-order effect", "sum dS_ij dQ_ij."),
    ("CMS", "total change", "q1 - q0, the change in the exporter's exports (USD)."),
    ("CMS", "share", "An effect divided by the total change."),
    (
        "CMS",
        "level",
        "effect: one term; subtotal: the sum of the terms above it (structural, "
        "competitive, second-order); total: the total change.",
    ),
    (
        "CMS",
        "value (USD)",
        "The effect in USD; the summary table shows the subtotals in the unit "
        "its title gives.",
    ),
    (
        "CMS",
        "Leamer-Stern effects",
        "world growth r q0; commodity composition "
        "sum_i (r_i - r) q0_i; market distribution sum_ij (r_ij - r_i) q0_ij; "
        "competitiveness: the residual.",
    ),
    (
        "Entropy",
        "entropy",
        "e_j = -k sum_i p_ij ln p_ij, k = 1 / ln(rows), 0 ln 0 = 0.",
    ),
    ("Entropy", "divergence", "d_j = 1 - e_j."),
    (
        "Entropy",
        "weight",
        "w_j = d_j / sum d_j; a dimension's weight is the sum of its indicators'.",
    ),
    (
        "Entropy",
        "score",
        "sum_j w_j z_ij, z the min-max normalized value "
        "(cost indicators reversed), in [0, 1].",
    ),
    ("RCA", "exports", "Exports of the product by the country (USD, Trade sheet)."),
    ("RCA", "market_share", "Exports / world exports of the product."),
    ("RCA", "rca", "Balassa RCA: (X_cp / X_c) / (W_p / W)."),
    ("RCA", "rsca", "(RCA - 1) / (RCA + 1), in (-1, 1)."),
    ("RCA", "normalized_rca", "Yu-Cai-Leung: X_cp / W - X_c W_p / W^2."),
    ("RCA", "score", "The country's entropy composite score in that year."),
    (
        "RCA",
        "nrca",
        "RCA x score / mean score of the year's exporters (relative) "
        "or RCA x score (product), per the nrca_variant setting. NRCA here is "
        "this score-adjusted RCA; Yu-Cai-Leung's normalized RCA, which the "
        "literature also abbreviates NRCA, is the column normalized_rca.",
    ),
]
