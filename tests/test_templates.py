"""The template workbooks: reproducible, formulas with stored values, inputs intact."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from xlree._validation import XlreeError
from xlree.book import OpenpyxlBook
from xlree.entropy import entropy_weights
from xlree.sheets import INPUT_SHEETS, read_inputs
from xlree.templates import (
    KINDS,
    WORKBOOK_FILES,
    example_inputs,
    generate_template,
    template_inputs,
)

WORKBOOKS = Path(__file__).resolve().parents[1] / "workbooks"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("templates")
    return {
        kind: generate_template(kind, folder / WORKBOOK_FILES[kind]) for kind in KINDS
    }


@pytest.mark.parametrize("kind", KINDS)
def test_workbooks_folder_holds_what_the_command_produces(generated, kind):
    # Byte-identical: regenerate with `xlree template KIND --out workbooks/FILE`.
    committed = WORKBOOKS / WORKBOOK_FILES[kind]
    assert committed.read_bytes() == generated[kind].read_bytes()


def test_generating_twice_gives_the_same_bytes(generated, tmp_path):
    again = generate_template("empty", tmp_path / "again.xlsx")
    assert again.read_bytes() == generated["empty"].read_bytes()
    with zipfile.ZipFile(again) as archive:
        assert {info.date_time for info in archive.infolist()} == {
            (1980, 1, 1, 0, 0, 0)
        }
        core = archive.read("docProps/core.xml").decode()
    assert "<dc:creator>xlree</dc:creator>" in core
    assert core.count("2024-01-01T00:00:00Z") == 2


@pytest.mark.parametrize("kind", KINDS)
def test_every_formula_cell_stores_a_value(generated, kind):
    with zipfile.ZipFile(generated[kind]) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        cells = re.findall(
            r"<c [^>]*>(<f[^>]*>[^<]*</f>)(<v>[^<]+</v>)?</c>",
            "".join(archive.read(name).decode() for name in sheets),
        )
    assert len(cells) > 50
    assert [formula for formula, value in cells if not value] == []


def test_sheets_and_charts(generated):
    workbook = openpyxl.load_workbook(generated["rare-earths"])
    inputs = [spec.name for spec in INPUT_SHEETS]
    assert workbook.sheetnames[: len(inputs) + 2] == [
        "Instructions",
        *inputs,
        "Formulas",
    ]
    results = workbook.sheetnames[len(inputs) + 2 :]
    assert {"CMS", "Entropy", "RCA"} <= set(results)
    assert sum(len(workbook[name]._charts) for name in results) >= 3
    assert workbook.calculation.fullCalcOnLoad is False
    for spec in INPUT_SHEETS:
        assert list(workbook[spec.name].tables) == [spec.table_name]


def test_example_cms_cells_hold_the_decomposition(generated):
    sheet = openpyxl.load_workbook(generated["empty"], data_only=True)["Formulas"]
    values = {row[0]: row[1:3] for row in sheet.iter_rows(values_only=True) if row[0]}
    # XA's exports to XM and XN: 1,920 in 2015 and 2,544 in 2019 (example data).
    assert values["total change"][0] == pytest.approx(2544 - 1920)
    effects = ("structural effect", "competitive effect", "second-order effect")
    assert sum(values[name][0] for name in effects) == pytest.approx(624)
    assert values["total change"][1] == pytest.approx(1.0)


def test_example_entropy_cells_hold_the_weights(generated):
    sheet = openpyxl.load_workbook(generated["empty"], data_only=True)["Formulas"]
    rows = list(sheet.iter_rows(values_only=True))
    at = next(i for i, row in enumerate(rows) if row[0] == "ENTROPY_WEIGHTS (xlree)")
    assert rows[at][1:4] == ("output", "cost_index", "patents")
    inputs = example_inputs()
    data = inputs.indicators[["output", "cost_index", "patents"]].to_numpy(float)
    expected = entropy_weights(data, directions=["benefit", "cost", "benefit"])
    assert list(rows[at + 1][1:4]) == pytest.approx(
        expected.weights.tolist(), abs=1e-15
    )
    assert rows[at + 2][1] == pytest.approx(1.0, abs=1e-12)
    sheet_formulas = openpyxl.load_workbook(generated["empty"])["Formulas"]
    assert sheet_formulas.cell(at + 2, 2).value == (
        "=INDEX(ENTROPY_WEIGHTS(Indicators!$C$1:$E$16,IndicatorInfo!$D$2:$D$4,,"
        '"minmax"),2,1)'
    )


@pytest.mark.parametrize("kind", KINDS)
def test_inputs_read_back_unchanged(generated, kind):
    got = read_inputs(OpenpyxlBook(generated[kind]))
    expected = template_inputs(kind)
    pd.testing.assert_frame_equal(
        got.trade.reset_index(drop=True),
        expected.trade.reset_index(drop=True),
        check_dtype=False,
    )
    assert set(got.segments["product"]) == set(expected.segments["product"])
    assert got.settings["breaks"] == list(expected.settings["breaks"])


def test_validation_survives_the_refresh(generated):
    sheet = openpyxl.load_workbook(generated["empty"])["Trade"]
    kinds = sorted(rule.type for rule in sheet.data_validations.dataValidation)
    assert kinds == ["decimal", "whole"]


def test_unknown_kind(tmp_path):
    with pytest.raises(
        XlreeError, match=r"^kind: expected one of 'rare-earths', 'empty'"
    ):
        generate_template("copper", tmp_path / "x.xlsx")
