"""A refresh never loses a user's work (issue 5).

Each test starts from a copy of ``workbooks/product_group_template.xlsx``, adds
a sheet of the user's own ("My work") carrying one kind of thing a user makes
in Excel, refreshes it as ``xlree refresh`` does (:func:`xlree.refresh.refresh`
on an :class:`~xlree.book.OpenpyxlBook`, then ``save()``) and checks what
happened to that thing. There are exactly two acceptable outcomes:

- kept: the refreshed file is in place, the thing is there with the same
  content, and the backup holds the previous file byte for byte;
- diverted: the result went to ``NAME.refreshed.xlsx``, the original is byte
  for byte what it was, and the reason names the thing that would be lost.

Which of the two happens depends on the installed openpyxl (and, for images,
on Pillow); the tests accept either but nothing else. Test files are built
with openpyxl where openpyxl can write the thing, and at the zip/XML level
where it cannot (images, shapes, threaded comments, validations stored as an
Excel 2010 extension, the VBA project).
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from xlree import XlreeError, addin
from xlree.book import OpenpyxlBook, SaveReport, _rels, inventory
from xlree.cli import main
from xlree.refresh import refresh

TEMPLATE = (
    Path(__file__).resolve().parents[1] / "workbooks" / "product_group_template.xlsx"
)
USER_SHEET = "My work"
RESULT_SHEETS = {"CMS", "Entropy", "RCA", "About"}
STALE = "stale result, to be replaced by the refresh"

_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_NS_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
# The main part of a macro-enabled workbook, as Microsoft's [MS-OFFMACRO]
# section 2.1 lists the macro-enabled main-part content types.
_MACRO_WORKBOOK = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"

# A 1x1 red PNG, so that no image library is needed to build the test file.
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
_ANCHOR_FROM = (
    "<xdr:from><xdr:col>4</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row>"
    "<xdr:rowOff>0</xdr:rowOff></xdr:from>"
)
_DRAWING_OPEN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/'
    'spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/'
    f'2006/main" xmlns:r="{_NS_REL}">'
)
_PICTURE = (
    f"{_DRAWING_OPEN}<xdr:oneCellAnchor>{_ANCHOR_FROM}"
    '<xdr:ext cx="95250" cy="95250"/><xdr:pic><xdr:nvPicPr>'
    '<xdr:cNvPr id="2" name="My logo"/><xdr:cNvPicPr/></xdr:nvPicPr>'
    '<xdr:blipFill><a:blip r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch>'
    '</xdr:blipFill><xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
    "</xdr:spPr></xdr:pic><xdr:clientData/></xdr:oneCellAnchor></xdr:wsDr>"
)
_SHAPE = (
    f"{_DRAWING_OPEN}<xdr:oneCellAnchor>{_ANCHOR_FROM}"
    '<xdr:ext cx="952500" cy="476250"/><xdr:sp macro="" textlink="">'
    '<xdr:nvSpPr><xdr:cNvPr id="2" name="My arrow"/><xdr:cNvSpPr/></xdr:nvSpPr>'
    '<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="952500" cy="476250"/>'
    '</a:xfrm><a:prstGeom prst="rightArrow"><a:avLst/></a:prstGeom></xdr:spPr>'
    "<xdr:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:t>check refining</a:t>"
    "</a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData/></xdr:oneCellAnchor>"
    "</xdr:wsDr>"
)
# How Excel 2010 and later store a list validation whose source is on another
# sheet: in the worksheet's extension list, not in <dataValidations>.
_X14_VALIDATION = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" '
    'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1" showErrorMessage="1">'
    "<x14:formula1><xm:f>Segments!$C$2:$C$4</xm:f></x14:formula1>"
    "<xm:sqref>A2:A4</xm:sqref></x14:dataValidation></x14:dataValidations>"
    "</ext></extLst>"
)
# A thread as [MS-XLSX] 2.6.205 (CT_ThreadedComment: ref, dT, personId, id)
# describes it; relationship and content types as the Open XML SDK's
# WorksheetThreadedCommentsPart names them.
_PERSON_ID = "{6F2B1C2E-0000-4000-8000-000000000001}"
_THREAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/'
    '2018/threadedcomments" xmlns:x="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main"><threadedComment ref="B3" '
    f'dT="2026-01-05T09:30:00.00" personId="{_PERSON_ID}" '
    'id="{6F2B1C2E-0000-4000-8000-0000000000A1}"><text>Is refining the 2023 '
    "value?</text></threadedComment></ThreadedComments>"
)
_PERSONS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/'
    'threadedcomments" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/'
    f'2006/main"><person displayName="Analyst" id="{_PERSON_ID}" '
    'userId="analyst@example.org" providerId="None"/></personList>'
)
_REL_THREAD = (
    "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"
)
_REL_PERSON = "http://schemas.microsoft.com/office/2017/10/relationships/person"


# ------------------------------------------------------------------ building files


def _user_workbook(
    tmp_path: Path,
    decorate: Callable | None = None,
    name: str = "book.xlsx",
) -> Path:
    """A copy of the template with a user sheet, decorated by ``decorate``."""
    workbook = openpyxl.load_workbook(TEMPLATE)
    sheet = workbook.create_sheet(USER_SHEET)
    for row in (
        ["segment", "exports"],
        ["mining", 12.5],
        ["refining", 30.25],
        ["magnets", 7.0],
        ["total", "=SUM(B2:B4)"],
    ):
        sheet.append(row)
    workbook["CMS"]["A1"] = STALE
    if decorate is not None:
        decorate(workbook, sheet)
    path = tmp_path / name
    workbook.save(path)
    return path


def _rewrite(path: Path, change: Callable[[dict[str, bytes]], None]) -> None:
    """Edit the parts of a package in place: ``change`` gets name -> bytes."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    change(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def _sheet_part(path: Path, sheet_name: str) -> str:
    """The package part of a worksheet, found through the workbook's relations."""
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = _rels(archive, "xl/workbook.xml")
    for match in re.finditer(r"<sheet\b[^>]*>", workbook):
        tag = match.group(0)
        if f'name="{sheet_name}"' in tag:
            return rels[re.search(r'r:id="([^"]+)"', tag).group(1)][1]
    raise AssertionError(f"no sheet {sheet_name!r} in {path}")


