"""generator.errors: an error is one line naming its place, whatever the path or the spec value holds."""

from __future__ import annotations

from pathlib import Path

from generator.errors import GenerationError, Problems, printable


def test_control_and_bidirectional_characters_are_shown_as_escapes() -> None:
    assert printable("a\nb\rc\td\x00e\x1b[2Jf\x7fg\x85h\u202ei\u2066j") == (
        "a\\nb\\rc\\td\\x00e\\x1b[2Jf\\x7fg\\x85h\\u202ei\\u2066j"
    )
    assert printable("Ünïcode ✓ 日本語 \\ ' \"") == "Ünïcode ✓ 日本語 \\ ' \""


def test_an_error_names_file_line_and_pointer_on_one_line() -> None:
    error = GenerationError("bad value 'x\ny'", file=Path("/tmp/two\nlines.yaml"), line=3, pointer="/info/title")
    assert str(error) == "/tmp/two\\nlines.yaml:3: at /info/title: bad value 'x\\ny'"


def test_several_problems_are_one_line_each() -> None:
    problems = Problems([GenerationError("first\nhalf"), GenerationError("second", file=Path("/x"), line=1)])
    assert str(problems).splitlines() == ["first\\nhalf", "/x:1: second"]
