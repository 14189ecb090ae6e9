"""`python -m generator release`: the command line of generator.release."""

from __future__ import annotations

import argparse
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from generator.errors import GenerationError, printable
from generator.inputs.files import Inputs
from generator.release._records import Cause

__all__ = ["add_release_arguments", "run_release"]


def add_release_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--docs",
        type=Path,
        metavar="PAGE",
        help="the reference page the spec now follows (after docs-diff --fix); the entry links to its revision",
    )
    command.add_argument("--sdk", help="the SDK whose page it is (default: the page's folder name, e.g. dotnet)")
    command.add_argument("--revision", help="the page's revision (default: its file name, e.g. 210.0.0)")
    command.add_argument(
        "--commit", help="the commit the release follows, when it is not a docs page (default: git's HEAD)"
    )
    command.add_argument("--date", help="the release date, YYYY-MM-DD (default: today, UTC)")
    command.add_argument("--version", dest="chosen_version", help="release as this version (at least the computed one)")
    command.add_argument("--dry-run", action="store_true", help="say what release would do, and change nothing")


def run_release(args: argparse.Namespace, inputs: Inputs) -> int:
    from generator.release._release import plan_release, release

    try:
        if args.dry_run:
            outcome = plan_release(inputs, args.output)
        else:
            date = args.date or datetime.now(UTC).date().isoformat()
            if not _is_date(date):
                raise GenerationError(f"--date {date!r} is not a date such as 2026-01-31")
            cause = _cause(args, inputs)
            outcome = release(inputs, args.output, cause, date, version=args.chosen_version)
    except GenerationError as error:
        for line in str(error).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return 2
    if not outcome.needed:
        print(f"nothing to release: {outcome.version} is current")
        return 0
    levels = ", ".join(
        f"{what}: {level.label if level else 'no change'}"
        for what, level in (("wire", outcome.wire_level), ("Python API", outcome.python_level))
    )
    verb = "would release" if args.dry_run else "released"
    was = f" (was {outcome.previous}; {levels})" if outcome.previous else " (first release)"
    print(f"{verb} {outcome.version}{was}")
    for section, lines in outcome.sections().items():
        print(f"{section}:")
        for line in lines:
            print(f"  - {printable(line)}")
    return 0


def _is_date(text: str) -> bool:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date().isoformat() == text
    except ValueError:
        return False


def _cause(args: argparse.Namespace, inputs: Inputs) -> Cause:
    if args.docs is not None:
        page: Path = args.docs
        if not page.is_file():
            raise GenerationError("no such page; --docs names the reference page the spec follows", file=page)
        _require_followed(inputs, page, args.sdk)
        return Cause("docs", sdk=args.sdk or page.parent.name, revision=args.revision or page.stem)
    if args.sdk or args.revision:
        raise GenerationError("--sdk and --revision describe a --docs page; name the page with --docs")
    commit = args.commit or _head(inputs.spec.parent)
    return Cause("commit", commit=commit)


def _require_followed(inputs: Inputs, page: Path, sdk: str | None) -> None:
    """Refuses a page the spec does not follow yet (a drift docs-diff would report)."""
    from generator.docs_diff import Category, PageError, SourceError, SpecError, compare, parse_page, read_spec

    try:
        findings = compare(read_spec(inputs.spec), parse_page(page, sdk=sdk))
    except (PageError, SourceError, SpecError) as error:
        raise GenerationError(f"docs-diff cannot read it: {error}", file=page) from None
    drift = [f for f in findings if f.category is Category.DRIFT]
    if drift:
        raise GenerationError(
            f"the spec does not follow this page yet ({len(drift)} difference(s)): run `python -m generator "
            "docs-diff PAGE --fix --write`, then generate, then release",
            file=page,
        )


def _head(folder: Path) -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--verify", "HEAD"], cwd=folder, capture_output=True, text=True, check=False
        )
    except OSError:
        done = None
    if done is None or done.returncode != 0:
        raise GenerationError("name what this release follows: --docs PAGE or --commit SHA (git has no HEAD here)")
    return done.stdout.strip()
