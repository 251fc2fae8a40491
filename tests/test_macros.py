"""The ribbon's Python side, driven through a stand-in for an xlwings Book.

The stand-in offers the part of the xlwings API that xlree.book.XlwingsBook
uses (sheets, used_range, range(...).value/options/font/number_format, names,
charts, app.alert) and keeps cell values in dictionaries.
"""

from __future__ import annotations

import logging
import math
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from xlree import book, macros, refresh, sheets, templates
from xlree._validation import XlreeError


class FakeRange:
    def __init__(self, sheet, first, last=None):
        self.sheet, self.first, self.last = sheet, first, last or first
        self.font = SimpleNamespace(bold=False)
        self.number_format = "General"
        self.left = float(first[1] * 54)
        self.top = float(first[0] * 15)
        self.row, self.column = first

    def options(self, **_kwargs):
        return self

    @property
    def value(self):
        (r0, c0), (r1, c1) = self.first, self.last
        return [
            [self.sheet.cells.get((r, c)) for c in range(c0, c1 + 1)]
            for r in range(r0, r1 + 1)
        ]

    @value.setter
    def value(self, grid):
        r0, c0 = self.first
        for i, row in enumerate(grid):
            for j, item in enumerate(row):
                if item is None:
                    self.sheet.cells.pop((r0 + i, c0 + j), None)
                else:
                    self.sheet.cells[(r0 + i, c0 + j)] = item


class FakeNames(list):
    def add(self, name, refers_to):
        self.append(SimpleNamespace(name=name, refers_to=refers_to))


class FakeCharts(list):
    def add(self, left, top, width, height):
        chart = SimpleNamespace(chart_type=None, name="", source=None)
        chart.set_source_data = lambda rng: setattr(chart, "source", rng)
        chart.delete = lambda: self.remove(chart)
        self.append(chart)
        return chart


class FakeSheet:
    def __init__(self, name):
        self.name, self.cells = name, {}
        self.names, self.charts = FakeNames(), FakeCharts()

    def range(self, first, last=None):
        if isinstance(first, str):  # an address such as "A3:A9,C3:C9"
            return FakeRange(self, (1, 1))
        return FakeRange(self, first, last)

    @property
    def used_range(self):
        rows = max((r for r, _ in self.cells), default=1)
        columns = max((c for _, c in self.cells), default=1)
        return SimpleNamespace(last_cell=SimpleNamespace(row=rows, column=columns))

    def clear(self):
        self.cells.clear()


class FakeSheets(list):
    def __getitem__(self, key):
        if isinstance(key, str):
            return next(sheet for sheet in self if sheet.name == key)
        return list.__getitem__(self, key)

    def add(self, name, after=None):
        sheet = FakeSheet(name)
        self.append(sheet)
        return sheet


class FakeBook:
    """Just enough of ``xlwings.Book`` for XlwingsBook and the macros."""

    def __init__(self):
        self.sheets = FakeSheets()
        self.alerts = []
        self.opened = []
        self.app = SimpleNamespace(
            alert=lambda message, title="": self.alerts.append(message),
            books=SimpleNamespace(open=self.opened.append),
        )


@pytest.fixture(scope="module")
def template_file(tmp_path_factory) -> Path:
    return templates.generate_template(
        "empty", tmp_path_factory.mktemp("tpl") / "study.xlsx"
    )


def _fake_from(path: Path) -> FakeBook:
    """A stand-in holding the input sheets (values only) of a workbook file."""
    source = book.OpenpyxlBook(path)
    fake = FakeBook()
    for spec in sheets.INPUT_SHEETS:
        sheet = fake.sheets.add(spec.name)
        FakeRange(sheet, (1, 1)).value = source.read_values(spec.name)
    return fake


def _same(left, right) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return math.isclose(left, right, rel_tol=1e-12, abs_tol=1e-12)
    return left == right


def test_refresh_all_writes_the_same_sheets_as_the_command_line(
    template_file, tmp_path
):
    # The command line's path: an OpenpyxlBook on a copy of the file.
    copy = tmp_path / "cli.xlsx"
    shutil.copyfile(template_file, copy)
    on_disk = book.OpenpyxlBook(copy)
    refresh.refresh(on_disk)
    on_disk.save()
    reread = book.OpenpyxlBook(copy)

    fake = _fake_from(template_file)
    assert macros.refresh_all(fake) is True
    assert fake.alerts == []
    in_excel = book.XlwingsBook(fake)

    written = [
        name for name in in_excel.sheet_names() if in_excel.is_result_sheet(name)
    ]
    assert written == ["CMS", "Entropy", "RCA", "About"]
    for name in written:
        expected = reread.read_values(name)
        got = in_excel.read_values(name)
        assert len(got) == len(expected), name
        for row_got, row_expected in zip(got, expected, strict=True):
            assert all(
                _same(a, b) for a, b in zip(row_got, row_expected, strict=False)
            ), (name, row_got, row_expected)


def test_one_analysis_writes_its_sheet_and_about_only(template_file):
    fake = _fake_from(template_file)
    assert macros.refresh_cms(fake) is True
    assert [s.name for s in fake.sheets][-2:] == ["CMS", "About"]
    assert "Entropy" not in [s.name for s in fake.sheets]


def test_input_sheets_are_never_changed(template_file):
    fake = _fake_from(template_file)
    before = {s.name: dict(s.cells) for s in fake.sheets}
    macros.refresh_all(fake)
    for name, cells in before.items():
        assert fake.sheets[name].cells == cells


def test_a_bad_input_alerts_with_the_cell_and_returns_false(template_file, caplog):
    fake = _fake_from(template_file)
    fake.sheets["Trade"].cells[(2, 5)] = "lots"
    with caplog.at_level(logging.INFO, logger="xlree.macros"):
        assert macros.refresh_all(fake) is False
    assert len(fake.alerts) == 1
    assert fake.alerts[0].startswith("Refresh all stopped: Trade!E2")


def test_an_unexpected_error_is_logged_with_traceback_and_alerted(caplog):
    def broken(_book):
        raise RuntimeError("disk on fire")

    fake = FakeBook()
    with caplog.at_level(logging.ERROR, logger="xlree.macros"):
        assert macros.run_action("Refresh all", broken, fake) is False
    assert fake.alerts == [
        "Refresh all failed: RuntimeError: disk on fire. The log of the Python "
        "side has the details; check the xlwings interpreter setting."
    ]
    assert caplog.records[0].exc_info is not None


def test_a_sheet_xlree_did_not_create_is_refused(template_file):
    fake = _fake_from(template_file)
    fake.sheets.add("CMS").cells[(1, 1)] = "my own notes"
    assert macros.refresh_cms(fake) is False
    assert "CMS" in fake.alerts[0]
    assert fake.sheets["CMS"].cells == {(1, 1): "my own notes"}


def test_new_workbook_writes_a_fresh_file_and_opens_it(tmp_path):
    fake = FakeBook()
    (tmp_path / "xlree-empty.xlsx").write_bytes(b"keep me")
    assert macros.new_workbook("empty", fake, folder=tmp_path) is True
    assert fake.opened == [str(tmp_path / "xlree-empty-2.xlsx")]
    assert (tmp_path / "xlree-empty.xlsx").read_bytes() == b"keep me"


def test_new_workbook_of_an_unknown_kind_names_the_choices(tmp_path):
    fake = FakeBook()
    assert macros.new_workbook("blank", fake, folder=tmp_path) is False
    assert "kind" in fake.alerts[0]
    with pytest.raises(XlreeError, match="kind"):
        templates.generate_template("blank", tmp_path / "x.xlsx")
