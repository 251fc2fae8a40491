"""The template workbooks: rare-earth study and an empty one for any product group.

:func:`generate_template` writes a workbook with

- an **Instructions** sheet (built from :data:`xlree.sheets.INPUT_SHEETS`);
- the **input sheets** as Excel tables with data validation
  (:func:`xlree.sheets.write_inputs`);
- a **Formulas** sheet where an analyst edits: native Excel formulas (SUMIFS)
  that gather the focus exporter's and the world's exports by product and
  market from the Trade sheet, and xlree worksheet functions
  (``ENTROPY_WEIGHTS``, ``CMS_EFFECTS``) on those ranges;
- the **result sheets** with native charts, written by
  :func:`xlree.refresh.refresh` exactly as a user's refresh would.

Formula cells carry their values
--------------------------------
openpyxl writes a formula without a cached value, so a reader without the
add-in (or a viewer that does not recalculate) would see blanks or errors. The
values of every formula written here are computed in Python with the same
core functions the worksheet functions call, and written into the ``<v>``
element of each formula cell after openpyxl has saved the file
(:func:`xlree._package.rewrite_zip`). A function returning a table is spread over
cells as ``=INDEX(CMS_EFFECTS(...), i, j)``, one ordinary formula per cell:
LibreOffice discards the stored values of an *array* formula whose function
it does not know, but keeps those of ordinary formulas. ``fullCalcOnLoad`` is
off and ``calcId`` is current Excel's (:data:`EXCEL_CALC_ID`), so that Excel
shows the stored values on opening rather than recalculating.

Reproducible files
------------------
Generating twice gives byte-identical files: the document properties carry a
fixed creator and timestamps (:data:`FIXED_TIMESTAMP`) and the zip archive is
rewritten with its entries in openpyxl's order, a fixed date and fixed
permissions (:func:`xlree._package.rewrite_zip`).
"""

from __future__ import annotations

import datetime
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from xlree._package import CachedValues, rewrite_zip
from xlree._validation import XlreeError, check_choice
from xlree.sheets import INPUT_SHEETS, SETTINGS_HELP, write_inputs
from xlree.study import DEFAULT_SETTINGS, WORLD, StudyInputs

__all__ = [
    "FIXED_TIMESTAMP",
    "KINDS",
    "WORKBOOK_FILES",
    "example_inputs",
    "generate_template",
    "template_inputs",
]

#: The kinds of template ``xlree template KIND`` writes.
KINDS = ("rare-earths", "empty")

#: The file name of each kind in the repository's ``workbooks/`` folder.
WORKBOOK_FILES = {
    "rare-earths": "rare_earth_competitiveness.xlsx",
    "empty": "product_group_template.xlsx",
}

#: Creation and modification time written into every template's properties.
FIXED_TIMESTAMP = datetime.datetime(2024, 1, 1, 0, 0, 0)

#: Calculation engine id of current Excel (365, 2019 and later). A file with an
#: older id is fully recalculated when Excel opens it, which would turn the
#: stored values of xlree functions into #NAME? where the add-in is missing.
EXCEL_CALC_ID = 191029


