"""Command line: ``python -m generator docs-diff DOCS.md [--spec P] [--format F] [--fix [--write]]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .compare import compare
from .fix import fix_spec, write_atomically
from .model import ApiReference
from .page import PageError, parse_page
from .report import finding_message, render_json, render_text
from .spec_view import SpecError, read_spec

__all__ = ["EXIT_DRIFT", "EXIT_ERROR", "EXIT_OK", "build_parser", "main"]

EXIT_OK, EXIT_DRIFT, EXIT_ERROR = 0, 1, 2
PROG = "python -m generator docs-diff"

_DESCRIPTION = """\
Compare a Genesys Cloud API reference page (Markdown, in any SDK's rendering) with the
OpenAPI spec and list every difference of content, one per line. With --fix, show the
spec edits that make the spec say what the page says, as a unified diff; with --write,
make them."""

_EPILOG = """\
exit status:
  0  the page and the spec agree (with --fix: nothing left to fix)
  1  they differ (with --fix --write: the spec was edited, and findings --fix
     cannot express remain; they are listed on stderr)
  2  the page or the spec cannot be read; the message names the file and line

maintainer flow:
  docs-diff PAGE.md; docs-diff PAGE.md --fix; docs-diff PAGE.md --fix --write;
  python -m generator generate; python -m generator check; review git diff"""


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
        default=Path("spec/audit-api.yaml"),
        help="the OpenAPI spec (default: %(default)s)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format of the findings")
    parser.add_argument(
        "--fix",
        action="store_true",
        help="print the spec edits for the findings as a unified diff (comments and layout kept)",
    )
    parser.add_argument("--write", action="store_true", help="with --fix: apply the edits to the spec file")
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
        docs = parse_page(args.docs)
        spec = read_spec(args.spec)
        if args.fix:
            return _fix(args.docs, args.spec, spec, docs, write=args.write)
    except (PageError, SpecError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    findings = compare(spec, docs)
    operations = len(set(spec.by_key()) | set(docs.by_key()))
    render = render_json if args.format == "json" else render_text
    sys.stdout.write(render(findings, str(args.docs), str(args.spec), operations))
    return EXIT_DRIFT if findings else EXIT_OK


def _fix(docs_path: Path, spec_path: Path, spec: ApiReference, docs: ApiReference, *, write: bool) -> int:
    findings = compare(spec, docs)
    if not findings:
        print(f"no differences: nothing to fix in {spec_path}", file=sys.stderr)
        return EXIT_OK
    result = fix_spec(spec_path, docs, findings)
    skipped = [f for f in findings if f not in result.applied]
    for finding in skipped:
        print(f"not expressible as a spec edit: {finding_message(finding)}", file=sys.stderr)
    for finding in result.remaining:
        print(f"left after the edits: {finding_message(finding)}", file=sys.stderr)
    if write:
        if result.text != result.original:
            write_atomically(spec_path, result.text)
        print(
            f"wrote {spec_path}: {len(result.applied)} of {len(findings)} finding(s) fixed, "
            f"{len(result.remaining)} left; now run python -m generator generate and review git diff",
            file=sys.stderr,
        )
        return EXIT_DRIFT if result.remaining else EXIT_OK
    sys.stdout.write(result.diff(str(spec_path)))
    print(
        f"{len(result.applied)} of {len(findings)} finding(s) in {docs_path} written as edits of {spec_path}; "
        "review them, then add --write",
        file=sys.stderr,
    )
    return EXIT_DRIFT
