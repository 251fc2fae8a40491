"""Run LibreOffice headless on a workbook, with a private user profile.

``soffice --convert-to`` opens a file as a user would and saves it in another
format. Each call gets its own profile directory (``-env:UserInstallation``),
so a running LibreOffice or the user's settings cannot interfere. With
``recalculate=True`` the profile's ``registrymodifications.xcu`` sets
"Recalculation on file load" for Excel 2007+ files to "Always"
(``org.openoffice.Office.Calc/Formula/Load/OOXMLRecalcMode`` = 0; 1 is
"Never", 2 "Prompt user"), which is what LibreOffice's Tools > Options >
Calc > Formula dialog writes.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

TIMEOUT = 60  # seconds per conversion

_RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    """The soffice executable; fails loudly (not a skip) when it is missing."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        raise RuntimeError(
            "LibreOffice is not installed: apt-get install libreoffice-calc-nogui"
        )
    return path


def convert(
    source: Path, target_format: str, out_dir: Path, *, recalculate: bool = False
) -> Path:
    """Convert ``source`` with LibreOffice; return the converted file.

    ``target_format`` is what ``--convert-to`` takes (``"pdf"``,
    ``"xlsx:Calc MS Excel 2007 XML"``). The profile lives in
    ``out_dir/profile``.
    """
    profile = out_dir / ("profile-recalc" if recalculate else "profile")
    if recalculate:
        (profile / "user").mkdir(parents=True, exist_ok=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_RECALC_ALWAYS)
    out_dir.mkdir(parents=True, exist_ok=True)
    command = [
        soffice(),
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        target_format,
        "--outdir",
        str(out_dir),
        str(source),
    ]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    extension = target_format.split(":")[0]
    result = out_dir / f"{source.stem}.{extension}"
    if completed.returncode != 0 or not result.exists():
        raise RuntimeError(
            f"soffice failed on {source} ({completed.returncode}): "
            f"{completed.stdout}{completed.stderr}"
        )
    return result


def pdf_text(pdf: Path) -> str:
    """The text of a PDF (pdftotext from poppler-utils, layout kept)."""
    completed = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    return completed.stdout
