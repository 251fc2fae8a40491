"""Build the xlree.xlam Excel add-in from text sources, on any operating system.

The add-in is assembled, not saved from Excel, so that every line of it is
reviewable text and two builds of the same sources are byte-identical:

1. ``vba/`` holds the ribbon (``customUI14.xml``), the ribbon callbacks
   (``XlreeRibbon.bas``), the workbook module (``ThisWorkbook.cls``) and the
   add-in's xlwings settings (``xlwings.conf``, ``"KEY","VALUE"`` lines).
2. xlwings' own VBA (the ``RunPython`` machinery, ``xlwings_custom_addin.bas``,
   and its ``Dictionary`` class for macOS) is read from the *installed* xlwings
   package at build time, so the add-in always matches the Python side.
3. :func:`udf_wrappers` writes the VBA wrappers of the worksheet functions of
   :mod:`xlree.udfs` from their Python signatures, as xlwings' "Import
   Functions" button would, so the functions work without that step.
4. ms-ovba compiles the modules into ``vbaProject.bin`` (source only: Excel
   compiles the code the first time it opens the add-in); the Open XML parts
   are written by hand with fixed zip timestamps.

Conventions
-----------
``PROJECT_NAME`` in xlwings' module is set to ``"xlwings"``, so the Python
interpreter comes from the user's own ``~/.xlwings/xlwings.conf`` (written by
``xlwings config create`` or the xlwings ribbon) and the add-in's sheet
``xlwings.conf`` only adds ``UDF Modules = xlree.udfs``.

A worksheet function of :mod:`xlree.udfs` is a function named in its
``__all__``. Outside Windows ``@xw.func`` leaves no trace on a function, so the
wrappers are built from :func:`inspect.signature`; argument help comes from
the xlwings metadata when present, else from the numpydoc ``Parameters``.
"""

from __future__ import annotations

import csv
import importlib
import inspect
import io
import logging
import os
import random
import re
import shutil
import sys
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import ModuleType
from xml.sax.saxutils import escape

from xlree._validation import XlreeError

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
UDF_MODULE = "xlree.udfs"
FUNCTIONS_MODULE = "XlreeFunctions"
CONFIG_SHEET = "xlwings.conf"
CATEGORY = "xlree"

# Fixed identities keep the build reproducible (the project ID is arbitrary).
_PROJECT_ID = "{6B7E1D0A-3C52-4E8F-9A41-2D5C7B0E9F13}"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_WORKBOOK_GUID = uuid.UUID("00020819-0000-0000-C000-000000000046")
_WORKSHEET_GUID = uuid.UUID("00020820-0000-0000-C000-000000000046")
_WORKBOOK_BASE = f"0{{{str(_WORKBOOK_GUID).upper()}}}"
_WORKSHEET_BASE = f"0{{{str(_WORKSHEET_GUID).upper()}}}"
_CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"

# Reserved identifiers of VBA (MS-VBAL 3.3.5.2) that Python allows as names.
_VBA_RESERVED = frozenset(
    """abs addressof and any as attribute boolean byref byte byval call case
    cbool cbyte ccur cdate cdbl cdec cint clng clnglng clngptr close const csng
    cstr currency cvar cverr date debug decimal declare dim do double each else
    elseif empty end endif enum eqv erase error event exit false fix for friend
    function get global gosub goto if imp implements in input int integer is
    lbound len let like lock long longlong longptr loop lset me mid mod new next
    not nothing null object on open option optional or paramarray preserve print
    private ptrsafe public put raiseevent redim rem resume return rset seek
    select set shared single spc static stop string sub tab then to true type
    typeof ubound unlock until variant wend while with withevents write xor""".split()
)

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


# ----------------------------------------------------------------- UDF wrappers
@dataclass(frozen=True)
class UdfSpec:
    """What the VBA wrapper of one worksheet function needs to know."""

    name: str
    #: (VBA name, Python name, kind) with kind "required", "optional", "vararg".
    args: tuple[tuple[str, str, str], ...]
    description: str
    arg_docs: tuple[str, ...]
    category: str = CATEGORY