def example_inputs() -> StudyInputs:
    """The worked example of the empty template (made-up numbers).

    Three products ``EX1-EX3`` in two segments, exporters ``XA``, ``XB``
    (ISO 3166 user-assigned codes, so no real country is implied) and the
    world, markets ``XM`` and ``XN``, years 2015-2019. The numbers grow
    smoothly and are invented: replace them with your own.
    """
    years = range(2015, 2020)
    products = {"EX1": "upstream", "EX2": "downstream", "EX3": "downstream"}
    rows = []
    for step, year in enumerate(years):
        for p, product in enumerate(products):
            for e, exporter in enumerate(("XA", "XB")):
                by_market = {
                    "XM": 100.0 * (p + 1) * (e + 2) * (1 + 0.10 * step * (1 - e)),
                    "XN": 80.0 * (p + 2) * (e + 1) * (1 + 0.05 * step * (1 + e)),
                }
                for market, value in by_market.items():
                    rows.append((year, product, exporter, market, round(value, 2)))
                rows.append((year, product, exporter, WORLD, sum(by_market.values())))
    trade = pd.DataFrame(
        rows, columns=["year", "product", "exporter", "market", "value"]
    )
    exporters = trade[trade["exporter"] != WORLD]
    world = exporters.groupby(["year", "product", "market"], as_index=False)["value"]
    world = world.sum().assign(exporter=WORLD)
    trade = pd.concat([trade, world], ignore_index=True)[list(trade.columns)]
    trade["value"] = trade["value"].round(2)
    totals = pd.DataFrame(
        [
            (year, country, base * 1.04**step)
            for step, year in enumerate(years)
            for country, base in (("XA", 50_000.0), ("XB", 80_000.0))
        ],
        columns=["year", "country", "total_exports"],
    )
    world_totals = totals.groupby("year", as_index=False)["total_exports"].sum()
    totals = pd.concat([totals, world_totals.assign(country=WORLD)])
    totals = totals[["year", "country", "total_exports"]].round(2)
    segments = pd.DataFrame(
        {
            "product": list(products),
            "description": [f"Example product {p[-1]}" for p in products],
            "segment": list(products.values()),
        }
    )
    indicators = pd.DataFrame(
        [
            (country, year, 10.0 + 3 * c + step, 5.0 - c + 0.5 * step, 2.0 + c * step)
            for c, country in enumerate(("XA", "XB", "XC"))
            for step, year in enumerate(years)
        ],
        columns=["country", "year", "output", "cost_index", "patents"],
    )
    indicator_info = pd.DataFrame(
        {
            "indicator": ["output", "cost_index", "patents"],
            "name": ["Example output", "Example cost index", "Example patents"],
            "dimension": ["scale", "cost", "innovation"],
            "direction": ["benefit", "cost", "benefit"],
            "unit": ["index", "index", "count"],
            "source": ["example", "example", "example"],
        }
    )
    settings = dict(
        DEFAULT_SETTINGS,
        exporter="XA",
        breaks=[2015, 2017, 2019],
        first_year=2015,
        last_year=2019,
    )
    return StudyInputs(trade, totals, segments, indicators, indicator_info, settings)


def template_inputs(kind: str) -> StudyInputs:
    """The inputs a template of ``kind`` is preloaded with."""
    kind = check_choice(kind, "kind", KINDS)
    if kind == "empty":
        return example_inputs()
    from xlree import study

    if not hasattr(study, "default_inputs"):
        raise XlreeError(
            "kind: the rare-earth inputs need xlree.study.default_inputs(), "
            "which this version of xlree lacks."
        )
    return study.default_inputs()


# ----------------------------------------------------------------- the sheets


_TITLES = {
    "rare-earths": "Rare-earth export competitiveness (xlree)",
    "empty": "Export competitiveness of a product group (xlree template)",
}


def _write_instructions(workbook: Workbook, kind: str) -> None:
    sheet = workbook.active
    sheet.title = "Instructions"
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 90
    sheet["A1"] = _TITLES[kind]
    sheet["A1"].font = Font(bold=True, size=14)
    lines = [
        "Enter your data in the input sheets (Trade, Totals, Segments, Indicators, "
        "IndicatorInfo, Settings), then press Refresh on the xlree ribbon or run "
        "`xlree refresh FILE`.",
        "xlree rewrites only the result sheets it created; your own sheets, charts "
        "and edits elsewhere are kept.",
        "Without the add-in the workbook shows the results of the last refresh.",
    ]
    if kind == "empty":
        lines.insert(
            0,
            "EXAMPLE DATA: the rows now in the input sheets are a made-up example "
            "(products EX1-EX3, countries XA, XB, XC). Replace them with your own.",
        )
    row = 2
    for line in lines:
        sheet.cell(row, 1, line)
        row += 1
    row += 1
    for column, title in enumerate(("Sheet", "Column", "What to enter"), start=1):
        sheet.cell(row, column, title).font = Font(bold=True)
    for spec in INPUT_SHEETS:
        row += 1
        sheet.cell(row, 1, spec.name).font = Font(bold=True)
        sheet.cell(row, 2, "(you edit)")
        sheet.cell(row, 3, spec.help)
        entries = [(c.name, c.help) for c in spec.columns]
        if spec.name == "Indicators":
            entries.append(("(others)", "One column per indicator: numbers or blank."))
        if spec.name == "Settings":
            entries = list(SETTINGS_HELP.items())
        for name, help_text in entries:
            row += 1
            sheet.cell(row, 2, name)
            sheet.cell(row, 3, help_text)
    row += 2
    sheet.cell(row, 1, "Formulas").font = Font(bold=True)
    sheet.cell(row, 2, "(you edit)")
    sheet.cell(
        row,
        3,
        "Native formulas gather exports by product and market; ENTROPY_WEIGHTS "
        "and CMS_EFFECTS are xlree functions (stored values shown without it).",
    )
    row += 1
    sheet.cell(row, 1, "Result sheets").font = Font(bold=True)
    sheet.cell(row, 2, "(xlree writes)")
    sheet.cell(row, 3, "Rewritten by every refresh; do not edit them.")
    for cells in sheet.iter_rows(min_col=3, max_col=3):
        cells[0].alignment = Alignment(wrap_text=True, vertical="top")


