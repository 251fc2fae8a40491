"""Open the workbooks of workbooks/ in LibreOffice headless, as a user would.

Pass 1 (default profile: an Excel file's stored results are kept on load):
convert to PDF and find no error value anywhere in the text. Pass 2 (the
profile forces recalculation on load, see :mod:`lo`): convert to xlsx and check
that every native formula (SUMIFS, SUM, cell references) gives the value xlree
stored; LibreOffice is the outside implementation of those functions here.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter, range_boundaries

sys.path.insert(0, str(Path(__file__).parent))
import lo  # noqa: E402

from xlree.templates import KINDS, WORKBOOK_FILES  # noqa: E402

WORKBOOKS = Path(__file__).resolve().parents[1] / "workbooks"
ERRORS = ("#VALUE!", "#NAME?", "#REF!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "Err:")
XLREE_FUNCTIONS = ("CMS_EFFECTS", "ENTROPY_WEIGHTS", "ENTROPY_SCORES", "RCA", "NRCA")


@pytest.mark.parametrize("kind", KINDS)
def test_stored_results_show_without_errors(kind, tmp_path):
    source = WORKBOOKS / WORKBOOK_FILES[kind]
    text = lo.pdf_text(lo.convert(source, "pdf", tmp_path))
    # The result sheets and the analyst's formulas are in the PDF ...
    for heading in ("CMS_EFFECTS (xlree)", "ENTROPY_WEIGHTS (xlree)", "total change"):
        assert heading in text
    # ... and no cell shows an error value.
    assert [error for error in ERRORS if error in text] == []


def _uses_xlree(formula: str) -> bool:
    return any(name + "(" in formula for name in XLREE_FUNCTIONS)


def _native_formulas(path: Path) -> dict[tuple[str, str], str]:
    """Formulas without xlree functions and not fed by cells that have them."""
    workbook = openpyxl.load_workbook(path)
    formulas = {
        (sheet.title, cell.coordinate): cell.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    }
    xlree_cells = {key for key, formula in formulas.items() if _uses_xlree(formula)}

    def fed_by_xlree(sheet: str, formula: str) -> bool:
        # Same-sheet references (the Formulas sheet's SUM of the weights).
        for reference in re.findall(
            r"(?<![!$A-Z])([A-Z]+[0-9]+:[A-Z]+[0-9]+)", formula
        ):
            low_col, low_row, high_col, high_row = range_boundaries(reference)
            for r in range(low_row, high_row + 1):
                for c in range(low_col, high_col + 1):
                    if (sheet, f"{get_column_letter(c)}{r}") in xlree_cells:
                        return True
        return False

    return {
        key: formula
        for key, formula in formulas.items()
        if key not in xlree_cells and not fed_by_xlree(key[0], formula)
    }


@pytest.mark.parametrize("kind", KINDS)
def test_native_formulas_recalculate_to_the_stored_values(kind, tmp_path):
    source = WORKBOOKS / WORKBOOK_FILES[kind]
    formulas = _native_formulas(source)
    assert len(formulas) > 20
    recalculated = lo.convert(
        source, "xlsx:Calc MS Excel 2007 XML", tmp_path, recalculate=True
    )
    stored = openpyxl.load_workbook(source, data_only=True)
    fresh = openpyxl.load_workbook(recalculated, data_only=True)
    mismatches = []
    for sheet, cell in formulas:
        want, got = stored[sheet][cell].value, fresh[sheet][cell].value
        same = (
            want == pytest.approx(got, rel=1e-12, abs=1e-9)
            if isinstance(want, int | float) and isinstance(got, int | float)
            else want == got
        )
        if not same:
            mismatches.append((sheet, cell, formulas[sheet, cell], want, got))
    assert mismatches == []


def test_forced_recalculation_really_recalculates(tmp_path):
    # The xlree functions are unknown to LibreOffice: a real recalculation
    # turns their cells into #NAME? (proof that pass 2 recalculated).
    source = WORKBOOKS / WORKBOOK_FILES["empty"]
    recalculated = lo.convert(
        source, "xlsx:Calc MS Excel 2007 XML", tmp_path, recalculate=True
    )
    sheet = openpyxl.load_workbook(recalculated, data_only=True)["Formulas"]
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "#NAME?" in values
