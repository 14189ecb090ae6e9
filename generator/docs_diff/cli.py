"""Command line: ``python -m generator docs-diff DOCS.md [--spec P] [--format F] [--fix [--write]]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator import settings

from .compare import Category, compare
from .fix import fix_spec, write_atomically
from .model import ApiReference
from .page import PageError, parse_page_text
from .report import finding_message, render_json, render_text
from .source import DocsSource, SourceError, choose_source, default_sources, load_source
from .spec_view import SpecError, read_spec

__all__ = ["EXIT_DRIFT", "EXIT_ERROR", "EXIT_OK", "build_parser", "main"]

EXIT_OK, EXIT_DRIFT, EXIT_ERROR = 0, 1, 2
PROG = "python -m generator docs-diff"

_DESCRIPTION = """\
Compare an API reference page (Markdown, in any SDK's rendering) with the OpenAPI spec
and list every difference of content (drift), one per line; then what the page states in
a form docs-diff cannot read (at its line) and what it does not state at all (silence).
The page's vendor and SDK are told from the page, with the data under docs_sources/.
With --fix, show the spec edits that make the spec say what the page says, as a unified
diff; with --write, make them. Only drift is ever written."""

_EPILOG = """\
exit status:
  0  the page and the spec agree (silences aside; with --fix: nothing left to fix)
  1  they differ, or part of the page could not be read (with --fix --write: the spec
     was edited, and drift --fix cannot express remains, or part of the page could not
     be read; both are listed on stderr)
  2  the page, the spec or the docs source cannot be read; the message names the file
     and line

maintainer flow:
  docs-diff PAGE.md; docs-diff PAGE.md --fix; docs-diff PAGE.md --fix --write;
  python -m generator generate; python -m generator check; review git diff"""


def _shown(path: Path) -> Path:
    """``path`` relative to the current folder when it lies inside it (as messages show it)."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("docs", metavar="DOCS.md", type=Path, help="the API reference page (Markdown)")
    parser.add_argument(
        "--spec",
        type=Path,
        default=_shown(settings.SPEC_FILE),
        help="the OpenAPI spec (default: %(default)s)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format of the findings")
    parser.add_argument(
        "--fix",
        action="store_true",
        help="print the spec edits for the findings as a unified diff (comments and layout kept)",
    )
    parser.add_argument("--write", action="store_true", help="with --fix: apply the edits to the spec file")
    parser.add_argument(
        "--source",
        type=Path,
        metavar="DIR",
        help="the docs source the page is from (a folder with source.toml and sdks/; "
        "default: the one under docs_sources/ that recognises the page)",
    )
    parser.add_argument(
        "--sdk",
        metavar="NAME",
        help="the SDK rendering the page is in (a file name under the source's sdks/; default: told from the page)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run docs-diff; return the exit status instead of exiting."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.write and not args.fix:
            parser.error("--write applies the edits of --fix; give both")
        if args.fix and args.format != "text":
            parser.error("--fix prints a unified diff; --format json is for the findings alone")
    except SystemExit as exc:  # --help or a usage error
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    try:
        source, docs = _read_page(args.docs, args.source, args.sdk)
        spec = read_spec(args.spec, source)
        if args.fix:
            return _fix(args.docs, args.spec, spec, docs, source, write=args.write)
    except (PageError, SpecError, SourceError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    findings = compare(spec, docs)
    operations = len(set(spec.by_key()) | set(docs.by_key()))
    render = render_json if args.format == "json" else render_text
    sys.stdout.write(render(findings, str(args.docs), str(args.spec), operations, docs.rendering))
    flagged = [f for f in findings if f.category is not Category.SILENCE]
    return EXIT_DRIFT if flagged else EXIT_OK


def _read_page(path: Path, source_dir: Path | None, sdk: str | None) -> tuple[DocsSource, ApiReference]:
    """The page's docs source (given, or the one that recognises it) and the page read with it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PageError(str(path), None, f"cannot read the page: {exc}") from exc
    source = load_source(source_dir) if source_dir is not None else choose_source(default_sources(), text, str(path))
    return source, parse_page_text(text, str(path), source=source, sdk=sdk)


def _fix(
    docs_path: Path, spec_path: Path, spec: ApiReference, docs: ApiReference, source: DocsSource, *, write: bool
) -> int:
    findings = compare(spec, docs)
    for finding in findings:
        if finding.category is not Category.DRIFT:
            where = f"{docs_path}:{finding.docs_line}: " if finding.category is Category.UNREADABLE else ""
            print(f"left alone ({finding.category.value}): {where}{finding_message(finding)}", file=sys.stderr)
    drift = [f for f in findings if f.category is Category.DRIFT]
    unread = any(f.category is Category.UNREADABLE for f in findings)
    if not drift:
        print(f"no differences: nothing to fix in {spec_path}", file=sys.stderr)
        return EXIT_DRIFT if unread else EXIT_OK
    result = fix_spec(spec_path, docs, findings, source)
    skipped = [f for f in drift if f not in result.applied]
    for finding in skipped:
        print(f"not expressible as a spec edit: {finding_message(finding)}", file=sys.stderr)
    for finding in result.remaining:
        print(f"left after the edits: {finding_message(finding)}", file=sys.stderr)
    if write:
        if result.text != result.original:
            write_atomically(spec_path, result.text)
        print(
            f"wrote {spec_path}: {len(result.applied)} of {len(drift)} finding(s) fixed, "
            f"{len(result.remaining)} left; now run python -m generator generate and review git diff",
            file=sys.stderr,
        )
        return EXIT_DRIFT if result.remaining or unread else EXIT_OK
    sys.stdout.write(result.diff(str(spec_path)))
    print(
        f"{len(result.applied)} of {len(drift)} finding(s) in {docs_path} written as edits of {spec_path}; "
        "review them, then add --write",
        file=sys.stderr,
    )
    return EXIT_DRIFT
