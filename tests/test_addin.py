"""Checks of the built xlree.xlam that run on Linux (oletools, LibreOffice)."""

from __future__ import annotations

import importlib
import inspect
import re
import subprocess
import sys
import types
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from oletools.olevba import VBA_Parser, decompress_stream

from xlree import addin, udfs
from xlree._validation import XlreeError

NS = "{http://schemas.microsoft.com/office/2009/07/customui}"

# Element and attribute names of the Office 2010 customUI schema
# (namespace http://schemas.microsoft.com/office/2009/07/customui), from
# [MS-CUSTOMUI2] section 2.3: CT_CustomUI, CT_Ribbon, CT_Tabs, CT_Tab,
# CT_Group (2.3.47), CT_Button (2.3.24), CT_Menu (2.3.56), CT_Separator
# (2.3.67); https://learn.microsoft.com/en-us/openspecs/office_standards/ms-customui2
_CONTROL = {
    "id", "idQ", "idMso", "tag", "label", "getLabel", "visible", "getVisible",
    "enabled", "getEnabled", "insertAfterMso", "insertBeforeMso", "insertAfterQ",
    "insertBeforeQ", "keytip", "getKeytip", "screentip", "getScreentip",
    "supertip", "getSupertip", "image", "imageMso", "getImage", "showImage",
    "getShowImage", "showLabel", "getShowLabel", "size", "getSize",
    "description", "getDescription", "onAction",
}  # fmt: skip
SCHEMA = {
    "customUI": {"onLoad", "loadImage"},
    "ribbon": {"startFromScratch"},
    "tabs": set(),
    "tab": {
        "id", "idQ", "idMso", "tag", "label", "getLabel", "visible", "getVisible",
        "insertAfterMso", "insertBeforeMso", "insertAfterQ", "insertBeforeQ",
        "keytip", "getKeytip",
    },  # fmt: skip
    "group": {
        "id", "idQ", "idMso", "tag", "label", "getLabel", "visible", "getVisible",
        "insertAfterMso", "insertBeforeMso", "insertAfterQ", "insertBeforeQ",
        "image", "imageMso", "getImage", "screentip", "getScreentip", "supertip",
        "getSupertip", "keytip", "getKeytip", "autoScale", "centerVertically",
    },  # fmt: skip
    "button": _CONTROL,
    "menu": (_CONTROL - {"onAction"}) | {"itemSize"},
    "separator": {"id", "idQ", "tag", "visible", "getVisible", "insertAfterMso",
                  "insertBeforeMso", "insertAfterQ", "insertBeforeQ"},
}  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return addin.build_addin(tmp_path_factory.mktemp("addin") / "xlree.xlam")


@pytest.fixture(scope="module")
def modules(built) -> dict[str, str]:
    parser = VBA_Parser(str(built))
    try:
        return {
            stream.split("/")[-1]: code
            for _path, stream, _name, code in parser.extract_macros()
        }
    finally:
        parser.close()


def _custom_ui(built: Path) -> ElementTree.Element:
    with zipfile.ZipFile(built) as archive:
        return ElementTree.fromstring(archive.read("customUI/customUI14.xml"))


def test_two_builds_are_byte_identical(built, tmp_path):
    again = addin.build_addin(tmp_path)  # a folder gets xlree.xlam inside
    assert again == tmp_path / "xlree.xlam"
    assert again.read_bytes() == built.read_bytes()


def test_oletools_lists_every_module(modules):
    assert sorted(modules) == sorted(
        ["ThisWorkbook", "Sheet1", "Dictionary", "xlwings", "XlreeFunctions",
         "XlreeRibbon"]
    )  # fmt: skip
    assert 'Public Const PROJECT_NAME As String = "xlwings"' in modules["xlwings"]
    assert "Public Function RunPython(" in modules["xlwings"]


def test_vba_is_xlwings_own_from_the_installed_package(modules):
    import xlwings

    installed = (Path(xlwings.__file__).parent / "xlwings_custom_addin.bas").read_text(
        encoding="cp1252"
    )
    ours = modules["xlwings"].replace("\r\n", "\n")
    assert ours == installed.replace("\r\n", "\n").replace(
        'PROJECT_NAME As String = "myaddin"', 'PROJECT_NAME As String = "xlwings"'
    )


