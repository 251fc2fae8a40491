"""Workbooks xlree reads from and writes to: a file on disk, or a book open in Excel.

Both kinds offer the same small :class:`Book` interface, so that one function,
:func:`xlree.refresh.refresh`, updates a workbook whether the command line
hands it a file (:class:`OpenpyxlBook`) or the ribbon hands it the active
workbook (:class:`XlwingsBook`).

Safety rules, the same for both:

- xlree writes only to result sheets it created. A result sheet carries a
  sheet-scoped defined name ``xlree_result``; a sheet of the same name without
  it is the user's, and writing to it raises :class:`XlreeError`.
- A file is saved atomically (a temporary file beside it, then a rename) and
  the previous version is kept as ``<name>.bak.xlsx``. Before the rename the
  new file is compared with the old one (:func:`inventory`): if anything on the
  user's sheets would be lost (a chart, an image, a comment, a defined name, a
  data validation, the macros of an .xlsm, a cell), the original is left
  untouched and the result goes to a separate file, with the reason.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from xml.etree import ElementTree

import openpyxl
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.data_source import NumFmt
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.defined_name import DefinedName

from xlree._validation import XlreeError
from xlree.layout import (
    CHART_COLUMNS,
    CHART_ROWS,
    MARKER_NAME,
    Placed,
    SheetLayout,
    place,
)

__all__ = [
    "Book",
    "OpenpyxlBook",
    "SaveReport",
    "XlwingsBook",
    "backup_path",
    "keep_backup",
    "inventory",
]

logger = logging.getLogger(__name__)

MACRO_SUFFIXES = {".xlsm", ".xltm", ".xlam"}


class Book(Protocol):
    """What :mod:`xlree.refresh` needs from a workbook."""

    def sheet_names(self) -> list[str]: ...

    def read_values(self, name: str) -> list[list[Any]]: ...

    def is_result_sheet(self, name: str) -> bool: ...

    def write_result_sheet(self, layout: SheetLayout) -> None: ...


def _not_ours(name: str) -> XlreeError:
    return XlreeError(
        f"Sheet '{name}' exists and was not created by xlree, so xlree will not "
        "overwrite it. Rename that sheet (or move its content) and refresh again."
    )


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    """Drop trailing empty rows and columns of a block read from a sheet."""
    rows = [list(r) for r in rows]
    while rows and all(v is None or v == "" for v in rows[-1]):
        rows.pop()
    width = 0
    for r in rows:
        for i, v in enumerate(r, start=1):
            if v is not None and v != "":
                width = max(width, i)
    return [r[:width] + [None] * (width - len(r)) for r in rows]


# --------------------------------------------------------------------------- files


@dataclass
class SaveReport:
    """Where a save went, the backup it kept, and why it went elsewhere if it did."""

    path: Path
    backup: Path | None = None
    diverted_because: list[str] = field(default_factory=list)


class OpenpyxlBook:
    """A workbook file (.xlsx or .xlsm) read and written with openpyxl."""

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        create: bool = False,
        workbook: openpyxl.Workbook | None = None,
    ) -> None:
        self.path = Path(path)
        self._keep_vba = self.path.suffix.lower() in MACRO_SUFFIXES
        if workbook is not None:
            # A workbook built in memory (a new study workbook or a template).
            self.workbook = workbook
            self._values = workbook
            self._existed = False
        elif self.path.exists():
            try:
                self.workbook = openpyxl.load_workbook(
                    self.path, keep_vba=self._keep_vba, keep_links=True
                )
            except (
                zipfile.BadZipFile,
                KeyError,
                OSError,
                InvalidFileException,
            ) as error:
                raise XlreeError(
                    f"{self.path}: cannot be read as an Excel workbook ({error}). "
                    "Give an .xlsx or .xlsm file saved by Excel or LibreOffice."
                ) from error
            self._values = None
            self._existed = True
        elif create:
            self.workbook = openpyxl.Workbook()
            self.workbook.remove(self.workbook.active)
            self._values = self.workbook
            self._existed = False
        else:
            raise XlreeError(
                f"{self.path}: no such workbook. Check the path, or create one with "
                "`xlree template empty --out PATH`."
            )

    # reading -------------------------------------------------------------------
    def sheet_names(self) -> list[str]:
        return list(self.workbook.sheetnames)

    def read_values(self, name: str) -> list[list[Any]]:
        """Cell values from A1 (formulas as their last computed values)."""
        if self._values is None:
            # A second, values-only view: formulas read as their stored results.
            self._values = openpyxl.load_workbook(self.path, data_only=True)
        source = self._values if name in self._values.sheetnames else self.workbook
        sheet = source[name]
        rows = [
            list(r) for r in sheet.iter_rows(min_row=1, min_col=1, values_only=True)
        ]
        return _trim(rows)

    def is_result_sheet(self, name: str) -> bool:
        return MARKER_NAME in self.workbook[name].defined_names

    # writing -------------------------------------------------------------------
    def write_result_sheet(self, layout: SheetLayout) -> None:
        workbook = self.workbook
        index = None
        if layout.name in workbook.sheetnames:
            if not self.is_result_sheet(layout.name):
                raise _not_ours(layout.name)
            index = workbook.sheetnames.index(layout.name)
            workbook.remove(workbook[layout.name])
        sheet = workbook.create_sheet(layout.name, index)
        placed = place(layout)
        _render_openpyxl(sheet, placed)
        sheet.defined_names[MARKER_NAME] = DefinedName(
            MARKER_NAME, attr_text=f'"{layout.kind}"'
        )
        if self._values is not None and self._values is not workbook:
            self._values = None  # the values view is stale now

    def save(
        self, out: str | os.PathLike | None = None, *, replace: bool = False
    ) -> SaveReport:
        """Save atomically; keep a backup; divert to a new file rather than lose.

        The new file is compared with the workbook it was read from: if it
        lacks anything of the user's, it goes to ``NAME.refreshed.xlsx`` and
        the original stays as it was. An existing target is kept as
        ``NAME.bak.xlsx``. With ``replace`` neither happens (the caller asked
        the user and kept its own backup).
        """
        target = Path(out) if out is not None else self.path
        if not target.parent.is_dir():
            raise XlreeError(
                f"{target}: the folder {target.parent} does not exist; create it "
                "or choose another place."
            )
        try:
            return self._save(target, replace)
        except OSError as error:
            raise XlreeError(
                f"{target}: cannot be written ({error.strerror or error}). Close "
                "it if another program has it open, check the folder's "
                "permissions, or choose another place."
            ) from error

    def _save(self, target: Path, replace: bool) -> SaveReport:
        handle, name = tempfile.mkstemp(
            prefix=".~xlree-", suffix=target.suffix, dir=target.parent
        )
        os.close(handle)
        temporary = Path(name)
        try:
            self.workbook.save(temporary)
            _set_mode(temporary, target)
            report = SaveReport(path=target)
            if self._existed and not replace:
                lost = _losses(self.path, temporary, self._result_sheets())
                if lost:
                    diverted = _separate_name(target)
                    os.replace(temporary, diverted)
                    logger.warning(
                        "refresh written to %s: %s", diverted, "; ".join(lost)
                    )
                    return SaveReport(path=diverted, diverted_because=lost)
            if not replace:
                report.backup = keep_backup(target)
            os.replace(temporary, target)
            return report
        finally:
            if temporary.exists():
                temporary.unlink()

    def _result_sheets(self) -> set[str]:
        return {n for n in self.workbook.sheetnames if self.is_result_sheet(n)}


def _set_mode(temporary: Path, target: Path) -> None:
    """Give the new file the old one's permissions, or the umask's for a new one."""
    if target.exists():
        shutil.copymode(target, temporary)
    else:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)


def keep_backup(target: Path) -> Path | None:
    """Copy ``target``, if it exists, to :func:`backup_path`; return the copy."""
    if not target.exists():
        return None
    backup = backup_path(target)
    shutil.copy2(target, backup)
    return backup


def backup_path(target: Path) -> Path:
    """Where the previous version of ``target`` is kept: ``NAME.bak.xlsx``.

    An earlier xlree backup there is replaced (it is an older version of the
    same workbook); a file of that name that xlree did not write is kept, and
    the backup goes to ``NAME.bak2.xlsx`` (or the next free number) instead.
    """
    return _free_name(target, "bak")


def _free_name(target: Path, label: str) -> Path:
    number = 1
    while True:
        tag = label if number == 1 else f"{label}{number}"
        candidate = target.with_name(f"{target.stem}.{tag}{target.suffix}")
        if not candidate.exists() or _written_by_xlree(candidate):
            return candidate
        number += 1


def _written_by_xlree(path: Path) -> bool:
    """True for a workbook holding at least one xlree result sheet."""
    try:
        names = inventory(path)["names"]
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError):
        return False
    return any(name.endswith("!" + MARKER_NAME) for name in names)


def _separate_name(target: Path) -> Path:
    return _free_name(target, "refreshed")


_FONTS = {
    "title": Font(bold=True, size=14),
    "caption": Font(bold=True, size=12),
    "header": Font(bold=True),
    "header_right": Font(bold=True),
    "note": Font(italic=True),
}


def _render_openpyxl(sheet, placed: Placed) -> None:
    for row, column, value, style in placed.cells:
        cell = sheet.cell(row=row, column=column, value=value)
        if style in _FONTS:
            cell.font = _FONTS[style]
            if style == "header_right":
                cell.alignment = Alignment(horizontal="right")
        elif style:
            cell.number_format = style
    for column, width in enumerate(placed.widths, start=1):
        letter = openpyxl.utils.get_column_letter(column)
        sheet.column_dimensions[letter].width = width
    for item in placed.charts:
        spec = item.chart
        chart = LineChart() if spec.kind == "line" else BarChart()
        if spec.kind in ("column", "bar"):
            chart.type = "bar" if spec.kind == "bar" else "col"
            if spec.stacked:
                chart.grouping = "stacked"
                chart.overlap = 100
        chart.title = spec.title
        chart.y_axis.title = spec.y_title or None
        chart.x_axis.title = spec.x_title or None
        # openpyxl >= 3.1 hides axes unless told otherwise.
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        # Category labels below the plot, not on the zero line among negative
        # bars; value labels in a plain format, not the cells' four decimals.
        chart.x_axis.tickLblPos = "low"
        chart.y_axis.numFmt = NumFmt(formatCode="General", sourceLinked=False)
        chart.height = CHART_ROWS * 0.5
        chart.width = CHART_COLUMNS * 1.9
        for column in item.series_columns:
            data = Reference(
                sheet,
                min_col=column,
                min_row=item.header_row,
                max_row=item.last_row,
            )
            chart.add_data(data, titles_from_data=True)
        if spec.kind == "line":
            # Annual points joined by straight lines: a smoothed curve would
            # show values between years that no data supports.
            for series in chart.series:
                series.smooth = False
        categories = Reference(
            sheet,
            min_col=item.category_column,
            min_row=item.first_row,
            max_row=item.last_row,
        )
        chart.set_categories(categories)
        row, column = item.anchor
        sheet.add_chart(chart, f"{openpyxl.utils.get_column_letter(column)}{row}")


# ----------------------------------------------------------------- what a file holds

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type suffix, target part) of a package part."""
    folder, name = part.rsplit("/", 1) if "/" in part else ("", part)
    rels_part = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
    if rels_part not in archive.namelist():
        return {}
    root = ElementTree.fromstring(archive.read(rels_part))
    out = {}
    for rel in root.findall("rel:Relationship", _NS):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            resolved = target
        elif target.startswith("/"):
            resolved = target.lstrip("/")
        else:
            resolved = os.path.normpath(os.path.join(folder, target)).replace("\\", "/")
        out[rel.get("Id")] = (rel.get("Type", "").rsplit("/", 1)[-1], resolved)
    return out


