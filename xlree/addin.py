"""Build the xlree.xlam Excel add-in from text sources, on any operating system.

The add-in is assembled, not saved from Excel, so that every line of it is
reviewable text and two builds of the same sources are byte-identical:

1. ``vba/`` holds the ribbon (``customUI14.xml``), the ribbon callbacks
   (``XlreeRibbon.bas``), the workbook module (``ThisWorkbook.cls``) and the
   add-in's xlwings settings (``xlwings.conf``, ``"KEY","VALUE"`` lines).
2. xlwings' own VBA (the ``RunPython`` machinery, ``xlwings_custom_addin.bas``,
   and its ``Dictionary`` class for macOS) is read from the *installed* xlwings
   package at build time, so the add-in always matches the Python side.
3. :func:`udf_wrappers` (:mod:`xlree._vba`) writes the VBA wrappers of the
   worksheet functions of :mod:`xlree.udfs` from their Python signatures, as
   xlwings' "Import Functions" button would, so the functions work without
   that step.
4. ms-ovba compiles the modules into ``vbaProject.bin`` (source only: Excel
   compiles the code the first time it opens the add-in; see
   :mod:`xlree._vba_project`); the Open XML parts are written here by hand
   with fixed zip timestamps.

Conventions
-----------
``PROJECT_NAME`` in xlwings' module is set to ``"xlwings"``, so the Python
interpreter comes from the user's own ``~/.xlwings/xlwings.conf`` (written by
``xlwings config create`` or the xlwings ribbon) and the add-in's sheet
``xlwings.conf`` only adds ``UDF Modules = xlree.udfs``. Which functions are
worksheet functions, and how their wrappers are built: see :mod:`xlree._vba`.
"""

from __future__ import annotations

import csv
import logging
import os
import re
import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape

from xlree._package import zip_parts
from xlree._validation import XlreeError
from xlree._vba import FUNCTIONS_MODULE, UDF_MODULE, UdfSpec, udf_specs, udf_wrappers
from xlree._vba_project import ovba_compress, vba_project

__all__ = [
    "ADDIN_NAME",
    "UDF_MODULE",
    "UdfSpec",
    "build_addin",
    "install_addin",
    "ovba_compress",
    "startup_folder",
    "udf_specs",
    "udf_wrappers",
    "vba_sources",
]

logger = logging.getLogger(__name__)

ADDIN_NAME = "xlree.xlam"
CONFIG_SHEET = "xlwings.conf"

_MAC_STARTUP = "Library/Group Containers/UBF8T346G9.Office/User Content/Startup/Excel"


# --------------------------------------------------------------------- sources
def vba_sources() -> Path:
    """Return the folder with the add-in's text sources.

    An installed wheel carries them as package data (``xlree/vba``); a source
    checkout keeps them in ``vba/`` at the repository root.
    """
    packaged = resources.files("xlree") / "vba"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[1] / "vba"
    if (checkout / "customUI14.xml").is_file():
        return checkout
    raise XlreeError(
        "vba sources: neither xlree/vba (installed package) nor vba/ (source "
        "checkout) was found; reinstall xlree."
    )


def _xlwings_vba() -> dict[str, str]:
    """xlwings' VBA module and Dictionary class, from the installed package."""
    import xlwings

    root = Path(xlwings.__file__).parent
    module_path = root / "xlwings_custom_addin.bas"
    class_path = root / "addin" / "Dictionary.cls"
    for path in (module_path, class_path):
        if not path.is_file():
            raise XlreeError(
                f"xlwings {xlwings.__version__}: {path.name} not found in {root}; "
                "install an xlwings release that ships its VBA (>= 0.30)."
            )
    module = module_path.read_text(encoding="cp1252")
    module, count = re.subn(
        r'(Public Const PROJECT_NAME As String = )"[^"]*"', r'\1"xlwings"', module
    )
    if count != 1:
        raise XlreeError(
            f"xlwings {xlwings.__version__}: PROJECT_NAME not found in "
            f"{module_path.name}; the add-in cannot point it at xlwings.conf."
        )
    return {"xlwings": module, "Dictionary": class_path.read_text(encoding="cp1252")}


def _modules() -> list[tuple[str, str, str]]:
    """The add-in's ``(name, kind, source)`` VBA modules, in project order."""
    sources = vba_sources()
    xlwings = _xlwings_vba()
    workbook = (sources / "ThisWorkbook.cls").read_text(encoding="utf-8")
    blank_sheet = 'Attribute VB_Name = "Sheet1"\nAttribute VB_GlobalNameSpace = False\n'
    blank_sheet += "Attribute VB_Creatable = False\nAttribute VB_PredeclaredId = True\n"
    blank_sheet += "Attribute VB_Exposed = True\n"
    modules = [
        ("ThisWorkbook", "workbook", workbook),
        ("Sheet1", "worksheet", blank_sheet),
        ("Dictionary", "class", xlwings["Dictionary"]),
        ("xlwings", "module", xlwings["xlwings"]),
        (FUNCTIONS_MODULE, "module", udf_wrappers(UDF_MODULE)),
    ]
    for path in sorted(sources.glob("*.bas")):
        modules.append((path.stem, "module", path.read_text(encoding="utf-8")))
    return modules


# ---------------------------------------------------------------- the package
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_NS_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_UI = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
_REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
_SPREADSHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CONTENT_TYPES = {
    "/xl/workbook.xml": "application/vnd.ms-excel.addin.macroEnabled.main+xml",
    "/xl/worksheets/sheet1.xml": f"{_SPREADSHEETML}.worksheet+xml",
    "/xl/styles.xml": f"{_SPREADSHEETML}.styles+xml",
}
_DEFAULT_TYPES = {
    "rels": "application/vnd.openxmlformats-package.relationships+xml",
    "xml": "application/xml",
    "bin": "application/vnd.ms-office.vbaProject",
}
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_NS_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/>'
    "</border></borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    "</cellStyleXfs>"
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
    'xfId="0"/></cellXfs></styleSheet>'
)


