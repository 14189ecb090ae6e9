"""`python -m generator`: generate, check, docs-diff, release."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from generator import settings
from generator.errors import GenerationError, printable
from generator.inputs.files import Inputs
from generator.notices import Notices
from generator.output.tree_diff import TreeDiff
from generator.verify.background import Background

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description="Generate a typed client package from an OpenAPI spec, templates/ and runtime/.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("generate", "rebuild generated/ (in a temporary folder, then swapped in whole)"),
        ("check", "exit 1 with a unified diff if generated/ differs from a fresh build, or its release is stale"),
        ("release", "version generated/ by what changed since the last release, write its changelog entry, regenerate"),
    ):
        command = commands.add_parser(name, help=text, description=text)
        command.add_argument("--spec", type=Path, default=settings.SPEC_FILE, help="the OpenAPI document")
        command.add_argument("--templates", type=Path, default=settings.TEMPLATES_DIR, help="custom templates")
        command.add_argument("--runtime", type=Path, default=settings.RUNTIME_DIR, help="hand-written runtime")
        command.add_argument("--output", type=Path, default=settings.GENERATED_DIR, help="the generated tree")
        if name == "generate":
            command.add_argument(
                "--layers-only",
                action="store_true",
                help="replace only the runtime layers of the previous generation (fast: for editing runtime/; "
                "refused when the spec or templates changed since); check still compares with a full build",
            )
        command.add_argument(
            "--strict",
            action="store_true",
            help="refuse what would be left out with a warning (an operation the runtime cannot serve, an invalid "
            "part of the document) instead of generating the rest",
        )
        if name == "release":
            from generator.release.cli import add_release_arguments

            add_release_arguments(command)
    docs = commands.add_parser(
        "docs-diff",
        help="compare an API reference page (Markdown) with spec/",
        add_help=False,
    )
    docs.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["docs-diff"]:  # docs-diff parses its own arguments, --help included
        from generator.docs_diff import main as docs_diff_main

        return docs_diff_main(argv[1:])
    args = _parser().parse_args(argv)
    if args.command == "docs-diff":
        from generator.docs_diff import main as docs_diff_main

        return docs_diff_main(args.args)
    if args.command == "release":
        from generator.release.cli import run_release

        return run_release(args, Inputs(spec=args.spec, templates=args.templates, runtime=args.runtime))
    # The verifying processes (a second build, an import probe) start first, so that they load on
    # the other core while this process loads the generator.
    inputs = Inputs(spec=args.spec, templates=args.templates, runtime=args.runtime, strict=args.strict)
    if args.command == "generate" and args.layers_only:
        return _layers_only(args, inputs)
    with Background(inputs, reproduce=args.command == "check") as background:
        return _run(args, inputs, background)


def _layers_only(args: argparse.Namespace, inputs: Inputs) -> int:
    from generator.layers_only import generate_layers

    shown = printable(str(args.output))
    try:
        changes = generate_layers(inputs, args.output)
    except GenerationError as error:
        for line in str(error).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return 2
    summary = _summary(changes, "added", "removed") if not changes.clean else "no change"
    print(f"generated {shown} (runtime layers only): {summary}")
    return 0


def _run(args: argparse.Namespace, inputs: Inputs, background: Background) -> int:
    from generator.pipeline import check, generate

    shown = printable(str(args.output))
    try:
        if args.command == "generate" and args.layers_only:
            from generator.layers_only import generate_layers

            changes = generate_layers(inputs, args.output)
            print(
                f"generated {shown} (layers only): {_summary(changes, 'added', 'removed') if not changes.clean else 'no change'}"
            )
            return 0
        if args.command == "generate":
            generated = generate(inputs, args.output, background)
            _report(generated.notices)
            changes = generated.changes
            print(f"generated {shown}: {_summary(changes, 'added', 'removed') if not changes.clean else 'no change'}")
            return 0
        result = check(inputs, args.output, background)
        _report(result.notices)
    except GenerationError as error:
        if isinstance(error.notices, Notices):
            _report(error.notices, failed=True)
        for line in str(error).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return 2
    if result.changes.clean:
        return _check_release(inputs, args.output, shown)
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="surrogateescape")  # a file name that is not UTF-8 is written as git does
    sys.stdout.write(result.changes.patch)
    print(
        f"{shown} differs from a fresh build: {_summary(result.changes, 'missing', 'extra')}. To fix: {result.remedy}",
        file=sys.stderr,
    )
    return 1


def _report(notices: Notices, *, failed: bool = False) -> None:
    """Each notice and warning on stderr, one line each, warnings counted at the end (when the build succeeded)."""
    for notice in notices.items:
        if not (failed and notices.strict and notice.kind == "warning"):  # each of those is one of the errors
            print(notice, file=sys.stderr)
    warnings = sum(1 for notice in notices.items if notice.kind == "warning")
    if warnings and not failed:
        print(
            f"{warnings} warning{'s' if warnings != 1 else ''} (--strict refuses what they name)",
            file=sys.stderr,
        )


def _check_release(inputs: Inputs, output: Path, shown: str) -> int:
    """The step after a clean tree: its version and changelog are what `release` would make of it."""
    from generator.release._release import check_release

    try:
        problems = check_release(inputs, output)
    except GenerationError as error:
        problems = str(error).splitlines()
    if problems:
        for line in problems:
            print(f"error: {printable(line)}", file=sys.stderr)
        return 1
    print(f"{shown} is up to date")
    return 0


def _summary(changes: TreeDiff, added: str, removed: str) -> str:
    counts = [f"{len(changes.changed)} changed"]
    if changes.modes:
        counts.append(f"{len(changes.modes)} mode changed")
    counts += [f"{len(changes.added)} {added}", f"{len(changes.removed)} {removed}"]
    return ", ".join(counts)
