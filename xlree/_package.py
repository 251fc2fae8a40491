"""Reproducible Open XML packages (the zip files behind .xlsx and .xlam).

:func:`zip_parts` zips parts in a given order with a fixed date and fixed
permissions, so that the same parts always give the same bytes; the add-in
(:mod:`xlree.addin`) and the templates (:mod:`xlree.templates`) both use it.
:func:`rewrite_zip` post-processes a file openpyxl saved: each formula cell
gets the value it must show (``<v>``, see :mod:`xlree.templates` for why) and
``docProps/core.xml`` a fixed creator and timestamps.
"""

from __future__ import annotations

import datetime
import io
import math
import os
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

__all__ = ["CachedValues", "rewrite_zip", "zip_parts"]

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
CachedValues = dict[str, dict[str, Any]]  # sheet name -> cell -> value


def zip_parts(parts: dict[str, bytes]) -> bytes:
    """The zip archive of ``parts`` (name -> bytes), entries in the dict's order.

    Every entry is deflated and dated :data:`ZIP_DATE` with permissions 0644.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def _sheet_paths(parts: dict[str, bytes]) -> dict[str, str]:
    """Map each sheet name to its part (``xl/worksheets/sheet3.xml``)."""
    workbook = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    targets = {}
    for tag in re.findall(r"<Relationship [^>]*>", rels):
        rid = re.search(r'Id="([^"]+)"', tag).group(1)
        target = re.search(r'Target="([^"]+)"', tag).group(1)
        targets[rid] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    paths = {}
    for tag in re.findall(r"<sheet [^>]*>", workbook):
        name = re.search(r'name="([^"]+)"', tag).group(1)
        rid = re.search(r'r:id="([^"]+)"', tag).group(1)
        paths[_unescape(name)] = targets[rid]
    return paths


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _inject_cached_values(xml: bytes, values: dict[str, Any]) -> bytes:
    """Give each formula cell of ``values`` its cached ``<v>`` (and its type)."""
    text = xml.decode()

    def fill(match: re.Match) -> str:
        reference, attributes, formula = match.group(1), match.group(2), match.group(3)
        if reference not in values:
            return match.group(0)
        value = values[reference]
        attributes = re.sub(r'\s+t="[^"]*"', "", attributes)
        if isinstance(value, str):
            shown = escape(value)
            return f'<c r="{reference}"{attributes} t="str">{formula}<v>{shown}</v></c>'
        if isinstance(value, bool):
            return (
                f'<c r="{reference}"{attributes} t="b">{formula}<v>{int(value)}</v></c>'
            )
        number = float(value)
        if math.isnan(number):
            return f'<c r="{reference}"{attributes} t="e">{formula}<v>#N/A</v></c>'
        shown = repr(int(number)) if number.is_integer() else repr(number)
        return f'<c r="{reference}"{attributes}>{formula}<v>{shown}</v></c>'

    pattern = (
        r'<c r="([A-Z]+[0-9]+)"([^>]*)>(<f[^>]*/>|<f[^>]*>.*?</f>)'
        r"(?:<v>[^<]*</v>|<v\s*/>)?</c>"
    )
    return re.sub(pattern, fill, text).encode()


def _fix_properties(xml: bytes, timestamp: datetime.datetime) -> bytes:
    """Creator ``xlree`` and ``timestamp`` in ``docProps/core.xml``."""
    stamp = timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    text = xml.decode()
    for tag in ("dcterms:created", "dcterms:modified"):
        text = re.sub(rf"(<{tag}[^>]*>)[^<]*(</{tag}>)", rf"\g<1>{stamp}\g<2>", text)
    text = re.sub(r"(<dc:creator>)[^<]*(</dc:creator>)", r"\g<1>xlree\g<2>", text)
    text = re.sub(
        r"(<cp:lastModifiedBy>)[^<]*(</cp:lastModifiedBy>)", r"\g<1>xlree\g<2>", text
    )
    return text.encode()


def rewrite_zip(
    source: Path, target: Path, cached: CachedValues, timestamp: datetime.datetime
) -> None:
    """Copy ``source`` to ``target``: cached values in, fixed dates, same order."""
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    paths = _sheet_paths(parts)
    for sheet, values in cached.items():
        parts[paths[sheet]] = _inject_cached_values(parts[paths[sheet]], values)
    if "docProps/core.xml" in parts:
        parts["docProps/core.xml"] = _fix_properties(
            parts["docProps/core.xml"], timestamp
        )
    handle, temporary = tempfile.mkstemp(suffix=".xlsx", dir=target.parent)
    os.close(handle)
    Path(temporary).write_bytes(zip_parts(parts))
    os.chmod(temporary, 0o644)  # mkstemp makes it private; a workbook is shared
    os.replace(temporary, target)
