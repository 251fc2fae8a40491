"""VBA wrappers of xlree's worksheet functions, written from their Python signatures.

:func:`udf_wrappers` writes the VBA module (``XlreeFunctions``) that an
xlwings "Import Functions" step would write, so that the functions of
:mod:`xlree.udfs` work in the add-in without that step. Re-exported by
:mod:`xlree.addin`, which compiles the module into the add-in.

Conventions
-----------
A worksheet function of :mod:`xlree.udfs` is a function named in its
``__all__``. Outside Windows ``@xw.func`` leaves no trace on a function, so the
wrappers are built from :func:`inspect.signature`; argument help comes from
the xlwings metadata when present, else from the numpydoc ``Parameters``.
"""

from __future__ import annotations

import importlib
import inspect
import re
from dataclasses import dataclass
from types import ModuleType

from xlree._validation import XlreeError

__all__ = ["FUNCTIONS_MODULE", "UDF_MODULE", "UdfSpec", "udf_specs", "udf_wrappers"]

UDF_MODULE = "xlree.udfs"
FUNCTIONS_MODULE = "XlreeFunctions"
CATEGORY = "xlree"

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
    excel = getattr(function, "excel_spec", None)
    if excel is not None:
        # The worksheet functions' own Function Wizard texts (plain words, at
        # most 255 characters), not the numpydoc with its markup.
        description = excel.help
        arg_docs = [
            excel.arguments[python].doc if python in excel.arguments else doc
            for (_vba, python, _kind), doc in zip(args, arg_docs, strict=True)
        ]
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