def _vba_name(name: str, function: str) -> str:
    """A Python argument name VBA accepts: reserved words get a trailing ``_``."""
    safe = name.lstrip("_") or "arg"
    if safe.lower() in _VBA_RESERVED or safe.lower() == function.lower():
        safe += "_"
    return safe


def _numpydoc_params(doc: str) -> dict[str, str]:
    """First sentence of each entry of a numpydoc ``Parameters`` section."""
    match = re.search(
        r"Parameters\n\s*-{3,}\n(.*?)(?:\n\s*\n\s*\w[\w ]*\n\s*-{3,}|$)", doc, re.S
    )
    if not match:
        return {}
    docs: dict[str, str] = {}
    current = None
    for line in match.group(1).splitlines():
        entry = re.match(r"^\s{0,4}(\*{0,2}\w+)\s*(?::.*)?$", line)
        if entry and not line.startswith(" " * 5):
            current = entry.group(1).lstrip("*")
            docs[current] = ""
        elif current and line.strip():
            docs[current] = (docs[current] + " " + line.strip()).strip()
    return docs


def _spec(function) -> UdfSpec:
    name = function.__name__
    doc = inspect.getdoc(function) or f"xlree worksheet function {name}."
    description = " ".join(doc.split("\n\n")[0].split())
    meta = getattr(function, "__xlfunc__", None)
    param_docs = _numpydoc_params(doc)
    args = []
    arg_docs = []
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind is parameter.VAR_POSITIONAL:
            kind = "vararg"
        elif parameter.kind is parameter.POSITIONAL_OR_KEYWORD:
            kind = "required" if parameter.default is parameter.empty else "optional"
        else:
            raise XlreeError(
                f"{name}: argument {parameter.name!r} is keyword-only; Excel passes "
                "arguments by position, so make it positional."
            )
        args.append((_vba_name(parameter.name, name), parameter.name, kind))
        arg_docs.append(param_docs.get(parameter.name, ""))
    if meta is not None:
        arg_docs = [arg["doc"] for arg in meta["args"]]
    category = meta["category"] if meta and isinstance(meta["category"], str) else None
    return UdfSpec(
        name, tuple(args), description, tuple(arg_docs), category or CATEGORY
    )


def udf_specs(module: ModuleType | str = UDF_MODULE) -> list[UdfSpec]:
    """Describe the worksheet functions of ``module`` (those in its ``__all__``).

    >>> import types
    >>> fake = types.ModuleType("fake")
    >>> def DOUBLE(x, factor=2):
    ...     '''Twice a number.'''
    ...     return x * factor
    >>> fake.DOUBLE, fake.__all__ = DOUBLE, ["DOUBLE"]
    >>> udf_specs(fake)[0].args
    (('x', 'x', 'required'), ('factor', 'factor', 'optional'))
    """
    if isinstance(module, str):
        module = importlib.import_module(module)
    names = getattr(module, "__all__", None)
    if names is None:
        raise XlreeError(
            f"{module.__name__}: no __all__; list the worksheet functions in it."
        )
    return [_spec(getattr(module, name)) for name in sorted(names)]


def _vba_string(text: str, limit: int = 255) -> str:
    """A VBA string literal: one line, cp1252, at most ``limit`` characters."""
    text = " ".join(text.split())[:limit]
    text = text.encode("cp1252", "replace").decode("cp1252")
    return '"' + text.replace('"', '""') + '"'


