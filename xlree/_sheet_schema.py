"""The description of the input sheets that the reader, writer and templates share.

:data:`INPUT_SHEETS` lists the six input sheets (Trade, Totals, Segments,
Indicators, IndicatorInfo, Settings) with their columns, the type each column
holds, whether it is required and a line of help; :data:`SETTINGS_HELP` lists
the settings of the Settings sheet. Re-exported by :mod:`xlree.sheets`, whose
reader and writer (:mod:`xlree._sheet_writer`) work from these two lists only.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlree.cms import METHODS
from xlree.entropy import METHODS as ENTROPY_METHODS
from xlree.rca import NRCA_VARIANTS

__all__ = [
    "CMS_METHODS",
    "INPUT_SHEETS",
    "SETTINGS_HELP",
    "YEAR_RANGE",
    "Column",
    "SheetSpec",
]

#: Decomposition methods a Settings sheet may name (those of :mod:`xlree.cms`).
CMS_METHODS = METHODS

#: Earliest and latest year accepted in a year cell.
YEAR_RANGE = (1950, 2100)


@dataclass(frozen=True)
class Column:
    """One column of an input sheet.

    ``kind`` is one of ``"year"`` (whole number in :data:`YEAR_RANGE`),
    ``"code"`` (text; a whole number is turned into its digits), ``"text"``,
    ``"number"`` (blank allowed when not required: missing) and ``"choice"``
    (one of ``choices``). ``minimum`` bounds a number from below.
    """

    name: str
    kind: str
    help: str
    required: bool = True
    minimum: float | None = None
    choices: tuple[str, ...] = ()
    width: int = 14


@dataclass(frozen=True)
class SheetSpec:
    """One input sheet: its columns, its key and what it is for."""

    name: str
    help: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    key_label: str
    #: Indicators: every column after the listed ones is an indicator (numbers).
    open_columns: bool = False

    @property
    def table_name(self) -> str:
        """The name of the Excel table holding the sheet's data."""
        return f"{self.name}Table"


_YEAR = Column("year", "year", "Calendar year, a whole number such as 2015.", width=8)

INPUT_SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "Trade",
        "Export values by year, product, exporter and market. Rows with exporter "
        "'World' are world exports; rows with market 'World' are exports to all "
        "markets (used for RCA).",
        (
            _YEAR,
            Column("product", "code", "Product code, e.g. the HS6 code 280530."),
            Column(
                "exporter",
                "text",
                "Exporting country as an ISO2 code (CN), or World.",
                width=10,
            ),
            Column("market", "text", "Importing market (code or name), or World."),
            Column(
                "value",
                "number",
                "Enter the export value in USD.",
                minimum=0.0,
                width=18,
            ),
        ),
        ("year", "product", "exporter", "market"),
        "year-product-exporter-market",
    ),
    SheetSpec(
        "Totals",
        "Each country's total merchandise exports (the RCA denominators); "
        "country 'World' for the world total.",
        (
            _YEAR,
            Column("country", "text", "ISO2 code of the country, or World."),
            Column(
                "total_exports",
                "number",
                "Enter the country's total merchandise exports in USD.",
                minimum=0.0,
                width=20,
            ),
        ),
        ("year", "country"),
        "country-year",
    ),
    SheetSpec(
        "Segments",
        "Every product of the Trade sheet with a description and the segment "
        "(industrial-chain stage) it belongs to.",
        (
            Column("product", "code", "Product code as on the Trade sheet."),
            Column(
                "description",
                "text",
                "What the product is.",
                required=False,
                width=48,
            ),
            Column("segment", "text", "Segment (e.g. upstream, midstream).", width=16),
        ),
        ("product",),
        "product",
    ),
    SheetSpec(
        "Indicators",
        "One row per country and year, one column per indicator (described on "
        "IndicatorInfo). Leave a cell blank when the value is missing.",
        (
            Column("country", "text", "ISO2 code of the country."),
            _YEAR,
        ),
        ("country", "year"),
        "country-year",
        open_columns=True,
    ),
    SheetSpec(
        "IndicatorInfo",
        "One row per indicator column of the Indicators sheet.",
        (
            Column("indicator", "text", "The column header on Indicators.", width=20),
            Column("name", "text", "A readable name.", required=False, width=40),
            Column("dimension", "text", "The dimension it measures.", width=16),
            Column(
                "direction",
                "choice",
                "benefit (more is better) or cost (less is better).",
                choices=("benefit", "cost"),
                width=10,
            ),
            Column("unit", "text", "Unit of the values.", required=False),
            Column("source", "text", "Where the values come from.", required=False),
        ),
        ("indicator",),
        "indicator",
    ),
    SheetSpec(
        "Settings",
        "How the study runs. Leave a value blank to use the default.",
        (
            Column("setting", "text", "The setting's name (do not change).", width=16),
            Column(
                "value",
                "text",
                "The setting's value.",
                required=False,
                width=24,
            ),
        ),
        ("setting",),
        "setting",
    ),
)

#: Help for each setting of the Settings sheet (also its order on the sheet).
SETTINGS_HELP: dict[str, str] = {
    "exporter": "ISO2 code of the exporter studied (CMS and the focus of charts).",
    "breaks": "Years that bound the CMS periods, comma separated (2008, 2011, 2015).",
    "cms_method": "CMS decomposition: " + ", ".join(CMS_METHODS) + ".",
    "entropy_method": "Normalization of the entropy method: "
    + ", ".join(ENTROPY_METHODS)
    + ".",
    "shift": "Small shift (0 to 1) added after min-max normalization; blank for "
    "the default 0.0001.",
    "nrca_variant": "NRCA variant: " + ", ".join(NRCA_VARIANTS) + ".",
    "first_year": "First year of the study.",
    "last_year": "Last year of the study.",
}


#: Settings that take one of a few words, with the words (a drop-down list).
SETTING_CHOICES = {
    "cms_method": CMS_METHODS,
    "entropy_method": ENTROPY_METHODS,
    "nrca_variant": NRCA_VARIANTS,
}
