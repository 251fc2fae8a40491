"""The Python side of the ribbon buttons (RunPython targets of the xlree add-in).

Each button of the add-in runs one line of VBA,
``RunPython "import xlree.macros; xlree.macros.refresh_all()"``. The functions
here find the workbook that called them (``xw.Book.caller()``), do the work
through the same code as the command line (:func:`xlree.refresh.refresh` on an
:class:`~xlree.book.XlwingsBook`) and, on any failure, log the traceback and
show the user a one-line message that says what to do next.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from xlree import book, refresh
from xlree._validation import XlreeError

__all__ = [
    "import_data",
    "load_bundled_data",
    "new_workbook",
    "refresh_all",
    "refresh_book",
    "refresh_cms",
    "refresh_entropy",
    "refresh_rca",
    "run_action",
    "show_help",
]

logger = logging.getLogger(__name__)


def _caller() -> Any:
    import xlwings as xw

    return xw.Book.caller()


def _alert(xl_book: Any, message: str, title: str = "xlree") -> None:
    """Show ``message`` in Excel; fall back to the log when there is no Excel."""
    try:
        xl_book.app.alert(message, title=title)
    except Exception:  # no Excel to show it in (tests, a broken connection)
        logger.warning("%s: %s", title, message)


def run_action(label: str, action: Callable[[Any], Any], xl_book: Any = None) -> bool:
    """Run ``action(xl_book)`` for the button ``label``; never raise.

    A :class:`~xlree._validation.XlreeError` is the user's to fix and its
    message is shown as it is; anything else is logged with its traceback
    and shown as one line that says where the details are.

    Returns
    -------
    bool
        True if the action finished.
    """
    try:
        xl_book = xl_book if xl_book is not None else _caller()
        action(xl_book)
    except XlreeError as error:
        logger.info("%s stopped: %s", label, error)
        _alert(xl_book, f"{label} stopped: {error}")
        return False
    except Exception as error:
        logger.exception("%s failed", label)
        _alert(
            xl_book,
            f"{label} failed: {type(error).__name__}: {error}. The log of the "
            "Python side has the details; check the xlwings interpreter setting.",
        )
        return False
    return True


def refresh_book(xl_book: Any, analyses: Sequence[str] | None = None) -> Any:
    """Refresh an open workbook (an ``xlwings.Book``); the shared code path.

    Exactly what ``xlree refresh BOOK.xlsx`` does to a file, through
    :class:`~xlree.book.XlwingsBook` instead of an openpyxl book.
    """
    return refresh.refresh(book.XlwingsBook(xl_book), analyses=analyses)


def refresh_all(xl_book: Any = None) -> bool:
    """Button "Refresh all": rewrite every result sheet of the active workbook."""
    return run_action("Refresh all", refresh_book, xl_book)


def refresh_cms(xl_book: Any = None) -> bool:
    """Button "Refresh CMS": the constant-market-share sheets only."""
    return run_action("Refresh CMS", lambda b: refresh_book(b, ("cms",)), xl_book)


def refresh_entropy(xl_book: Any = None) -> bool:
    """Button "Refresh Entropy": the entropy-weight sheets only."""
    return run_action(
        "Refresh Entropy", lambda b: refresh_book(b, ("entropy",)), xl_book
    )


def refresh_rca(xl_book: Any = None) -> bool:
    """Button "Refresh RCA": the RCA, RSCA, NRCA and market-share sheets only."""
    return run_action("Refresh RCA", lambda b: refresh_book(b, ("rca",)), xl_book)


def _free_path(folder: Path, stem: str) -> Path:
    candidate = folder / f"{stem}.xlsx"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}.xlsx"
        number += 1
    return candidate


def new_workbook(kind: str, xl_book: Any = None, folder: Path | None = None) -> bool:
    """Menu "New workbook": write a template file and open it in Excel.

    The file goes to ``~/Documents`` (or the home folder) under a name not yet
    taken, e.g. ``xlree-rare-earths-2.xlsx``; nothing existing is replaced.
    """

    def action(caller: Any) -> None:
        from xlree import templates

        home = Path.home()
        target_folder = folder or (
            home / "Documents" if (home / "Documents").is_dir() else home
        )
        path = templates.generate_template(
            kind, _free_path(target_folder, f"xlree-{kind}")
        )
        caller.app.books.open(str(path))

    return run_action("New workbook", action, xl_book)


def load_bundled_data(xl_book: Any = None) -> bool:
    """Button "Load bundled data": open the rare-earth study workbook.

    Writing the bundled inputs over the sheets of the active workbook would
    replace the user's inputs, so the button opens a new workbook with them
    instead (the same file as "New workbook > Rare-earth study").
    """
    return new_workbook("rare-earths", xl_book)


def import_data(xl_book: Any = None) -> bool:
    """Button "Import data": read a workbook with input sheets the user picks.

    The file (.xlsx/.xlsm) is read and checked with the same reader as
    ``xlree refresh`` and then opened in Excel; a CSV file is refused with a
    message, since one CSV holds one table and the study needs several.
    """

    def action(caller: Any) -> None:
        from xlree import sheets

        picked = caller.app.api.GetOpenFilename(
            "Excel workbooks (*.xlsx;*.xlsm),*.xlsx;*.xlsm"
        )
        if not picked:
            return
        path = Path(str(picked))
        if path.suffix.lower() not in (".xlsx", ".xlsm"):
            raise XlreeError(
                f"{path.name}: pick an .xlsx or .xlsm workbook with the input "
                "sheets (Trade, Totals, ...); paste CSV data into a template."
            )
        sheets.read_inputs(book.OpenpyxlBook(path))
        caller.app.books.open(str(path))

    return run_action("Import data", action, xl_book)


def show_help(xl_book: Any = None) -> bool:
    """Button "Help": a short guide and where to read more."""

    def action(caller: Any) -> None:
        _alert(
            caller,
            "Fill the input sheets (Trade, Totals, Segments, Indicators, "
            "IndicatorInfo, Settings), then click Refresh all. Result sheets are "
            "rewritten; inputs are never changed. Run `xlree --help` for more.",
            title="xlree help",
        )

    return run_action("Help", action, xl_book)
