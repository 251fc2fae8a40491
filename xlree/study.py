"""The competitiveness study: the three methods run on one set of tidy inputs.

:class:`StudyInputs` is what the input sheets of a workbook hold (see
:mod:`xlree.sheets`); :func:`run_study` turns it into labelled result tables
(:class:`StudyResults`). Nothing here knows about Excel: the CLI, the ribbon
and the templates all call :func:`run_study`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["DEFAULT_SETTINGS", "StudyInputs"]

#: Settings used when a workbook's Settings sheet leaves one out.
DEFAULT_SETTINGS: dict[str, Any] = {
    "exporter": "CN",
    "breaks": [2008, 2011, 2015, 2019],
    "cms_method": "jepma",
    "entropy_method": "minmax",
    "shift": None,  # None: the entropy module's DEFAULT_SHIFT
    "nrca_variant": "relative",
    "first_year": 2008,
    "last_year": 2019,
}


@dataclass
class StudyInputs:
    """The tidy tables behind a study (one per input sheet).

    Attributes
    ----------
    trade : DataFrame
        ``year, product, exporter, market, value``. ``exporter == "World"`` rows
        are world exports; ``market == "World"`` rows are exports to all markets.
    totals : DataFrame
        ``year, country, total_exports``; ``country == "World"`` for the world.
    segments : DataFrame
        ``product, description, segment``.
    indicators : DataFrame
        ``country, year`` and one column per indicator.
    indicator_info : DataFrame
        ``indicator, name, dimension, direction, unit, source``.
    settings : dict
        See :data:`DEFAULT_SETTINGS`.
    """

    trade: pd.DataFrame
    totals: pd.DataFrame
    segments: pd.DataFrame
    indicators: pd.DataFrame
    indicator_info: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_SETTINGS))