def inventory(path: str | os.PathLike) -> dict[str, Any]:
    """What a workbook file holds that a careless rewrite could drop.

    Returns a dict with ``vba`` (has macros), ``names`` (defined names as
    ``scope!name``) and, per sheet, counts of charts, images, shapes, comments
    (notes), threaded comments, data validations and tables.
    """
    with zipfile.ZipFile(path) as archive:
        members = set(archive.namelist())
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        workbook_rels = _rels(archive, "xl/workbook.xml")
        sheets: dict[str, dict[str, int]] = {}
        sheet_names = []
        for sheet in workbook.findall("m:sheets/m:sheet", _NS):
            name = sheet.get("name")
            sheet_names.append(name)
            rid = sheet.get(f"{{{_NS['r']}}}id")
            part = workbook_rels.get(rid, ("", ""))[1]
            sheets[name] = _sheet_inventory(archive, part) if part in members else {}
        names = set()
        for defined in workbook.findall("m:definedNames/m:definedName", _NS):
            scope = defined.get("localSheetId")
            label = sheet_names[int(scope)] if scope is not None else ""
            names.add(f"{label}!{defined.get('name')}")
        return {
            "vba": "xl/vbaProject.bin" in members,
            "names": names,
            "sheets": sheets,
        }


def _sheet_inventory(archive: zipfile.ZipFile, part: str) -> dict[str, int]:
    text = archive.read(part).decode("utf-8", errors="replace")
    counts = {
        "charts": 0,
        "images": 0,
        "shapes": 0,
        "comments": 0,
        "threaded comments": 0,
        "validations": len(re.findall(r"<(?:\w+:)?dataValidation[\s>]", text)),
        "tables": 0,
        # Excel 365 marks a spilling formula (=CMS_EFFECTS(...)) with a cell
        # metadata index; openpyxl drops it and the formula stops spilling.
        "spilling formulas": len(re.findall(r"<c\b[^>]*\scm=", text)),
        "conditional formats": len(
            re.findall(r"<(?:\w+:)?conditionalFormatting\b", text)
        ),
        "sparkline groups": len(re.findall(r"<(?:\w+:)?sparklineGroup\b", text)),
        "controls": 0,
        "slicers": 0,
        "pivot tables": 0,
    }
    for kind, target in _rels(archive, part).values():
        if target not in archive.namelist():
            continue
        if kind == "drawing":
            drawing = archive.read(target).decode("utf-8", errors="replace")
            counts["charts"] += len(re.findall(r"<c:chart\b", drawing))
            counts["images"] += len(re.findall(r"<(?:\w+:)?pic\b", drawing))
            counts["shapes"] += len(re.findall(r"<(?:\w+:)?sp\b", drawing))
        elif kind == "comments":
            comments = archive.read(target).decode("utf-8", errors="replace")
            counts["comments"] += len(re.findall(r"<(?:\w+:)?comment\b", comments))
        elif kind == "threadedComment":
            # Excel 365's comment threads: openpyxl keeps only the plain note
            # Excel writes beside each thread, so a lost thread is counted here.
            thread = archive.read(target).decode("utf-8", errors="replace")
            counts["threaded comments"] += len(
                re.findall(r"<(?:\w+:)?threadedComment\b", thread)
            )
        elif kind == "table":
            counts["tables"] += 1
        elif kind in ("ctrlProp", "control"):
            counts["controls"] += 1
        elif kind == "slicer":
            counts["slicers"] += 1
        elif kind == "pivotTable":
            counts["pivot tables"] += 1
    return counts