def _add_relation(parts: dict[str, bytes], part: str, kind: str, target: str) -> str:
    """Add a relationship to ``part`` and return its id."""
    folder, name = part.rsplit("/", 1)
    rels_part = f"{folder}/_rels/{name}.rels"
    xml = parts.get(
        rels_part, f'<Relationships xmlns="{_NS_PKG}"></Relationships>'.encode()
    )
    xml = xml.decode()
    number = 1
    while f'Id="rIdUser{number}"' in xml:
        number += 1
    rid = f"rIdUser{number}"
    xml = xml.replace(
        "</Relationships>",
        f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/></Relationships>',
    )
    parts[rels_part] = xml.encode()
    return rid


def _add_content_type(parts: dict[str, bytes], entry: str) -> None:
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "</Types>", entry + "</Types>"
    ).encode()


def _add_drawing(path: Path, drawing: str, media: bytes | None = None) -> None:
    """Give the user sheet a drawing part (and an image for it to show)."""
    sheet_part = _sheet_part(path, USER_SHEET)

    def change(parts: dict[str, bytes]) -> None:
        rid = _add_relation(
            parts, sheet_part, f"{_NS_REL}/drawing", "../drawings/drawingUser.xml"
        )
        xml = parts[sheet_part].decode()
        parts[sheet_part] = xml.replace(
            "</worksheet>", f'<drawing xmlns:r="{_NS_REL}" r:id="{rid}"/></worksheet>'
        ).encode()
        parts["xl/drawings/drawingUser.xml"] = drawing.encode()
        _add_content_type(
            parts,
            '<Override PartName="/xl/drawings/drawingUser.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.drawing+xml"/>',
        )
        if media is not None:
            _add_relation(
                parts,
                "xl/drawings/drawingUser.xml",
                f"{_NS_REL}/image",
                "../media/imageUser.png",
            )
            parts["xl/media/imageUser.png"] = media
            if 'Extension="png"' not in parts["[Content_Types].xml"].decode():
                _add_content_type(
                    parts, '<Default Extension="png" ContentType="image/png"/>'
                )

    _rewrite(path, change)


