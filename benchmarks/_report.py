"""Write one benchmark's section of docs/performance.md, leaving the others alone."""

from __future__ import annotations

from pathlib import Path

PERFORMANCE = Path(__file__).resolve().parents[1] / "docs" / "performance.md"


def write_section(name: str, lines: list[str]) -> str:
    """Replace the section between ``<!-- name: begin/end -->`` (or append it)."""
    begin, end = f"<!-- {name}: begin -->", f"<!-- {name}: end -->"
    section = "\n".join([begin, *lines, end])
    print(section)
    text = PERFORMANCE.read_text() if PERFORMANCE.exists() else "# Performance\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    PERFORMANCE.write_text(text)
    return section
