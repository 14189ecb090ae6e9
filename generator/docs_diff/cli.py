"""Command line: ``python -m generator docs-diff DOCS.md [--spec P] [--format F]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .compare import compare
from .page import PageError, parse_page
from .report import render_json, render_text
from .spec_view import SpecError, read_spec

__all__ = ["EXIT_DRIFT", "EXIT_ERROR", "EXIT_OK", "build_parser", "main"]

EXIT_OK, EXIT_DRIFT, EXIT_ERROR = 0, 1, 2
PROG = "python -m generator docs-diff"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=("Compare a Genesys Cloud API reference page with the OpenAPI spec and list what changed."),
        epilog=("Exit status: 0 docs and spec agree, 1 they differ, 2 the page or the spec cannot be read."),
    )
    parser.add_argument("docs", metavar="DOCS.md", type=Path, help="the API reference page (Markdown)")
    parser.add_argument(
        "--spec",
        type=Path,
        default=Path("spec/audit-api.yaml"),
        help="the OpenAPI spec (default: %(default)s)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run docs-diff; return the exit status instead of exiting."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help or a usage error
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    try:
        docs = parse_page(args.docs)
    except PageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        spec = read_spec(args.spec)
    except SpecError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    findings = compare(spec, docs)
    operations = len(set(spec.by_id()) | set(docs.by_id()))
    render = render_json if args.format == "json" else render_text
    sys.stdout.write(render(findings, str(args.docs), str(args.spec), operations))
    return EXIT_DRIFT if findings else EXIT_OK
