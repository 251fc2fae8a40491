"""The workbook of `xlree analyze`, opened in LibreOffice headless as a user would."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import lo  # noqa: E402

from xlree.cli import main  # noqa: E402

ERRORS = ("#VALUE!", "#NAME?", "#REF!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "Err:")


def test_analyze_workbook_converts_without_error_values(tmp_path):
    out = tmp_path / "xlree-rare-earths.xlsx"
    assert main(["analyze", "--out", str(out), "--quiet"]) == 0
    text = lo.pdf_text(lo.convert(out, "pdf", tmp_path / "lo"))
    for heading in (
        "About this workbook",
        "Constant-market-share decomposition of export growth",
        "Entropy weight method: indicator weights and composite scores",
        "Revealed comparative advantage and NRCA",
        "CEPII BACI V202601 (Etalab 2.0)",
    ):
        assert heading in text
    assert [error for error in ERRORS if error in text] == []
