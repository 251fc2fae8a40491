"""Refresh a workbook: read its input sheets, run the study, write result sheets.

One code path for every client. The command line passes an
:class:`~xlree.book.OpenpyxlBook` (a file), the ribbon an
:class:`~xlree.book.XlwingsBook` (the active workbook in Excel); both end up
in :func:`refresh`, so ``xlree refresh BOOK.xlsx`` and the ribbon's
"Refresh all" write the same sheets. Input sheets are only read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from xlree import datasets
from xlree._validation import check_choice
from xlree.book import Book
from xlree.report import about_layout, result_layouts
from xlree.sheets import read_inputs
from xlree.study import ANALYSES, StudyInputs, StudyResults, run_study

__all__ = ["refresh", "sources_for"]


def refresh(
    book: Book,
    analyses: Sequence[str] | None = None,
    *,
    progress: Callable[[str], None] | None = None,
) -> StudyResults:
    """Recompute the chosen analyses of ``book`` and rewrite their result sheets.

    Parameters
    ----------
    book : Book
        A workbook with the input sheets of :mod:`xlree.sheets`.
    analyses : sequence of {"cms", "entropy", "rca"}, optional
        Default: all three. The About sheet is rewritten every time.
    progress : callable, optional
        Called with a short label before each step (the CLI shows it).

    Returns
    -------
    StudyResults
        What was written, for a summary.

    Raises
    ------
    XlreeError
        A bad input (the message names sheet and cell), or a result sheet name
        already used by a sheet xlree did not create.
    """
    step = progress or (lambda label: None)
    analyses = [check_choice(a, "analyses", ANALYSES) for a in analyses or ANALYSES]
    step("reading the input sheets")
    inputs = read_inputs(book)
    step("computing " + ", ".join(analyses))
    results = run_study(inputs, analyses)
    for layout in result_layouts(results, analyses):
        step(f"writing sheet {layout.name}")
        book.write_result_sheet(layout)
    attribution, limits = sources_for(inputs)
    book.write_result_sheet(
        about_layout(results, attribution=attribution, limits=limits)
    )
    return results


_MARKERS = {
    "baci": ("BACI",),
    "wdi": ("WDI", "World Bank"),
    "bgs": ("BGS", "British Geological Survey"),
}


def sources_for(inputs: StudyInputs) -> tuple[dict[str, str], dict[str, str]]:
    """Attribution lines and data limits for the sources a workbook names.

    A source counts as used when its name appears in the IndicatorInfo sheet's
    ``source`` column (the bundled indicator system names BACI, WDI and BGS
    files there). Sources the user typed that xlree does not bundle are listed
    as they were written.
    """
    named = " ".join(inputs.indicator_info["source"].fillna("").astype(str))
    attribution: dict[str, str] = {}
    limits: dict[str, str] = {}
    for key, words in _MARKERS.items():
        if any(word in named for word in words):
            attribution[key] = datasets.ATTRIBUTION[key]
            limits[key] = datasets.LIMITS[key]
            if key == "baci":
                limits["baci_bilateral"] = datasets.LIMITS["baci_bilateral"]
    for source in pd.unique(inputs.indicator_info["source"].dropna().astype(str)):
        if not any(w in source for words in _MARKERS.values() for w in words):
            attribution[source] = "as given in the IndicatorInfo sheet"
    attribution.setdefault(
        "Trade, Totals", "values as entered in this workbook's input sheets"
    )
    return attribution, limits
