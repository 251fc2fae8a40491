"""Terminal output of the CLI: a progress display and the study summary.

rich draws the spinner and the tables; it degrades to plain text when the
output is not a terminal (CI logs, pipes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from xlree.study import StudyResults

__all__ = ["Progress", "print_summary"]


class Progress:
    """A one-line status that shows the current step (``with Progress() as p``)."""

    def __init__(self, enabled: bool = True) -> None:
        self.console = Console(stderr=True, log_path=False)
        self.enabled = enabled
        self._status: Any = None

    def __enter__(self) -> Progress:
        if self.enabled:
            self._status = self.console.status("starting")
            self._status.__enter__()
        return self

    def step(self, label: str) -> None:
        if not self.enabled:
            return
        self._status.update(label)
        self.console.log(label)

    def __exit__(self, *exc: Any) -> None:
        if self._status is not None:
            self._status.__exit__(*exc)


def print_summary(
    results: StudyResults, out: Path, *, backup: Path | None = None
) -> None:
    """Print the CMS subtotals, the dimension weights and the latest NRCA."""
    console = Console(width=100)
    settings = results.settings
    cms = results.cms
    totals = cms[cms["level"] != "effect"].pivot_table(
        index=["segment", "period"], columns="effect", values="value", sort=False
    )
    table = Table(
        title=f"CMS decomposition of {settings['exporter']}'s exports "
        f"({settings['cms_method']}), USD million"
    )
    table.add_column("segment")
    table.add_column("period")
    columns = [
        c
        for c in (
            "structural effect",
            "competitive effect",
            "second-order effect",
            "total change",
        )
        if c in totals.columns
    ]
    for column in columns:
        table.add_column(column.replace(" effect", ""), justify="right")
    for (segment, period), row in totals.iterrows():
        table.add_row(segment, period, *(f"{row[c] / 1e6:,.1f}" for c in columns))
    console.print(table)

    weights = Table(title="Entropy weights by dimension")
    weights.add_column("dimension")
    weights.add_column("weight", justify="right")
    for dimension, weight in results.entropy.dimension_weights.items():
        weights.add_row(str(dimension), f"{weight:.4f}")
    console.print(weights)

    rca = results.rca
    if len(rca):
        year = int(rca["year"].max())
        latest = rca[(rca["year"] == year) & rca["nrca"].notna()]
        nrca = latest.pivot_table(index="country", columns="product", values="nrca")
        board = Table(title=f"NRCA ({settings['nrca_variant']}) in {year}")
        board.add_column("country")
        for product in nrca.columns:
            board.add_column(str(product), justify="right")
        for country, row in nrca.iterrows():
            board.add_row(
                str(country),
                *("" if row[p] != row[p] else f"{row[p]:.2f}" for p in nrca.columns),
            )
        console.print(board)
        unscored = rca[(rca["year"] == year) & rca["score"].isna()]
        if len(unscored):
            strongest = unscored.sort_values("rca", ascending=False)
            listed = ", ".join(
                f"{row.country} {row.product} ({row.rca:.1f})"
                for row in strongest.head(6).itertuples()
            )
            console.print(
                f"Not in the table (no entropy score, so no NRCA): "
                f"{', '.join(sorted(set(unscored['country'])))}; their highest "
                f"RCA in {year}: {listed}."
            )
    kept = f" (previous file kept as {backup})" if backup else ""
    console.print(
        f"Wrote {out}{kept}: sheets About, CMS, Entropy, RCA and the inputs. "
        f"{len(results.notes)} notes on the About sheet."
    )