def _drawn(path: Path, sheet_name: str) -> list[tuple[str, bytes, dict[str, bytes]]]:
    """(drawing xml, its related parts by id) of each drawing on a sheet."""
    part = _sheet_part(path, sheet_name)
    out = []
    with zipfile.ZipFile(path) as archive:
        for kind, target in _rels(archive, part).values():
            if kind != "drawing":
                continue
            related = {
                rid: archive.read(child)
                for rid, (_kind, child) in _rels(archive, target).items()
            }
            out.append((target, archive.read(target), related))
    return out


def _anchor_column(drawing: bytes) -> int:
    """The column of the first anchor of a drawing (any namespace prefix)."""
    column = ElementTree.fromstring(drawing).find(
        f".//{{{_NS_XDR}}}from/{{{_NS_XDR}}}col"
    )
    return int(column.text)


# ------------------------------------------------------------- refresh and verdict


def _snapshot(path: Path) -> dict[str, object]:
    """What a refresh must leave alone, and the head of the CMS result sheet.

    For each sheet that is not an xlree result sheet: the values xlree reads
    (formulas as their stored results) and every cell as written (formulas as
    text).
    """
    book = OpenpyxlBook(path)
    results = {n for n in book.sheet_names() if book.is_result_sheet(n)}
    others = [n for n in book.sheet_names() if n not in results]
    return {
        "results": results,
        "cms_title": book.read_values("CMS")[0][0],
        "values": {name: book.read_values(name) for name in others},
        "cells": {
            name: {
                cell.coordinate: cell.value
                for row in book.workbook[name].iter_rows()
                for cell in row
                if cell.value is not None
            }
            for name in others
        },
    }


def _refresh(path: Path) -> tuple[SaveReport, bytes]:
    """Refresh ``path`` as ``xlree refresh`` does; check what must always hold."""
    original = path.read_bytes()
    before = _snapshot(path)
    book = OpenpyxlBook(path)
    refresh(book)
    report = book.save()

    # Whichever file holds the result: fresh results, every input and user
    # cell as it was, and no temporary file left beside it.
    after = _snapshot(report.path)
    assert before["cms_title"] == STALE
    assert after["cms_title"].startswith("Constant-market-share")
    assert after["results"] == RESULT_SHEETS
    assert after["values"] == before["values"]
    assert after["cells"] == before["cells"]
    assert USER_SHEET in after["values"] and "Trade" in after["values"]
    assert not [p.name for p in path.parent.iterdir() if p.name.startswith(".~")]
    return report, original


def _verdict(path: Path, original: bytes, report: SaveReport, *words: str) -> str:
    """ "kept" or "diverted"; fails unless the outcome is one of the two, cleanly."""
    if not report.diverted_because:
        assert report.path == path
        assert report.backup == path.with_name(f"{path.stem}.bak{path.suffix}")
        assert report.backup.read_bytes() == original
        return "kept"
    assert report.path == path.with_name(f"{path.stem}.refreshed{path.suffix}")
    assert path.read_bytes() == original
    assert not path.with_name(f"{path.stem}.bak{path.suffix}").exists()
    reasons = "; ".join(report.diverted_because)
    assert all(word in reasons for word in words), reasons
    return "diverted"


# ------------------------------------------------------------------------ the items


def test_inputs_and_user_sheets_are_kept_in_place(tmp_path):
    path = _user_workbook(tmp_path)
    report, original = _refresh(path)
    # Nothing here that openpyxl cannot write: the refresh must be in place.
    assert report.diverted_because == []
    assert _verdict(path, original, report) == "kept"
    workbook = openpyxl.load_workbook(path)
    assert workbook[USER_SHEET]["B5"].value == "=SUM(B2:B4)"
    assert workbook[USER_SHEET]["A3"].value == "refining"
    assert workbook["CMS"]["A1"].value != STALE
    # The input sheets keep their Excel tables and validations too.
    counts = inventory(path)["sheets"]
    assert counts["Trade"]["tables"] == 1 and counts["Trade"]["validations"] == 2
    assert counts["Settings"]["validations"] == 3  # three drop-down lists


def _add_chart(workbook, sheet) -> None:
    chart = BarChart()
    chart.title = "Exports by segment"
    chart.add_data(
        Reference(sheet, min_col=2, min_row=1, max_row=4), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=4))
    sheet.add_chart(chart, "D2")