def _put(sheet: Any, cached: CachedValues, cell: str, formula: str, value: Any) -> None:
    """Write a formula and remember the value it must show."""
    sheet[cell] = formula
    cached.setdefault(sheet.title, {})[cell] = value


def _put_table(
    sheet: Any, cached: CachedValues, top_left: str, formula: str, values: list[list]
) -> None:
    """Spread a table-valued function over cells, ``=INDEX(formula, i, j)`` each.

    One ordinary formula per cell rather than an array formula: LibreOffice
    drops the stored values of an array formula whose function it does not
    know, and keeps those of an ordinary formula; every Excel version and
    Excel for the web read it the same way.
    """
    first = sheet[top_left]
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            cell = sheet.cell(first.row + r, first.column + c)
            _put(
                sheet,
                cached,
                cell.coordinate,
                f"=INDEX({formula},{r + 1},{c + 1})",
                value,
            )


def _write_formulas(workbook: Workbook, inputs: StudyInputs) -> CachedValues:
    """The analyst's sheet: SUMIFS matrices, then CMS_EFFECTS and ENTROPY_WEIGHTS."""
    from xlree.cms import cms_decompose
    from xlree.entropy import entropy_weights

    cached: CachedValues = {}
    sheet = workbook.create_sheet("Formulas")
    sheet.column_dimensions["A"].width = 26
    settings = dict(DEFAULT_SETTINGS, **inputs.settings)
    trade = inputs.trade
    n = len(trade) + 1
    focus, first, last = (
        settings["exporter"],
        settings["first_year"],
        settings["last_year"],
    )
    by_market = trade[(trade["market"] != WORLD) & (trade["exporter"] == focus)]
    products = sorted(set(by_market["product"]))
    markets = sorted(set(by_market["market"]))

    sheet["A1"] = "Analyst formulas: edit freely; xlree does not rewrite this sheet."
    sheet["A1"].font = Font(bold=True)
    sheet["A2"] = "Exporter"
    _put(sheet, cached, "B2", "=Settings!B2", focus)
    sheet["A3"] = "First year"
    _put(sheet, cached, "B3", "=Settings!B8", first)
    sheet["A4"] = "Last year"
    _put(sheet, cached, "B4", "=Settings!B9", last)

    # Four products x markets blocks gathered by SUMIFS from the Trade table.
    blocks = [("exports", first, "$B$3"), ("exports", last, "$B$4")]
    blocks += [("world", first, "$B$3"), ("world", last, "$B$4")]
    matrices, ranges, row = [], [], 6
    for who, year, year_cell in blocks:
        exporter_cell = "$B$2" if who == "exports" else '"World"'
        label = f"{'Exporter' if who == 'exports' else 'World'} exports, {year}"
        sheet.cell(row, 1, label).font = Font(bold=True)
        for j, market in enumerate(markets):
            sheet.cell(row, j + 2, market)
        matrix = np.zeros((len(products), len(markets)))
        for i, product in enumerate(products):
            sheet.cell(row + 1 + i, 1, product)
            for j, market in enumerate(markets):
                exporter = focus if who == "exports" else WORLD
                chosen = trade[
                    (trade["year"] == year)
                    & (trade["product"] == product)
                    & (trade["exporter"] == exporter)
                    & (trade["market"] == market)
                ]
                matrix[i, j] = float(chosen["value"].sum())
                market_column = get_column_letter(j + 2)
                cell = f"{market_column}{row + 1 + i}"
                formula = (
                    f"=SUMIFS(Trade!$E$2:$E${n},Trade!$A$2:$A${n},{year_cell},"
                    f"Trade!$B$2:$B${n},$A{row + 1 + i},Trade!$C$2:$C${n},"
                    f"{exporter_cell},Trade!$D$2:$D${n},{market_column}${row})"
                )
                _put(sheet, cached, cell, formula, matrix[i, j])
        matrices.append(matrix)
        end = f"{get_column_letter(len(markets) + 1)}{row + len(products)}"
        ranges.append(f"B{row + 1}:{end}")
        row += len(products) + 2

    sheet.cell(row, 1, "CMS_EFFECTS (xlree)").font = Font(bold=True)
    method = settings["cms_method"]
    table = cms_decompose(*matrices, method=method).table()
    values = [["effect", "value", "share"]]
    values += [
        [str(effect), float(value), float(share)]
        for effect, value, share in zip(
            table["effect"], table["value"], table["share"], strict=True
        )
    ]
    arguments = ",".join(ranges) + f',"{method}"'
    _put_table(sheet, cached, f"A{row + 1}", f"CMS_EFFECTS({arguments})", values)
    cms_rows = (row + 2, row + len(values))
    row += len(values) + 2

    # Entropy weights of the Indicators columns: a row of names, a row of weights.
    sheet.cell(row, 1, "ENTROPY_WEIGHTS (xlree)").font = Font(bold=True)
    info = inputs.indicator_info
    data = inputs.indicators[list(info["indicator"])]
    options = {"method": settings["entropy_method"]}
    if settings["shift"] is not None:
        options["shift"] = settings["shift"]
    weights = entropy_weights(
        data.to_numpy(dtype=float), directions=list(info["direction"]), **options
    ).weights.to_numpy(dtype=float)
    k = len(info)
    data_range = f"Indicators!$C$1:${get_column_letter(2 + k)}${len(data) + 1}"
    directions = f"IndicatorInfo!$D$2:$D${k + 1}"
    shift = "" if settings["shift"] is None else repr(float(settings["shift"]))
    formula = (
        f'ENTROPY_WEIGHTS({data_range},{directions},{shift},"{options["method"]}")'
    )
    names = [str(name) for name in info["indicator"]]
    _put_table(sheet, cached, f"B{row}", formula, [names, weights.tolist()])
    sheet.cell(row + 2, 1, "Sum of the weights")
    last = get_column_letter(1 + k)
    _put(
        sheet, cached, f"B{row + 2}", f"=SUM(B{row + 1}:{last}{row + 1})", weights.sum()
    )
    for cells in sheet.iter_rows(min_row=6, min_col=2):
        for cell in cells:
            cell.number_format = "#,##0"
            if cell.row > row or (
                cms_rows[0] <= cell.row <= cms_rows[1] and cell.column == 3
            ):
                cell.number_format = "0.0000"
    return cached