def _losses(before: Path, after: Path, result_sheets: set[str]) -> list[str]:
    """What ``after`` lacks that ``before`` had, outside xlree's own sheets."""
    old, new = inventory(before), inventory(after)
    lost = []
    if old["vba"] and not new["vba"]:
        lost.append("the workbook's macros (VBA project)")
    for name in sorted(old["names"] - new["names"]):
        scope = name.split("!", 1)[0]
        if scope not in result_sheets:
            lost.append(f"the defined name {name.split('!', 1)[1]!r}")
    for sheet, counts in old["sheets"].items():
        if sheet in result_sheets:
            continue
        if sheet not in new["sheets"]:
            lost.append(f"the sheet {sheet!r}")
            continue
        for what, count in counts.items():
            kept = new["sheets"][sheet].get(what, 0)
            if kept < count:
                lost.append(f"{count - kept} of {count} {what} on sheet {sheet!r}")
    return lost


# --------------------------------------------------------------------------- Excel

_XLWINGS_CHART_TYPES = {
    ("column", False): "column_clustered",
    ("column", True): "column_stacked",
    ("bar", False): "bar_clustered",
    ("bar", True): "bar_stacked",
    ("line", False): "line_markers",
    ("line", True): "line_markers_stacked",
}


class XlwingsBook:
    """A workbook open in Excel, through an ``xlwings.Book``.

    Nothing is saved: the workbook stays open with the new results and the
    user saves it as usual.
    """

    def __init__(self, book: Any) -> None:
        self.book = book

    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def read_values(self, name: str) -> list[list[Any]]:
        sheet = self.book.sheets[name]
        last = sheet.used_range.last_cell
        values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
        return _trim(values or [])

    def is_result_sheet(self, name: str) -> bool:
        sheet = self.book.sheets[name]
        return any(n.name.split("!")[-1] == MARKER_NAME for n in sheet.names)

    def write_result_sheet(self, layout: SheetLayout) -> None:
        if layout.name in self.sheet_names():
            if not self.is_result_sheet(layout.name):
                raise _not_ours(layout.name)
            sheet = self.book.sheets[layout.name]
            for chart in list(sheet.charts):
                chart.delete()
            sheet.clear()
        else:
            sheet = self.book.sheets.add(layout.name, after=self.book.sheets[-1])
            sheet.names.add(MARKER_NAME, f'="{layout.kind}"')
        placed = place(layout)
        grid = [[None] * placed.width for _ in range(placed.height)]
        for row, column, value, _style in placed.cells:
            grid[row - 1][column - 1] = value
        sheet.range((1, 1)).value = grid
        for row, column, _value, style in placed.cells:
            if style in _FONTS:
                sheet.range((row, column)).font.bold = True
        for column, width in enumerate(placed.widths, start=1):
            sheet.range((1, column)).column_width = width
        for (column, style), rows in _format_runs(placed).items():
            for first, last in rows:
                sheet.range((first, column), (last, column)).number_format = style
        for item in placed.charts:
            anchor = sheet.range(item.anchor)
            chart = sheet.charts.add(
                left=anchor.left,
                top=anchor.top,
                width=CHART_COLUMNS * 54,
                height=CHART_ROWS * 15,
            )
            chart.chart_type = _XLWINGS_CHART_TYPES[
                (item.chart.kind, item.chart.stacked)
            ]
            chart.set_source_data(_chart_source(sheet, item))
            chart.name = item.chart.title


def _format_runs(placed: Placed) -> dict[tuple[int, str], list[tuple[int, int]]]:
    """Contiguous row runs per (column, number format), to format in few calls."""
    cells = sorted(
        (column, style, row)
        for row, column, _v, style in placed.cells
        if style and style not in _FONTS
    )
    runs: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for column, style, row in cells:
        spans = runs.setdefault((column, style), [])
        if spans and spans[-1][1] == row - 1:
            spans[-1] = (spans[-1][0], row)
        else:
            spans.append((row, row))
    return runs


def _chart_source(sheet: Any, item: Any) -> Any:
    from openpyxl.utils import get_column_letter

    columns: Sequence[int] = [item.category_column, *item.series_columns]
    address = ",".join(
        f"{get_column_letter(c)}{item.header_row}:{get_column_letter(c)}{item.last_row}"
        for c in columns
    )
    return sheet.range(address)