def test_a_chart_on_a_users_sheet(tmp_path):
    path = _user_workbook(tmp_path, _add_chart)
    assert inventory(path)["sheets"][USER_SHEET]["charts"] == 1
    report, original = _refresh(path)
    if _verdict(path, original, report, "charts", USER_SHEET) == "kept":
        ((_part, drawing, related),) = _drawn(path, USER_SHEET)
        assert _anchor_column(drawing) == 3  # D2, counted from 0
        (chart,) = related.values()
        assert b'barDir val="col"' in chart
        assert b"'My work'!$B$2:$B$4" in chart
        assert b"'My work'!$A$2:$A$4" in chart
        assert b"Exports by segment" in chart


def test_an_image_on_a_users_sheet(tmp_path):
    path = _user_workbook(tmp_path)
    _add_drawing(path, _PICTURE, media=_PNG)
    assert inventory(path)["sheets"][USER_SHEET]["images"] == 1
    report, original = _refresh(path)
    # openpyxl keeps images only when Pillow is installed.
    if _verdict(path, original, report, "1 of 1 images", USER_SHEET) == "kept":
        ((_part, drawing, related),) = _drawn(path, USER_SHEET)
        assert _anchor_column(drawing) == 4
        assert b"pic>" in drawing
        assert list(related.values()) == [_PNG]


def test_a_shape_on_a_users_sheet(tmp_path):
    path = _user_workbook(tmp_path)
    _add_drawing(path, _SHAPE)
    assert inventory(path)["sheets"][USER_SHEET]["shapes"] == 1
    report, original = _refresh(path)
    if _verdict(path, original, report, "1 of 1 shapes", USER_SHEET) == "kept":
        ((_part, drawing, _related),) = _drawn(path, USER_SHEET)
        assert b'name="My arrow"' in drawing and b'prst="rightArrow"' in drawing
        assert b"check refining" in drawing


def _add_note(workbook, sheet) -> None:
    sheet["B3"].comment = Comment("Includes the 2023 revision.", "Analyst")


def test_a_note_on_a_users_sheet(tmp_path):
    path = _user_workbook(tmp_path, _add_note)
    assert inventory(path)["sheets"][USER_SHEET]["comments"] == 1
    report, original = _refresh(path)
    if _verdict(path, original, report, "comments", USER_SHEET) == "kept":
        comment = openpyxl.load_workbook(path)[USER_SHEET]["B3"].comment
        assert (comment.text, comment.author) == (
            "Includes the 2023 revision.",
            "Analyst",
        )


def test_a_threaded_comment_on_a_users_sheet(tmp_path):
    # Excel 365 writes a comment as a thread (threadedComments part, with the
    # people in persons/person.xml) plus a plain note as a fallback.
    path = _user_workbook(tmp_path, _add_note)
    sheet_part = _sheet_part(path, USER_SHEET)

    def change(parts: dict[str, bytes]) -> None:
        _add_relation(parts, sheet_part, _REL_THREAD, "../threadedComments/thread1.xml")
        _add_relation(parts, "xl/workbook.xml", _REL_PERSON, "persons/person.xml")
        parts["xl/threadedComments/thread1.xml"] = _THREAD.encode()
        parts["xl/persons/person.xml"] = _PERSONS.encode()
        _add_content_type(
            parts,
            '<Override PartName="/xl/threadedComments/thread1.xml" ContentType='
            '"application/vnd.ms-excel.threadedcomments+xml"/>'
            '<Override PartName="/xl/persons/person.xml" ContentType='
            '"application/vnd.ms-excel.person+xml"/>',
        )

    _rewrite(path, change)
    assert inventory(path)["sheets"][USER_SHEET]["threaded comments"] == 1
    report, original = _refresh(path)
    verdict = _verdict(path, original, report, "threaded comments", USER_SHEET)
    if verdict == "kept":
        part = _sheet_part(path, USER_SHEET)
        with zipfile.ZipFile(path) as archive:
            threads = [
                archive.read(target)
                for kind, target in _rels(archive, part).values()
                if kind == "threadedComment"
            ]
        assert len(threads) == 1 and b"Is refining the 2023 value?" in threads[0]