def _config_rows(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row[0], row[1]) for row in csv.reader(handle) if len(row) >= 2]


def _sheet_xml(rows: list[tuple[str, str]]) -> str:
    cells = []
    for number, (key, value) in enumerate(rows, start=1):
        cells.append(
            f'<row r="{number}">'
            f'<c r="A{number}" t="inlineStr"><is><t>{escape(key)}</t></is></c>'
            f'<c r="B{number}" t="inlineStr"><is><t>{escape(value)}</t></is></c></row>'
        )
    return (
        f'{_XML}<worksheet xmlns="{_NS_MAIN}"><sheetPr codeName="Sheet1"/>'
        f"<sheetData>{''.join(cells)}</sheetData></worksheet>"
    )


def _relationships(*targets: tuple[str, str]) -> str:
    items = "".join(
        f'<Relationship Id="rId{number}" Type="{kind}" Target="{target}"/>'
        for number, (kind, target) in enumerate(targets, start=1)
    )
    return f'{_XML}<Relationships xmlns="{_NS_PKG}">{items}</Relationships>'


def _parts(
    vba_project: bytes, custom_ui: bytes, config: list[tuple[str, str]]
) -> dict[str, bytes]:
    """The Open XML parts of the add-in, in the order they are zipped."""
    defaults = "".join(
        f'<Default Extension="{ext}" ContentType="{kind}"/>'
        for ext, kind in _DEFAULT_TYPES.items()
    )
    overrides = "".join(
        f'<Override PartName="{part}" ContentType="{kind}"/>'
        for part, kind in _CONTENT_TYPES.items()
    )
    content_types = f'{_XML}<Types xmlns="{_NS_TYPES}">{defaults}{overrides}</Types>'
    workbook = (
        f'{_XML}<workbook xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">'
        '<workbookPr codeName="ThisWorkbook"/>'
        '<bookViews><workbookView visibility="hidden"/></bookViews>'
        f'<sheets><sheet name="{CONFIG_SHEET}" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )
    return {
        "[Content_Types].xml": content_types.encode(),
        "_rels/.rels": _relationships(
            (f"{_NS_REL}/officeDocument", "xl/workbook.xml"),
            (_REL_UI, "customUI/customUI14.xml"),
        ).encode(),
        "xl/workbook.xml": workbook.encode(),
        "xl/_rels/workbook.xml.rels": _relationships(
            (f"{_NS_REL}/worksheet", "worksheets/sheet1.xml"),
            (f"{_NS_REL}/styles", "styles.xml"),
            (_REL_VBA, "vbaProject.bin"),
        ).encode(),
        "xl/worksheets/sheet1.xml": _sheet_xml(config).encode(),
        "xl/styles.xml": _STYLES.encode(),
        "xl/vbaProject.bin": vba_project,
        "customUI/customUI14.xml": custom_ui,
    }


def build_addin(out: Path | str | None = None) -> Path:
    """Write the xlree add-in and return its path.

    Parameters
    ----------
    out : path, optional
        Where to write; a folder gets ``xlree.xlam`` inside it. Default:
        ``xlree.xlam`` in the current directory.

    Returns
    -------
    Path
        The written file. Builds of the same sources with the same xlwings and
        :mod:`xlree.udfs` are byte-identical (fixed zip timestamps and IDs).
    """
    target = Path(out) if out is not None else Path.cwd() / ADDIN_NAME
    if target.is_dir() or not target.suffix:
        target = target / ADDIN_NAME
    sources = vba_sources()
    parts = _parts(
        vba_project(_modules()),
        (sources / "customUI14.xml").read_bytes(),
        _config_rows(sources / "xlwings.conf"),
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(zip_parts(parts))
    logger.info("wrote %s", target)
    return target


# ------------------------------------------------------------------- install
def startup_folder(
    platform: str | None = None, home: Path | None = None
) -> Path | None:
    """Excel's startup folder for the current user, or None where Excel has none.

    Windows: ``%APPDATA%\\Microsoft\\Excel\\XLSTART``. macOS (Excel 2016 and
    later, sandboxed): ``~/Library/Group Containers/UBF8T346G9.Office/User
    Content/Startup/Excel``.
    """
    platform = platform or sys.platform
    home = Path(home) if home is not None else Path.home()
    if platform.startswith("win"):
        appdata = os.environ.get("APPDATA") or str(home / "AppData" / "Roaming")
        return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    if platform == "darwin":
        return home / _MAC_STARTUP
    return None


def install_addin(platform: str | None = None, home: Path | None = None) -> str:
    """Build the add-in into Excel's startup folder; return what happened.

    On systems without desktop Excel (Linux), nothing is written and the
    message says how to build the file and install it on a Windows or macOS
    machine instead.
    """
    folder = startup_folder(platform, home)
    if folder is None:
        return (
            "Excel has no startup folder on this system. Run `xlree addin build` "
            f"and copy {ADDIN_NAME} to a Windows or macOS machine, then in Excel: "
            "File > Options > Add-ins > Manage Excel Add-ins > Go > Browse."
        )
    with tempfile.TemporaryDirectory(prefix="xlree-addin-") as tmp:
        built = build_addin(Path(tmp) / ADDIN_NAME)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / ADDIN_NAME
        shutil.copyfile(built, target)
    return (
        f"Installed {target}. Restart Excel: the xlree tab appears on the ribbon. "
        "Python is found through your xlwings.conf (run `xlwings config create`)."
    )
