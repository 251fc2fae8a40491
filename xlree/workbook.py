"""The study workbook that ``xlree analyze`` writes from the bundled data."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

import openpyxl

from xlree.book import OpenpyxlBook
from xlree.refresh import refresh
from xlree.report import RESULT_SHEETS
from xlree.sheets import write_inputs
from xlree.study import StudyResults, default_inputs

__all__ = ["write_study_workbook"]


def write_study_workbook(
    out: str | os.PathLike,
    settings: Mapping[str, Any] | None = None,
    *,
    progress: Callable[[str], None] | None = None,
) -> StudyResults:
    """Run the rare-earth study on the bundled data and write it to ``out``.

    The workbook holds the About sheet, the result sheets (CMS, Entropy, RCA)
    and the input sheets it was computed from, so ``xlree refresh`` recomputes
    it after the inputs are edited. ``out`` is replaced if it exists: the
    caller asks the user first (the CLI's ``--force``).
    """
    step = progress or (lambda label: None)
    step("loading the bundled data")
    inputs = default_inputs(**dict(settings or {}))
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    step("writing the input sheets")
    write_inputs(workbook, inputs)
    book = OpenpyxlBook(out, workbook=workbook)
    results = refresh(book, progress=step)
    # About and results first, inputs after them.
    order = [RESULT_SHEETS[k] for k in ("about", "cms", "entropy", "rca")]
    first = [workbook[name] for name in order if name in workbook.sheetnames]
    rest = [sheet for sheet in workbook.worksheets if sheet not in first]
    workbook._sheets = first + rest
    workbook.active = 0
    step("saving")
    book.save(replace=True)
    return results