def test_own_modules_use_option_explicit(modules):
    for name in ("XlreeRibbon", "XlreeFunctions", "ThisWorkbook"):
        assert re.search(r"^Option Explicit\r?$", modules[name], re.M), name


def test_every_on_action_has_a_matching_sub(built, modules):
    subs = set(re.findall(r"^Public Sub (\w+)\(control As IRibbonControl\)",
                          modules["XlreeRibbon"], re.M))  # fmt: skip
    actions = [e.get("onAction") for e in _custom_ui(built).iter() if e.get("onAction")]
    assert len(actions) == 9
    for action in actions:
        module, sub = action.split(".")
        assert module == "XlreeRibbon" and sub in subs, action


def test_every_callback_is_one_line_and_its_python_target_exists(modules):
    bodies = re.findall(r"Public Sub \w+\(control As IRibbonControl\)\r\n(.*?)End Sub",
                        modules["XlreeRibbon"], re.S)  # fmt: skip
    assert len(bodies) == 9
    for body in bodies:
        lines = body.strip().splitlines()
        assert len(lines) == 1
        command = re.fullmatch(r'RunPython "(.*)"', lines[0].strip()).group(1)
        imported, call = (part.strip() for part in command.split(";"))
        module_name = imported.removeprefix("import ")
        module = importlib.import_module(module_name)
        function = re.fullmatch(rf"{re.escape(module_name)}\.(\w+)\((.*)\)", call)
        target = getattr(module, function.group(1))
        arguments = [a.strip("'") for a in function.group(2).split(",") if a]
        inspect.signature(target).bind(*arguments)  # callable as written


def test_every_udf_has_a_wrapper_with_the_same_arguments(modules):
    code = modules["XlreeFunctions"]
    assert len(udfs.__all__) == 9
    for name in udfs.__all__:
        match = re.search(rf"^Public Function {name}\((.*)\)\r$", code, re.M)
        assert match, name
        vba = [
            a.replace("Optional ", "").replace("ParamArray ", "").rstrip("()")
            for a in match.group(1).split(", ")
        ]
        python = list(inspect.signature(getattr(udfs, name)).parameters)
        assert [v.rstrip("_") for v in vba] == python, name
        assert f'XLPy.CallUDF("xlree.udfs", "{name}", ' in code
        assert f"""ThisWorkbook.Name & "'!{name}", Description:=""" in code


def test_generator_on_a_fake_module_handles_defaults_varargs_and_reserved_names():
    fake = types.ModuleType("fake_udfs")

    def SCORE(data, variant="relative", *extra):
        """Score the rows.

        Parameters
        ----------
        data : range
            One row per country.
        variant : str, optional
            "relative" or "absolute".
        """

    fake.SCORE, fake.__all__ = SCORE, ["SCORE"]
    code = addin.udf_wrappers(fake)
    assert "Public Function SCORE(data, Optional variant_, ParamArray extra())" in code
    assert "    ReDim args(0 To 2 + UBound(extra) - LBound(extra))" in code
    assert 'SCORE = XLPy.CallUDF("fake_udfs", "SCORE", args, ActiveWorkbook' in code
    assert 'ArgumentDescriptions:=Array("One row per country.", _' in code
    assert '"""relative"" or ""absolute"".", _' in code


def test_keyword_only_udf_arguments_are_refused():
    fake = types.ModuleType("fake_udfs")

    def BAD(data, *, method="x"):
        """Bad."""

    fake.BAD, fake.__all__ = BAD, ["BAD"]
    with pytest.raises(XlreeError, match="BAD: argument 'method' is keyword-only"):
        addin.udf_specs(fake)


def test_custom_ui_uses_only_schema_names(built):
    root = _custom_ui(built)
    assert root.tag == f"{NS}customUI"
    for element in root.iter():
        name = element.tag.removeprefix(NS)
        assert name in SCHEMA, name
        assert set(element.attrib) <= SCHEMA[name], (name, element.attrib)
    labels = [g.get("label") for g in root.iter(f"{NS}group")]
    assert labels == ["Analysis", "Data", "Help"]
    assert root.find(f"{NS}ribbon/{NS}tabs/{NS}tab").get("label") == "xlree"