def _wrapper(spec: UdfSpec, module_name: str) -> list[str]:
    params = []
    for vba, _python, kind in spec.args:
        prefix = {"optional": "Optional ", "vararg": "ParamArray "}.get(kind, "")
        params.append(prefix + vba + ("()" if kind == "vararg" else ""))
    fixed = [vba for vba, _python, kind in spec.args if kind != "vararg"]
    lines = [f"Public Function {spec.name}({', '.join(params)})"]
    vararg = [vba for vba, _python, kind in spec.args if kind == "vararg"]
    if vararg:
        many = vararg[0]
        lines += [
            "    Dim args() As Variant, k As Long",
            f"    ReDim args(0 To {len(fixed)} + UBound({many}) - LBound({many}))",
        ]
        lines += [f"    args({i}) = {name}" for i, name in enumerate(fixed)]
        lines += [
            f"    For k = LBound({many}) To UBound({many})",
            f"        args({len(fixed)} + k - LBound({many})) = {many}(k)",
            "    Next k",
        ]
        call_args = "args"
    else:
        call_args = f"Array({', '.join(fixed)})"
    lines += [
        "    If TypeOf Application.Caller Is Range Then On Error GoTo failed",
        f'    {spec.name} = XLPy.CallUDF("{module_name}", "{spec.name}", '
        f"{call_args}, ActiveWorkbook, Application.Caller)",
        "    Exit Function",
        "failed:",
        f"    {spec.name} = Err.Description",
        "End Function",
        "",
    ]
    return lines


def _registration(specs: list[UdfSpec]) -> list[str]:
    lines = [
        "' Descriptions for the Function Wizard (run from Workbook_Open).",
        "Public Sub RegisterXlreeFunctions()",
        "    On Error Resume Next",
    ]
    for spec in specs:
        call = (
            f"""    Application.MacroOptions Macro:="'" & ThisWorkbook.Name & "'!"""
            f'{spec.name}", Description:={_vba_string(spec.description)}, '
            f"Category:={_vba_string(spec.category)}"
        )
        docs = [
            _vba_string(doc or python)
            for (_v, python, _k), doc in zip(spec.args, spec.arg_docs, strict=True)
        ]
        if docs:
            call += (
                ", _\n        ArgumentDescriptions:=Array("
                + ", _\n            ".join(docs)
                + ")"
            )
        lines.append(call)
    return lines + ["End Sub", ""]


def udf_wrappers(module: ModuleType | str = UDF_MODULE) -> str:
    """Return the VBA module of wrappers of the worksheet functions of ``module``.

    Each wrapper passes its arguments to xlwings' ``XLPy.CallUDF`` with the
    active workbook and the calling cell, the call xlwings' "Import Functions"
    writes; an error becomes the cell's text. ``RegisterXlreeFunctions`` gives
    each function its description, category and argument help.
    """
    module_name = module if isinstance(module, str) else module.__name__
    specs = udf_specs(module)
    lines = [
        f'Attribute VB_Name = "{FUNCTIONS_MODULE}"',
        f"' Generated by xlree.addin from {module_name}; edit the Python, not this.",
        "Option Explicit",
        "",
    ]
    for spec in specs:
        lines += _wrapper(spec, module_name)
    return "\n".join(lines + _registration(specs))


# ------------------------------------------------------------ vbaProject.bin
def _crlf(text: str) -> bytes:
    return "\r\n".join(text.replace("\r\n", "\n").split("\n")).encode("cp1252")


def _document_source(text: str, base: str, customizable: bool) -> str:
    """Module-stream text of an exported .cls: header dropped, attributes ordered."""
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].startswith("VERSION"):
        lines = lines[lines.index("END") + 1 :]
    attributes = [line for line in lines if line.startswith("Attribute VB_")]
    body = lines[len(attributes) :]
    wanted = {line.split("=")[0].split()[1]: line for line in attributes}
    wanted["VB_Base"] = f'Attribute VB_Base = "{base}"'
    wanted.setdefault("VB_TemplateDerived", "Attribute VB_TemplateDerived = False")
    wanted["VB_Customizable"] = f"Attribute VB_Customizable = {customizable}"
    order = [
        "VB_Name", "VB_Base", "VB_GlobalNameSpace", "VB_Creatable",
        "VB_PredeclaredId", "VB_Exposed", "VB_TemplateDerived", "VB_Customizable",
    ]  # fmt: skip
    head = [wanted.pop(key) for key in order if key in wanted]
    return "\n".join(head + list(wanted.values()) + body)


