"""Result sheets and safe saves of workbook files (xlree.book, xlree.layout)."""

from __future__ import annotations

import zipfile

import openpyxl
import pandas as pd
import pytest

from xlree import XlreeError
from xlree.book import OpenpyxlBook, inventory
from xlree.layout import MARKER_NAME, Chart, SheetLayout, Table, place


def _layout(name: str = "CMS", value: float = 1.5) -> SheetLayout:
    frame = pd.DataFrame(
        {"period": ["2008-2011", "2011-2015"], "effect": [value, float("nan")]}
    )
    return SheetLayout(
        name=name,
        kind="cms",
        title="Test sheet",
        notes=["a note"],
        tables=[Table("numbers", frame)],
        charts=[Chart("column", "Effects", 0, "period", ["effect"])],
    )


def test_place_puts_title_notes_table_and_chart():
    placed = place(_layout())
    cells = {(r, c): v for r, c, v, _ in placed.cells}
    assert cells[(1, 1)] == "Test sheet"
    assert cells[(2, 1)] == "a note"
    assert cells[(4, 1)] == "numbers"
    assert cells[(5, 1)] == "period" and cells[(5, 2)] == "effect"
    assert cells[(6, 2)] == 1.5
    assert cells[(7, 2)] is None  # NaN is written blank, never an error value
    (chart,) = placed.charts
    assert (chart.first_row, chart.last_row, chart.series_columns) == (6, 7, [2])
    assert chart.anchor == (3, 4)


def test_result_sheet_is_marked_and_rewritten(tmp_path):
    path = tmp_path / "book.xlsx"
    book = OpenpyxlBook(path, create=True)
    book.write_result_sheet(_layout())
    book.save()
    again = OpenpyxlBook(path)
    assert again.is_result_sheet("CMS")
    again.write_result_sheet(_layout(value=2.5))
    report = again.save()
    assert report.backup == tmp_path / "book.bak.xlsx"
    assert OpenpyxlBook(path).read_values("CMS")[5] == ["2008-2011", 2.5]
    assert OpenpyxlBook(report.backup).read_values("CMS")[5] == ["2008-2011", 1.5]
    assert "CMS!" + MARKER_NAME in inventory(path)["names"]
    assert inventory(path)["sheets"]["CMS"]["charts"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.bak.xlsx", "book.xlsx"]


def test_a_users_sheet_is_never_overwritten(tmp_path):
    path = tmp_path / "book.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "CMS"
    workbook.active["A1"] = "my own notes"
    workbook.save(path)
    book = OpenpyxlBook(path)
    with pytest.raises(XlreeError, match="Sheet 'CMS' exists and was not created"):
        book.write_result_sheet(_layout())
    assert openpyxl.load_workbook(path)["CMS"]["A1"].value == "my own notes"


def test_save_diverts_when_a_users_image_would_be_lost(tmp_path, monkeypatch):
    # openpyxl drops the images of sheets it loads when Pillow is missing, and
    # shapes always. Make the loss certain whatever is installed: the reader
    # finds no drawings. The refresh must then leave the original alone and
    # write a separate file.
    import openpyxl.reader.excel

    monkeypatch.setattr(openpyxl.reader.excel, "find_images", lambda *a: ([], []))
    path = tmp_path / "book.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Mine"
    workbook.save(path)
    _add_image(path, "Mine")
    assert inventory(path)["sheets"]["Mine"]["images"] == 1
    original = path.read_bytes()

    book = OpenpyxlBook(path)
    book.write_result_sheet(_layout())
    report = book.save()
    assert report.path == tmp_path / "book.refreshed.xlsx"
    assert report.diverted_because == ["1 of 1 images on sheet 'Mine'"]
    assert path.read_bytes() == original
    assert OpenpyxlBook(report.path).is_result_sheet("CMS")


def test_missing_and_unreadable_files_are_named(tmp_path):
    with pytest.raises(XlreeError, match="no such workbook"):
        OpenpyxlBook(tmp_path / "nope.xlsx")
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a zip")
    with pytest.raises(XlreeError, match="cannot be read as an Excel workbook"):
        OpenpyxlBook(bad)


# A 1x1 PNG and the smallest drawing that shows it, written straight into the
# package so that no image library is needed to build the test file.
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
_DRAWING = (
    '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/'
    'spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><xdr:oneCellAnchor><xdr:from><xdr:col>1</xdr:col>'
    "<xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff>"
    '</xdr:from><xdr:ext cx="95250" cy="95250"/><xdr:pic><xdr:nvPicPr>'
    '<xdr:cNvPr id="1" name="Picture 1"/><xdr:cNvPicPr/></xdr:nvPicPr>'
    '<xdr:blipFill><a:blip r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch>'
    '</xdr:blipFill><xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
    "</xdr:spPr></xdr:pic><xdr:clientData/></xdr:oneCellAnchor></xdr:wsDr>"
)
_REL = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    '{kind}" Target="{target}"/></Relationships>'
)