def test_package_parts_and_relationships(built):
    with zipfile.ZipFile(built) as archive:
        types_xml = archive.read("[Content_Types].xml").decode()
        rels = archive.read("_rels/.rels").decode()
        book_rels = archive.read("xl/_rels/workbook.xml.rels").decode()
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        dates = {info.date_time for info in archive.infolist()}
    assert "application/vnd.ms-excel.addin.macroEnabled.main+xml" in types_xml
    assert 'Target="customUI/customUI14.xml"' in rels
    assert "/2007/relationships/ui/extensibility" in rels
    assert "relationships/vbaProject" in book_rels
    assert "<t>UDF Modules</t>" in sheet and "<t>xlree.udfs</t>" in sheet
    assert dates == {(1980, 1, 1, 0, 0, 0)}


def test_compression_round_trips_through_oletools():
    import xlwings

    # The text that ms_ovba_compression 1.0.1 fails to round-trip.
    text = (Path(xlwings.__file__).parent / "xlwings_custom_addin.bas").read_bytes()
    packed = addin.ovba_compress(text)
    assert bytes(decompress_stream(bytearray(packed))) == text
    assert len(packed) < len(text) / 2


def test_libreoffice_opens_the_addin_and_imports_every_module(built, tmp_path):
    # LibreOffice 7.4 does not detect .xlam by name; the xlsm filter reads it.
    result = subprocess.run(
        ["soffice", "--headless", "--infilter=Calc MS Excel 2007 VBA XML",
         "--convert-to", "ods", "--outdir", str(tmp_path), str(built)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "xlree.ods") as archive:
        names = set(archive.namelist())
        content = archive.read("content.xml").decode()
    for module in ("XlreeRibbon", "XlreeFunctions", "xlwings", "Dictionary"):
        assert f"Basic/VBAProject/{module}.xml" in names
    assert "xlree.udfs" in content


@pytest.mark.parametrize(
    ("platform", "relative"),
    [
        ("darwin", "Library/Group Containers/UBF8T346G9.Office/User Content/"
                   "Startup/Excel/xlree.xlam"),
        ("win32", "AppData/Roaming/Microsoft/Excel/XLSTART/xlree.xlam"),
    ],
)  # fmt: skip
def test_install_copies_to_the_startup_folder(
    platform, relative, tmp_path, monkeypatch
):
    monkeypatch.delenv("APPDATA", raising=False)
    message = addin.install_addin(platform=platform, home=tmp_path)
    target = tmp_path / relative
    assert target.is_file()
    assert message.startswith(f"Installed {target}.")
    assert zipfile.ZipFile(target).read("customUI/customUI14.xml")


def test_install_on_windows_uses_appdata(tmp_path, monkeypatch):
    monkeypatch.setenv("APPDATA", str(tmp_path / "roaming"))
    folder = addin.startup_folder("win32", home=tmp_path / "elsewhere")
    assert folder == tmp_path / "roaming" / "Microsoft" / "Excel" / "XLSTART"


def test_install_elsewhere_says_what_to_do(tmp_path):
    message = addin.install_addin(platform="linux", home=tmp_path)
    assert message.startswith("Excel has no startup folder on this system.")
    assert "xlree addin build" in message
    assert list(tmp_path.iterdir()) == []


def test_sources_are_found_from_the_checkout():
    assert (addin.vba_sources() / "XlreeRibbon.bas").is_file()
    assert sys.modules["xlree.addin"] is addin


def test_function_wizard_texts_are_the_functions_own_plain_help():
    # The wrappers carry each function's Function Wizard texts (plain words,
    # at most 255 characters), not its numpydoc with Sphinx markup.
    from xlree import udfs

    text = addin.udf_wrappers()
    for markup in (":math:", ":data:", ":func:", ":class:", "``"):
        assert markup not in text
    spec = udfs.CMS_EFFECTS.excel_spec
    assert spec.help[:60] in text
    assert spec.arguments["world_t0"].doc[:50] in text