def _add_names(workbook, sheet) -> None:
    workbook.defined_names["my_total"] = DefinedName(
        "my_total", attr_text="'My work'!$B$5"
    )
    sheet.defined_names["my_refining"] = DefinedName(
        "my_refining", attr_text="'My work'!$B$3"
    )
    workbook["Trade"].defined_names["my_first_value"] = DefinedName(
        "my_first_value", attr_text="Trade!$E$2"
    )


def test_defined_names_workbook_and_sheet_scoped(tmp_path):
    path = _user_workbook(tmp_path, _add_names)
    names = inventory(path)["names"]
    assert {"!my_total", "My work!my_refining", "Trade!my_first_value"} <= names
    report, original = _refresh(path)
    if _verdict(path, original, report, "defined name") == "kept":
        workbook = openpyxl.load_workbook(path)
        assert workbook.defined_names["my_total"].attr_text == "'My work'!$B$5"
        assert (
            workbook[USER_SHEET].defined_names["my_refining"].attr_text
            == "'My work'!$B$3"
        )
        assert (
            workbook["Trade"].defined_names["my_first_value"].attr_text == "Trade!$E$2"
        )
        assert names <= inventory(path)["names"]


def _add_validations(workbook, sheet) -> None:
    segments = DataValidation(type="list", formula1='"mining,refining,magnets"')
    segments.add("A2:A4")
    amounts = DataValidation(
        type="decimal", operator="greaterThanOrEqual", formula1="0"
    )
    amounts.add("B2:B4")
    sheet.add_data_validation(segments)
    sheet.add_data_validation(amounts)


def _validations(path: Path) -> set[tuple]:
    sheet = openpyxl.load_workbook(path)[USER_SHEET]
    return {
        (v.type, v.operator, v.formula1, str(v.sqref))
        for v in sheet.data_validations.dataValidation
    }


def test_data_validation_on_a_users_sheet(tmp_path):
    path = _user_workbook(tmp_path, _add_validations)
    expected = {
        ("list", None, '"mining,refining,magnets"', "A2:A4"),
        ("decimal", "greaterThanOrEqual", "0", "B2:B4"),
    }
    assert _validations(path) == expected
    report, original = _refresh(path)
    if _verdict(path, original, report, "validations", USER_SHEET) == "kept":
        assert _validations(path) == expected


# openpyxl announces the loss on load; the test checks what the refresh does.
@pytest.mark.filterwarnings("ignore:Data Validation extension is not supported")
def test_data_validation_stored_as_an_excel_extension(tmp_path):
    path = _user_workbook(tmp_path)
    sheet_part = _sheet_part(path, USER_SHEET)

    def change(parts: dict[str, bytes]) -> None:
        xml = parts[sheet_part].decode()
        parts[sheet_part] = xml.replace(
            "</worksheet>", _X14_VALIDATION + "</worksheet>"
        ).encode()

    _rewrite(path, change)
    assert inventory(path)["sheets"][USER_SHEET]["validations"] == 1
    report, original = _refresh(path)
    if _verdict(path, original, report, "1 of 1 validations", USER_SHEET) == "kept":
        with zipfile.ZipFile(path) as archive:
            xml = archive.read(_sheet_part(path, USER_SHEET))
        assert b"Segments!$C$2:$C$4" in xml


# --------------------------------------------------------------------------- macros


@pytest.fixture(scope="module")
def vba_project(tmp_path_factory) -> bytes:
    """The add-in's own VBA project: a real one, built by xlree.addin."""
    built = addin.build_addin(tmp_path_factory.mktemp("addin") / "xlree.xlam")
    with zipfile.ZipFile(built) as archive:
        return archive.read("xl/vbaProject.bin")


