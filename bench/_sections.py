"""A bench's own section of bench/RESULTS.md: text between a begin and an end marker, kept when the
report rewrites the rest of the file and replaced in place when the bench writes new figures."""

from __future__ import annotations

from pathlib import Path

__all__ = ["marked_section", "write_marked_section"]


def marked_section(results: Path, begin_mark: str, end_mark: str) -> str:
    """The section of `results` between the markers, markers included and set apart by newlines (empty
    when the file or the section is missing)."""
    try:
        text = results.read_text()
    except OSError:
        return ""
    begin, end = text.find(begin_mark), text.find(end_mark)
    return "\n" + text[begin : end + len(end_mark)] + "\n" if 0 <= begin < end else ""


def write_marked_section(results: Path, section: str, begin_mark: str, end_mark: str) -> None:
    """Put `section` (which carries its own markers) in `results`: in place of the old one, or at the end."""
    text = results.read_text() if results.exists() else ""
    begin, end = text.find(begin_mark), text.find(end_mark)
    if 0 <= begin < end:
        text = text[:begin] + section + text[end + len(end_mark) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    results.write_text(text)
