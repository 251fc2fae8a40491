"""The input-sheet schema: read what was written; name the cell of a bad value."""

from __future__ import annotations

import copy

import openpyxl
import pandas as pd
import pytest

from xlree._validation import XlreeError
from xlree.sheets import INPUT_SHEETS, read_inputs, write_inputs
from xlree.templates import example_inputs


class DictBook:
    """A Book over plain rows: {sheet name: rows from A1}."""

    def __init__(self, sheets: dict[str, list[list]]) -> None:
        self.sheets = sheets

    def sheet_names(self) -> list[str]:
        return list(self.sheets)

    def read_values(self, name: str) -> list[list]:
        return self.sheets[name]


def _book_of(workbook: openpyxl.Workbook) -> DictBook:
    return DictBook(
        {
            sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in workbook.worksheets
        }
    )


@pytest.fixture
def rows() -> dict[str, list[list]]:
    workbook = openpyxl.Workbook()
    write_inputs(workbook, example_inputs())
    return copy.deepcopy(_book_of(workbook).sheets)


def test_round_trip_keeps_every_table(rows):
    expected = example_inputs()
    got = read_inputs(DictBook(rows))
    pd.testing.assert_frame_equal(got.trade, expected.trade, check_dtype=False)
    pd.testing.assert_frame_equal(
        got.totals.reset_index(drop=True),
        expected.totals.reset_index(drop=True),
        check_dtype=False,
    )
    pd.testing.assert_frame_equal(got.segments, expected.segments)
    pd.testing.assert_frame_equal(
        got.indicators, expected.indicators, check_dtype=False
    )
    pd.testing.assert_frame_equal(got.indicator_info, expected.indicator_info)
    assert got.settings == expected.settings
    assert got.settings["breaks"] == [2015, 2017, 2019]


def test_written_sheets_are_tables_with_validation():
    workbook = openpyxl.Workbook()
    write_inputs(workbook, example_inputs())
    trade = workbook["Trade"]
    assert list(trade.tables) == ["TradeTable"]
    assert trade.tables["TradeTable"].ref == "A1:E136"
    rules = {str(rule.sqref): rule for rule in trade.data_validations.dataValidation}
    assert rules["A2:A1136"].type == "whole"
    assert (rules["A2:A1136"].formula1, rules["A2:A1136"].formula2) == ("1950", "2100")
    assert rules["E2:E1136"].type == "decimal"
    assert rules["E2:E1136"].operator == "greaterThanOrEqual"
    info = workbook["IndicatorInfo"].data_validations.dataValidation
    assert [rule.formula1 for rule in info] == ['"benefit,cost"']
    assert [sheet.name for sheet in INPUT_SHEETS] == workbook.sheetnames[1:]


def test_product_typed_as_number_becomes_text(rows):
    rows["Trade"][1][1] = 280530
    rows["Segments"].append([280530.0, "rare-earth metals", "midstream"])
    inputs = read_inputs(DictBook(rows))
    assert inputs.trade["product"].iloc[0] == "280530"
    assert "280530" in set(inputs.segments["product"])


def test_text_in_a_number_cell(rows):
    rows["Trade"][6][4] = "n/a"
    with pytest.raises(
        XlreeError,
        match=r"^Trade!E7: expected a number, got 'n/a'\. Enter the export value",
    ):
        read_inputs(DictBook(rows))


def test_negative_trade_value(rows):
    rows["Trade"][6][4] = -5
    with pytest.raises(
        XlreeError,
        match=r"^Trade!E7: expected a number >= 0, got -5\. "
        r"Enter the export value in USD\.$",
    ):
        read_inputs(DictBook(rows))


def test_duplicate_country_year(rows):
    rows["Indicators"].append(list(rows["Indicators"][3]))
    with pytest.raises(
        XlreeError,
        match=r"^Indicators!A17: duplicate country-year \(XA, 2017\); "
        r"row 4 has it already\. Keep one row per country-year\.$",
    ):
        read_inputs(DictBook(rows))


def test_duplicate_trade_key(rows):
    rows["Trade"].append(list(rows["Trade"][1]))
    with pytest.raises(
        XlreeError, match=r"^Trade!A137: duplicate year-product-exporter-market"
    ):
        read_inputs(DictBook(rows))


