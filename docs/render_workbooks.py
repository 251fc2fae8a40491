"""Render each sheet of the shipped workbooks to docs/img/ (LibreOffice + pdftoppm).

Run from the repository root: ``python docs/render_workbooks.py``. LibreOffice
prints each sheet on one page (``SinglePageSheets``); ``pdftoppm`` turns the
top-left 1400 x 900 pixels of each page into ``docs/img/<prefix>_<sheet>.png``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import lo  # noqa: E402

PREFIXES = {
    "rare_earth_competitiveness.xlsx": "rare_earths",
    "product_group_template.xlsx": "template",
}
PDF_FILTER = (
    'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'
)


def main() -> None:
    images = ROOT / "docs" / "img"
    images.mkdir(exist_ok=True)
    for name, prefix in PREFIXES.items():
        source = ROOT / "workbooks" / name
        sheets = openpyxl.load_workbook(source, read_only=True).sheetnames
        with tempfile.TemporaryDirectory() as folder:
            pdf = lo.convert(source, PDF_FILTER, Path(folder))
            for page, sheet in enumerate(sheets, start=1):
                target = images / f"{prefix}_{sheet.lower()}"
                subprocess.run(
                    [
                        "pdftoppm",
                        "-png",
                        "-r",
                        "110",
                        "-f",
                        str(page),
                        "-l",
                        str(page),
                        "-x",
                        "0",
                        "-y",
                        "0",
                        "-W",
                        "1400",
                        "-H",
                        "900",
                        "-singlefile",
                        str(pdf),
                        str(target),
                    ],
                    check=True,
                )
                print(f"{target}.png")


if __name__ == "__main__":
    main()