def _workbook_type(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        types = archive.read("[Content_Types].xml").decode()
    return re.search(r'PartName="/xl/workbook.xml" ContentType="([^"]+)"', types).group(
        1
    )


def _make_macro_enabled(path: Path, vba_project: bytes) -> None:
    def change(parts: dict[str, bytes]) -> None:
        parts["xl/vbaProject.bin"] = vba_project
        _add_relation(
            parts,
            "xl/workbook.xml",
            "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
            "vbaProject.bin",
        )
        types = parts["[Content_Types].xml"].decode()
        types = re.sub(
            r'(PartName="/xl/workbook.xml" ContentType=")[^"]+"',
            rf'\g<1>{_MACRO_WORKBOOK}"',
            types,
        )
        parts["[Content_Types].xml"] = types.encode()
        _add_content_type(
            parts,
            '<Default Extension="bin" '
            'ContentType="application/vnd.ms-office.vbaProject"/>',
        )

    _rewrite(path, change)


def test_macros_of_an_xlsm(tmp_path, vba_project):
    path = _user_workbook(tmp_path, name="book.xlsm")
    _make_macro_enabled(path, vba_project)
    assert inventory(path)["vba"] and _workbook_type(path) == _MACRO_WORKBOOK
    report, original = _refresh(path)
    verdict = _verdict(path, original, report, "macros")
    # Either way the workbook written must stay a macro-enabled one.
    assert report.path.suffix == ".xlsm"
    if verdict == "kept":
        with zipfile.ZipFile(path) as archive:
            assert archive.read("xl/vbaProject.bin") == vba_project
        assert _workbook_type(path) == _MACRO_WORKBOOK


# ------------------------------------------------------------- refusals and saving


def test_a_users_sheet_named_like_a_result_is_refused(tmp_path):
    def take_the_name(workbook, sheet) -> None:
        workbook.remove(workbook["CMS"])
        workbook.create_sheet("CMS")["A1"] = "my own CMS notes"

    path = _user_workbook(tmp_path, take_the_name)
    original = path.read_bytes()
    with pytest.raises(
        XlreeError,
        match=r"Sheet 'CMS' exists and was not created by xlree, so xlree will "
        r"not overwrite it\. Rename that sheet",
    ):
        refresh(OpenpyxlBook(path))
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]


def test_the_backup_holds_the_previous_file(tmp_path):
    path = _user_workbook(tmp_path)
    report, original = _refresh(path)
    assert report.backup.read_bytes() == original
    assert openpyxl.load_workbook(report.backup)["CMS"]["A1"].value == STALE
    assert openpyxl.load_workbook(path)["CMS"]["A1"].value != STALE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.bak.xlsx", "book.xlsx"]


def test_a_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    path = _user_workbook(tmp_path)
    original = path.read_bytes()
    book = OpenpyxlBook(path)
    refresh(book)

    def half_written(self, filename):
        Path(filename).write_bytes(b"PK\x03\x04 half a zip")
        raise OSError("No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", half_written)
    with pytest.raises(
        XlreeError, match=r"cannot be written \(No space left on device\)"
    ):
        book.save()
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]


def test_a_failed_rename_leaves_the_original_and_no_temporary_file(
    tmp_path, monkeypatch
):
    path = _user_workbook(tmp_path)
    original = path.read_bytes()
    book = OpenpyxlBook(path)
    refresh(book)

    def refuse(source, destination):
        raise PermissionError(f"{destination} is open in Excel")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(XlreeError, match="is open in Excel"):
        book.save()
    monkeypatch.undo()
    assert path.read_bytes() == original
    leftovers = sorted(p.name for p in tmp_path.iterdir())
    # The backup, already copied, is the original too: harmless.
    assert leftovers == ["book.bak.xlsx", "book.xlsx"]
    assert (tmp_path / "book.bak.xlsx").read_bytes() == original


def test_the_command_prints_why_it_wrote_elsewhere(tmp_path, monkeypatch, capsys):
    # Make the image's loss certain whatever is installed: openpyxl's reader
    # finds no drawings (it drops images without Pillow, and always drops shapes).
    import openpyxl.reader.excel

    monkeypatch.setattr(openpyxl.reader.excel, "find_images", lambda *a: ([], []))
    path = _user_workbook(tmp_path)
    _add_drawing(path, _PICTURE, media=_PNG)
    original = path.read_bytes()
    assert main(["refresh", str(path)]) == 0
    printed = capsys.readouterr().err
    diverted = tmp_path / "book.refreshed.xlsx"
    assert f"Wrote {diverted}, not {path}" in printed
    assert "would have lost 1 of 1 images on sheet 'My work'" in printed
    assert f"Your workbook {path} is unchanged." in printed
    assert path.read_bytes() == original
    assert OpenpyxlBook(diverted).read_values("CMS")[0][0] != STALE
