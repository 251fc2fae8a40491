"""The ``xlree`` command: the same work as the Excel add-in, on workbook files.

Commands
--------
``xlree analyze``      run the whole study on the bundled data into a new workbook
``xlree refresh BOOK`` recompute the result sheets of a workbook from its inputs
``xlree template KIND``write a template workbook (rare-earths or empty)
``xlree addin build``  write the Excel add-in xlree.xlam
``xlree addin install``copy the add-in to Excel's startup folder
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from xlree import __version__
from xlree._validation import XlreeError

logger = logging.getLogger(__name__)

DEFAULT_OUT = "xlree-rare-earths.xlsx"
DEFAULT_BREAKS = (2008, 2011, 2015, 2019)


def _years(text: str) -> list[int]:
    try:
        years = [
            int(part) for part in text.replace(";", ",").split(",") if part.strip()
        ]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected years separated by commas such as 2008,2011,2015,2019, "
            f"got {text!r}"
        ) from None
    if len(years) < 2:
        raise argparse.ArgumentTypeError("give at least two break years")
    if years != sorted(set(years)):
        raise argparse.ArgumentTypeError(
            f"expected increasing years such as 2008,2011,2015,2019, got {text!r}"
        )
    return years


def _shift(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 <= value <= 1:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(
            f"expected a number between 0 and 1 such as 0.0001, got {text!r}"
        )
    return value


def _exporter(text: str) -> str:
    code = text.strip().upper()
    if code == "WORLD" or not code.isalpha():
        raise argparse.ArgumentTypeError(
            f"expected a country's ISO2 code such as CN or JP, got {text!r}"
        )
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xlree",
        description="Export competitiveness analytics (CMS, entropy weights, "
        "RCA/NRCA) on Excel workbooks.",
    )
    parser.add_argument("--version", action="version", version=f"xlree {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    analyze = commands.add_parser(
        "analyze",
        help="run the rare-earth study on the bundled data into a new workbook",
        description="Run the whole study (CMS by segment and period, entropy "
        "weights and scores, RCA/RSCA/normalized RCA/NRCA) on the bundled real "
        "data and write one workbook with an About sheet, the inputs used, one "
        "sheet per method and native charts.",
    )
    analyze.add_argument(
        "--out",
        default=DEFAULT_OUT,
        help=f"workbook to write (default: {DEFAULT_OUT}); an existing file is "
        "only replaced with --force, and then kept as NAME.bak.xlsx",
    )
    analyze.add_argument(
        "--exporter",
        type=_exporter,
        default="CN",
        help="ISO2 code of the exporter whose growth CMS decomposes (default: CN)",
    )
    analyze.add_argument(
        "--periods",
        "--breaks",
        dest="breaks",
        type=_years,
        default=None,
        metavar="YEARS",
        help="break years of the CMS periods, comma-separated (default: "
        "2008,2011,2015,2019, those inside --first-year..--last-year, with both "
        "ends added)",
    )
    analyze.add_argument(
        "--first-year", type=int, default=2008, help="first year used (default 2008)"
    )
    analyze.add_argument(
        "--last-year", type=int, default=2019, help="last year used (default 2019)"
    )
    analyze.add_argument(
        "--cms-method",
        default="jepma",
        choices=["jepma", "leamer-stern", "leamer-stern-market", "symmetric"],
        help="CMS variant (default: jepma)",
    )
    analyze.add_argument(
        "--entropy-method",
        default="minmax",
        choices=["minmax", "proportion"],
        help="entropy normalization (default: minmax)",
    )
    analyze.add_argument(
        "--shift",
        type=_shift,
        default=None,
        help="shift added to min-max values before the entropy (default: 1e-4)",
    )
    analyze.add_argument(
        "--nrca-variant",
        default="relative",
        choices=["relative", "product"],
        help="NRCA = RCA x score / mean score (relative, default) or RCA x score",
    )
    analyze.add_argument(
        "--force", action="store_true", help="replace --out if it exists"
    )
    analyze.add_argument(
        "--quiet", action="store_true", help="no progress display and no summary"
    )

    refresh = commands.add_parser(
        "refresh",
        help="recompute the result sheets of a workbook from its input sheets",
        description="Read the input sheets of BOOK, recompute, and rewrite only "
        "the result sheets xlree created. The previous file is kept as "
        "BOOK.bak.xlsx (BOOK.bak.xlsm for a macro workbook); if the save would "
        "drop anything on your own sheets the result goes to BOOK.refreshed.xlsx "
        "instead and the reason is printed.",
    )
    refresh.add_argument("book", type=Path, help="the workbook (.xlsx or .xlsm)")
    refresh.add_argument(
        "--only",
        default=None,
        help="comma-separated analyses to refresh: cms, entropy, rca (default: all)",
    )
    refresh.add_argument(
        "--out", type=Path, default=None, help="write to this file instead of BOOK"
    )
    refresh.add_argument(
        "--force",
        action="store_true",
        help="replace --out if it exists (the old file is kept as NAME.bak.xlsx)",
    )
    refresh.add_argument("--quiet", action="store_true", help="no progress display")

    template = commands.add_parser(
        "template",
        help="write a template workbook",
        description="Write a template workbook: 'rare-earths' (the study with "
        "the bundled data and its results) or 'empty' (any product group).",
    )
    template.add_argument("kind", choices=["rare-earths", "empty"])
    template.add_argument("--out", type=Path, default=None, help="file to write")
    template.add_argument(
        "--force", action="store_true", help="replace --out if it exists"
    )

    addin = commands.add_parser("addin", help="build or install the Excel add-in")
    addin_commands = addin.add_subparsers(dest="addin_command", required=True)
    build = addin_commands.add_parser(
        "build", help="write xlree.xlam from the VBA sources"
    )
    build.add_argument(
        "--out", type=Path, default=Path("xlree.xlam"), help="default: xlree.xlam"
    )
    build.add_argument(
        "--force", action="store_true", help="replace --out if it exists"
    )
    addin_commands.add_parser(
        "install", help="copy the add-in into Excel's startup folder"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``xlree`` console script; returns the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        if args.command == "analyze":
            return _analyze(args)
        if args.command == "refresh":
            return _refresh(args)
        if args.command == "template":
            return _template(args)
        return _addin(args)
    except XlreeError as error:
        logger.debug("input error", exc_info=True)
        print(f"xlree: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        # A path that cannot be read or written (permissions, a folder, /proc).
        logger.debug("file error", exc_info=True)
        where = error.filename or "a file"
        print(
            f"xlree: cannot use {where}: {error.strerror or error}. Check the "
            "path and its permissions, or choose another with --out.",
            file=sys.stderr,
        )
        return 2


def _check_out(path: Path, suffixes: tuple[str, ...]) -> None:
    """Refuse an output path of the wrong kind before any work is done."""
    if path.suffix.lower() not in suffixes:
        raise XlreeError(
            f"--out: {path} must end in {' or '.join(suffixes)}; xlree writes "
            "Excel files of that kind."
        )
    if path.is_dir():
        raise XlreeError(f"--out: {path} is a folder; give a file name.")
    if not path.parent.is_dir():
        raise XlreeError(
            f"--out: the folder {path.parent} does not exist; create it first or "
            "choose another place."
        )


def _refuse_existing(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise XlreeError(
            f"--out: {path} exists; xlree does not overwrite files without asking. "
            "Choose another --out, or add --force to replace it (the old file is "
            f"kept as {path.stem}.bak{path.suffix})."
        )


def _keep_backup(path: Path) -> Path | None:
    from xlree.book import keep_backup

    return keep_backup(path)


def _analyze(args: argparse.Namespace) -> int:
    from xlree.console import Progress, print_summary
    from xlree.workbook import write_study_workbook

    out = Path(args.out)
    _check_out(out, (".xlsx",))
    _refuse_existing(out, args.force)
    if args.breaks is None:
        inside = [y for y in DEFAULT_BREAKS if args.first_year < y < args.last_year]
        args.breaks = sorted({args.first_year, *inside, args.last_year})
    _check_years(args)
    settings = {
        "exporter": args.exporter,
        "breaks": args.breaks,
        "first_year": args.first_year,
        "last_year": args.last_year,
        "cms_method": args.cms_method,
        "entropy_method": args.entropy_method,
        "shift": args.shift,
        "nrca_variant": args.nrca_variant,
    }
    with Progress(enabled=not args.quiet) as progress:
        backup = _keep_backup(out)
        results = write_study_workbook(out, settings, progress=progress.step)
    if not args.quiet:
        print_summary(results, out, backup=backup)
    return 0


def _check_years(args: argparse.Namespace) -> None:
    """Name the option at fault, rather than a Settings cell the user never saw."""
    from xlree.datasets import STUDY_YEARS

    first, last = STUDY_YEARS[0], STUDY_YEARS[-1]
    for option, year in (
        ("--first-year", args.first_year),
        ("--last-year", args.last_year),
    ):
        if not first <= year <= last:
            raise XlreeError(
                f"{option}: the bundled data covers {first}-{last}, got {year}."
            )
    if args.first_year > args.last_year:
        raise XlreeError(
            f"--first-year {args.first_year} is after --last-year {args.last_year}."
        )
    outside = [y for y in args.breaks if not args.first_year <= y <= args.last_year]
    if outside:
        raise XlreeError(
            f"--periods: {', '.join(map(str, outside))} outside the years used "
            f"({args.first_year}-{args.last_year}); choose break years inside them "
            "or widen --first-year/--last-year."
        )


def _refresh(args: argparse.Namespace) -> int:
    from xlree.book import OpenpyxlBook
    from xlree.console import Progress
    from xlree.refresh import refresh
    from xlree.study import ANALYSES

    analyses = None
    if args.only:
        analyses = [part.strip().lower() for part in args.only.split(",")]
        unknown = [a for a in analyses if a not in ANALYSES]
        if unknown or not analyses:
            raise XlreeError(
                f"--only: expected names among {', '.join(ANALYSES)} separated by "
                f"commas, got {args.only!r}."
            )
    if args.out is not None:
        _check_out(args.out, (args.book.suffix.lower(),))
        _refuse_existing(args.out, args.force)
    book = OpenpyxlBook(args.book)
    with Progress(enabled=not args.quiet) as progress:
        refresh(book, analyses, progress=progress.step)
        progress.step("saving")
        report = book.save(args.out)
    if report.diverted_because:
        print(
            f"Wrote {report.path}, not {args.out or args.book}: that file would "
            "have lost " + "; ".join(report.diverted_because) + ", which openpyxl "
            f"cannot carry over. Your workbook {args.book} is unchanged.",
            file=sys.stderr,
        )
        return 0
    kept = f" (previous version kept as {report.backup})" if report.backup else ""
    print(f"Refreshed {report.path}{kept}.")
    return 0


def _template(args: argparse.Namespace) -> int:
    from xlree.templates import WORKBOOK_FILES, generate_template

    out = args.out or Path(WORKBOOK_FILES[args.kind])
    _check_out(out, (".xlsx",))
    _refuse_existing(out, args.force)
    backup = _keep_backup(out)
    generate_template(args.kind, out)
    kept = f" (previous version kept as {backup})" if backup else ""
    print(f"Wrote {out}{kept}.")
    return 0


def _addin(args: argparse.Namespace) -> int:
    from xlree import addin

    if args.addin_command == "build":
        out = args.out / addin.ADDIN_NAME if args.out.is_dir() else args.out
        _check_out(out, (".xlam",))
        _refuse_existing(out, args.force)
        backup = _keep_backup(out)
        path = addin.build_addin(out)
        kept = f" (previous version kept as {backup})" if backup else ""
        print(f"Wrote {path}{kept}.")
    else:
        print(addin.install_addin())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