def test_break_year_outside_the_data(rows):
    assert rows["Settings"][2][0] == "breaks"
    rows["Settings"][2][1] = "2015, 2021"
    with pytest.raises(
        XlreeError,
        match=r"^Settings!B3: year 2021 is outside the data; "
        r"the Trade sheet has the years 2015-2019\.",
    ):
        read_inputs(DictBook(rows))


def test_first_year_outside_the_data(rows):
    assert rows["Settings"][7][0] == "first_year"
    rows["Settings"][7][1] = 2010
    with pytest.raises(XlreeError, match=r"^Settings!B8: year 2010 is outside"):
        read_inputs(DictBook(rows))


def test_product_without_segment(rows):
    del rows["Segments"][3]  # EX3
    with pytest.raises(
        XlreeError,
        match=r"^Trade!B14: product 'EX3' has no segment\. "
        r"Add a row for EX3 to the Segments sheet\.$",
    ):
        read_inputs(DictBook(rows))


def test_missing_sheet(rows):
    del rows["Totals"]
    with pytest.raises(
        XlreeError, match=r"^Totals: the sheet is missing\. Add a sheet"
    ):
        read_inputs(DictBook(rows))


def test_missing_column_header(rows):
    rows["Totals"][0][2] = "exports"
    with pytest.raises(
        XlreeError,
        match=r"^Totals!1: the column header 'total_exports' is missing\. "
        r"Row 1 of the Totals sheet must name the columns year, country, "
        r"total_exports\.$",
    ):
        read_inputs(DictBook(rows))


def test_indicator_not_described(rows):
    del rows["IndicatorInfo"][3]  # patents
    with pytest.raises(
        XlreeError, match=r"^Indicators!E1: indicator 'patents' is not described"
    ):
        read_inputs(DictBook(rows))


def test_direction_must_be_benefit_or_cost(rows):
    rows["IndicatorInfo"][1][3] = "more"
    with pytest.raises(
        XlreeError, match=r"^IndicatorInfo!D2: expected one of benefit, cost"
    ):
        read_inputs(DictBook(rows))


def test_blank_indicator_is_missing_and_blank_setting_is_default(rows):
    rows["Indicators"][2][3] = None
    rows["Settings"][3][1] = None  # cms_method
    inputs = read_inputs(DictBook(rows))
    assert pd.isna(inputs.indicators.loc[1, "cost_index"])
    assert inputs.settings["cms_method"] == "jepma"


def test_unknown_setting(rows):
    rows["Settings"].append(["colour", "red"])
    with pytest.raises(XlreeError, match=r"^Settings!A10: unknown setting 'colour'"):
        read_inputs(DictBook(rows))


def _setting(rows, name):
    """The row (0-based in the list, 1-based + 1 on the sheet) of a setting."""
    return next(i for i, row in enumerate(rows["Settings"]) if row[0] == name)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("breaks", "2015", "expected at least two increasing years, got 2015"),
        ("breaks", "2019, 2015", "expected at least two increasing years"),
        ("shift", 3, "expected a number from 0 to 1, got '3'"),
        ("entropy_method", "topsis", "expected one of minmax, proportion"),
        ("nrca_variant", "ratio", "expected one of relative, product"),
        ("exporter", "World", "'World' is the world total"),
    ],
)
def test_bad_settings_name_their_cell(rows, name, value, message):
    index = _setting(rows, name)
    rows["Settings"][index][1] = value
    with pytest.raises(XlreeError, match=rf"^Settings!B{index + 1}: .*{message}"):
        read_inputs(DictBook(rows))


def test_breaks_must_lie_within_the_years_used(rows):
    index = _setting(rows, "first_year")
    rows["Settings"][index][1] = 2017
    with pytest.raises(
        XlreeError,
        match=r"^Settings!B3: 2015 outside first_year-last_year \(2017-2019\)",
    ):
        read_inputs(DictBook(rows))


def test_settings_offer_drop_down_lists():
    workbook = openpyxl.Workbook()
    write_inputs(workbook, example_inputs())
    lists = {
        str(rule.sqref): rule.formula1
        for rule in workbook["Settings"].data_validations.dataValidation
    }
    assert lists["B4"] == '"jepma,leamer-stern,leamer-stern-market,symmetric"'
    assert lists["B5"] == '"minmax,proportion"'
    assert lists["B7"] == '"relative,product"'