def _compress_chunk(chunk: bytes) -> bytes:
    """Compress one chunk of at most 4096 bytes into MS-OVBA tokens."""
    out = bytearray()
    seen: dict[bytes, list[int]] = {}
    position = 0
    while position < len(chunk):
        flag_at = len(out)
        out.append(0)
        for bit in range(8):
            if position >= len(chunk):
                break
            # CopyToken split (MS-OVBA 2.4.1.3.19.1): ceil(log2(position)), min 4.
            bit_count = max((position - 1).bit_length(), 4)
            longest = (0xFFFF >> bit_count) + 3
            best_length, best_offset = 0, 0
            for candidate in reversed(
                seen.get(chunk[position : position + 3], [])[-64:]
            ):
                length = 0
                while (
                    length < longest
                    and position + length < len(chunk)
                    and chunk[candidate + length] == chunk[position + length]
                ):
                    length += 1
                if length > best_length:
                    best_length, best_offset = length, position - candidate
            step = best_length if best_length >= 3 else 1
            if step > 1:
                token = ((best_offset - 1) << (16 - bit_count)) | (best_length - 3)
                out += token.to_bytes(2, "little")
                out[flag_at] |= 1 << bit
            else:
                out.append(chunk[position])
            for index in range(position, position + step):
                seen.setdefault(chunk[index : index + 3], []).append(index)
            position += step
    return bytes(out)


def ovba_compress(data: bytes) -> bytes:
    """Compress ``data`` as an MS-OVBA CompressedContainer (section 2.4.1).

    ms_ovba_compression 1.0.1 produces containers that neither it nor
    oletools can read back for some inputs (xlwings' own module is one), so
    xlree compresses the streams itself. A chunk that does not shrink is
    stored raw, as the specification allows for full 4096-byte chunks.

    >>> from oletools.olevba import decompress_stream
    >>> text = b"Option Explicit " * 300
    >>> bytes(decompress_stream(bytearray(ovba_compress(text)))) == text
    True
    """
    out = bytearray(b"\x01")
    for start in range(0, len(data), 4096):
        chunk = data[start : start + 4096]
        body = _compress_chunk(chunk)
        if len(body) > 4096 and len(chunk) == 4096:
            out += (0x3000 | 4095).to_bytes(2, "little") + chunk
            continue
        if len(body) > 4096:
            raise XlreeError("vba source: a final chunk did not compress; report it.")
        out += (0xB000 | (len(body) + 2 - 3)).to_bytes(2, "little") + body
    return bytes(out)


@contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    # ms_cfb writes its intermediate files into the current directory.
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def _vba_project(modules: list[tuple[str, str, str]]) -> bytes:
    """Compile ``(name, kind, source)`` modules into a vbaProject.bin.

    ``kind`` is "module", "class", "workbook" or "worksheet". ms-ovba writes
    the dir and PROJECT records, ms_cfb the compound file; the module and dir
    streams are compressed by :func:`ovba_compress`. The _VBA_PROJECT stream
    carries no compiled cache, so Excel compiles the source on first open.
    """
    try:
        from ms_cfb.Models.Directories.root_directory import RootDirectory
        from ms_cfb.Models.Directories.storage_directory import StorageDirectory
        from ms_cfb.Models.Directories.stream_directory import StreamDirectory
        from ms_cfb.ole_file import OleFile
        from ms_ovba.Models.Entities.doc_module import DocModule
        from ms_ovba.Models.Entities.reference import Reference
        from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
        from ms_ovba.Models.Entities.std_module import StdModule
    except ImportError as error:
        raise XlreeError(
            f"xlree addin build needs the 'addin' extra ({error.name} is not "
            'installed): run pip install "xlree[addin]" (or, in a clone, '
            'pip install ".[addin]") and build again.'
        ) from None
    from ms_ovba.Models.Fields.libid_reference import LibidReference
    from ms_ovba.vbaProject import VbaProject
    from ms_ovba.Views.dirStream import DirStream
    from ms_ovba.Views.project import Project
    from ms_ovba.Views.project_view import ProjectView

    class ClassModule(StdModule):
        # ms-ovba 0.0.1 knows standard and document modules; a class module is
        # a document-type record (0x0022) listed as "Class=" in PROJECT.
        def pack(self, endien, cp_name):
            self.type = "Document"
            try:
                return super().pack(endien, cp_name)
            finally:
                self.type = "Class"

        def to_project_module_string(self):
            return "Class=" + self.modName.value

    project = VbaProject()
    project.project_id = _PROJECT_ID
    for libid, path, title, name in (
        ("00020430-0000-0000-C000-000000000046", r"C:\Windows\System32\stdole2.tlb",
         "OLE Automation", "stdole"),
        ("2DF8D04C-5BFA-101B-BDE5-00AA0044DE52",
         r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL",
         "Microsoft Office 16.0 Object Library", "Office"),
    ):  # fmt: skip
        reference = LibidReference(uuid.UUID(libid), "2.0", "0", path, title)
        project.add_reference(Reference(ReferenceRegistered(reference), name))
    with tempfile.TemporaryDirectory(prefix="xlree-vba-") as tmp:
        folder = Path(tmp)
        storage = StorageDirectory("VBA")
        storage.set_created(project.default_date)
        storage.set_modified(project.default_date)
        for name, kind, source in modules:
            if kind in ("workbook", "worksheet"):
                module = DocModule(name)
            elif kind == "class":
                module = ClassModule(name)
                module.type = "Class"
            else:
                module = StdModule(name)
            project.add_module(module)
            (folder / f"{name}.bin").write_bytes(ovba_compress(_crlf(source)))
            storage.add_directory(StreamDirectory(name, str(folder / f"{name}.bin")))
        # The CMG/DPB/GC fields of PROJECT are obfuscated with random seed
        # bytes (MS-OVBA 2.4.3); a fixed seed keeps the build reproducible.
        state = random.getstate()
        random.seed(_PROJECT_ID)
        try:
            project_text = Project(project).to_bytes()
        finally:
            random.setstate(state)
        streams = {
            "dir": ovba_compress(DirStream(project).to_bytes()),
            "_VBA_PROJECT": ProjectView(project).to_bytes(),
            "PROJECT": project_text,
        }
        for name, data in streams.items():
            (folder / f"{name}.stream").write_bytes(data)
        storage.add_directory(StreamDirectory("dir", str(folder / "dir.stream")))
        storage.add_directory(
            StreamDirectory("_VBA_PROJECT", str(folder / "_VBA_PROJECT.stream"))
        )
        root = RootDirectory()
        root.set_modified(project.default_date)
        root.add_directory(storage)
        root.add_directory(StreamDirectory("PROJECT", str(folder / "PROJECT.stream")))
        ole = OleFile()
        ole.root_directory = root
        with _working_directory(folder):
            ole.create_file(str(folder / "vbaProject.bin"))
        return (folder / "vbaProject.bin").read_bytes()


def _modules() -> list[tuple[str, str, str]]:
    sources = vba_sources()
    xlwings = _xlwings_vba()
    workbook = (sources / "ThisWorkbook.cls").read_text(encoding="utf-8")
    blank_sheet = 'Attribute VB_Name = "Sheet1"\nAttribute VB_GlobalNameSpace = False\n'
    blank_sheet += "Attribute VB_Creatable = False\nAttribute VB_PredeclaredId = True\n"
    blank_sheet += "Attribute VB_Exposed = True\n"
    modules = [
        (
            "ThisWorkbook",
            "workbook",
            _document_source(workbook, _WORKBOOK_BASE, True),
        ),
        (
            "Sheet1",
            "worksheet",
            _document_source(blank_sheet, _WORKSHEET_BASE, True),
        ),
        (
            "Dictionary",
            "class",
            _document_source(xlwings["Dictionary"], _CLASS_BASE, False),
        ),
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
        _vba_project(_modules()),
        (sources / "customUI14.xml").read_bytes(),
        _config_rows(sources / "xlwings.conf"),
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(buffer.getvalue())
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