def _refresh_file(path: Path) -> None:
    """Add the result sheets exactly as ``xlree refresh`` would."""
    from xlree.book import OpenpyxlBook
    from xlree.refresh import refresh

    book = OpenpyxlBook(path)
    refresh(book)
    book.save()


def generate_template(kind: str, out_path: str | os.PathLike[str]) -> Path:
    """Write the template workbook ``kind`` to ``out_path``.

    Parameters
    ----------
    kind : {"rare-earths", "empty"}
        ``"rare-earths"``: the rare-earth study preloaded with the bundled data
        and its results. ``"empty"``: the template for any product group, with
        a small made-up example (:func:`example_inputs`) to replace.
    out_path : path-like
        Where to write the ``.xlsx`` file (replaced if it exists).

    Returns
    -------
    Path
        ``out_path``.

    Notes
    -----
    The same ``kind`` always gives a byte-identical file (see the module
    docstring). The result sheets come from :func:`xlree.refresh.refresh`, so
    the template shows what a refresh of its inputs shows.
    """
    kind = check_choice(kind, "kind", KINDS)
    target = Path(out_path)
    inputs = template_inputs(kind)
    workbook = Workbook()
    _write_instructions(workbook, kind)
    write_inputs(workbook, inputs)
    cached = _write_formulas(workbook, inputs)
    workbook.calculation.fullCalcOnLoad = False
    workbook.calculation.calcId = EXCEL_CALC_ID
    workbook.properties.creator = "xlree"
    workbook.properties.created = FIXED_TIMESTAMP
    with tempfile.TemporaryDirectory() as folder:
        draft = Path(folder) / "draft.xlsx"
        workbook.save(draft)
        _refresh_file(draft)
        rewrite_zip(draft, target, cached, FIXED_TIMESTAMP)
    return target