def _add_image(path, sheet_name):
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet_part = "xl/worksheets/sheet1.xml"
    xml = parts[sheet_part].decode()
    xml = xml.replace(
        "</worksheet>",
        '<drawing xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships" r:id="rId1"/></worksheet>',
    )
    parts[sheet_part] = xml.encode()
    parts["xl/worksheets/_rels/sheet1.xml.rels"] = _REL.format(
        kind="drawing", target="../drawings/drawing1.xml"
    ).encode()
    parts["xl/drawings/drawing1.xml"] = _DRAWING.encode()
    parts["xl/drawings/_rels/drawing1.xml.rels"] = _REL.format(
        kind="image", target="../media/image1.png"
    ).encode()
    parts["xl/media/image1.png"] = _PNG
    types = parts["[Content_Types].xml"].decode()
    types = types.replace(
        "</Types>",
        '<Default Extension="png" ContentType="image/png"/>'
        '<Override PartName="/xl/drawings/drawing1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.drawing+xml"/></Types>',
    )
    parts["[Content_Types].xml"] = types.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_save_diverts_when_a_spilling_formula_would_stop_spilling(tmp_path):
    # Excel 365 writes a dynamic-array formula with a cell-metadata index
    # (cm="1", ECMA-376 Part 1, 18.3.1.4 and the xlDynamicArrayProperties
    # extension); openpyxl drops that attribute, which would turn the user's
    # =CMS_EFFECTS(...) into a legacy fixed-size array formula.
    path = tmp_path / "spill.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Mine"
    workbook.active["A1"] = "=SEQUENCE(3)"
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        '<c r="A1"', '<c r="A1" cm="1"'
    ).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert inventory(path)["sheets"]["Mine"]["spilling formulas"] == 1

    book = OpenpyxlBook(path)
    book.write_result_sheet(_layout())
    report = book.save()
    assert report.diverted_because == ["1 of 1 spilling formulas on sheet 'Mine'"]
    assert report.path == tmp_path / "spill.refreshed.xlsx"


def test_a_users_file_named_like_the_backup_is_kept(tmp_path):
    path = tmp_path / "book.xlsx"
    book = OpenpyxlBook(path, create=True)
    book.write_result_sheet(_layout())
    book.save()
    mine = tmp_path / "book.bak.xlsx"
    mine.write_text("my precious backup")
    again = OpenpyxlBook(path)
    again.write_result_sheet(_layout(value=2.5))
    report = again.save()
    assert mine.read_text() == "my precious backup"
    assert report.backup == tmp_path / "book.bak2.xlsx"
    # The next refresh replaces xlree's own backup, not the user's file.
    third = OpenpyxlBook(path)
    third.write_result_sheet(_layout(value=3.5))
    assert third.save().backup == tmp_path / "book.bak2.xlsx"
    assert mine.read_text() == "my precious backup"
