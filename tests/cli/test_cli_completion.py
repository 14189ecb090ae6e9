"""`genesys-audit completion bash|zsh`: scripts written from the parser complete every subcommand, option
and choice, in a real bash and (when it is installed) a real interactive zsh."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from genesys_cloud_audit.workflows.cli._parser import build_parser, subcommands

from tests.cli.cli_helpers import run_cli


@pytest.fixture(scope="module")
def scripts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("completion")
    made = {}
    for shell, name in (("bash", "genesys-audit.bash"), ("zsh", "_genesys-audit")):
        result = run_cli(["completion", shell])
        assert result.returncode == 0, result.stderr
        made[shell] = folder / name
        made[shell].write_text(result.stdout)
    return made


def every_flag() -> dict[str, set[str]]:
    parser = build_parser()
    return {
        name: {flag for action in sub._actions for flag in action.option_strings}
        for name, sub in subcommands(parser).items()
    }


def bash_complete(script: Path, line: str, cwd: Path | None = None) -> list[str]:
    """What the bash script offers for `line` (the word being completed is its last, possibly empty)."""
    words = shlex.split(line) + ([""] if line.endswith(" ") else [])
    program = (
        f"source {shlex.quote(str(script))}; COMP_WORDS=({' '.join(map(shlex.quote, words))}); "
        f"COMP_CWORD={len(words) - 1}; _genesys_audit; printf '%s\\n' \"${{COMPREPLY[@]}}\""
    )
    result = subprocess.run(
        ["bash", "--norc", "-c", program], capture_output=True, text=True, cwd=cwd, timeout=30, check=True
    )
    return [word for word in result.stdout.splitlines() if word]


@pytest.mark.parametrize(
    ("line", "offered"),
    [
        (
            "genesys-audit ",
            [
                "servicemapping",
                "query",
                "realtime",
                "related",
                "status",
                "results",
                "completion",
                "sync",
                "search",
                "history",
                "-h",
                "--help",
                "--version",
            ],
        ),
        ("genesys-audit re", ["realtime", "related", "results"]),
        ("genesys-audit query --fo", ["--format"]),
        ("genesys-audit query --format ", ["jsonl", "csv", "table"]),
        ("genesys-audit query --last 7d --sort d", ["descending"]),
        ("genesys-audit query --region eu_w", ["eu_west_1", "eu_west_2"]),
        ("genesys-audit query --filter Ent", ["EntityId=", "EntityType="]),
        ("genesys-audit query --interval ", []),
        ("genesys-audit realtime --sp", []),
        ("genesys-audit results TX --res", ["--resume", "--restart"]),
        ("genesys-audit completion ", ["bash", "zsh"]),
        ("genesys-audit servicemapping --format ", ["table", "json"]),
        ("genesys-audit sync --format ", ["text", "json"]),
        ("genesys-audit search --format ", ["table", "jsonl", "csv"]),
        ("genesys-audit history --fo", ["--format"]),
    ],
)
def test_bash_completes_commands_options_and_choices(scripts: dict[str, Path], line: str, offered: list[str]) -> None:
    assert bash_complete(scripts["bash"], line) == offered


def test_bash_completes_file_names_for_the_output(scripts: dict[str, Path], tmp_path: Path) -> None:
    (tmp_path / "audit one.jsonl").write_text("")
    (tmp_path / "audit-two.csv").write_text("")
    offered = bash_complete(scripts["bash"], "genesys-audit query -o aud", tmp_path)
    assert sorted(offered) == ["audit one.jsonl", "audit-two.csv"]


def test_bash_offers_every_option_of_every_command(scripts: dict[str, Path]) -> None:
    for command, flags in every_flag().items():
        assert set(bash_complete(scripts["bash"], f"genesys-audit {command} -")) == flags


# An interactive zsh in a pseudo-terminal (zpty): types the line and a TAB once the line editor is ready
# (its prompt is shown), and prints every candidate the completion system adds.
ZSH_DRIVER = r"""
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='<zle>'; fpath=(${1:h} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z 'compadd() { local -a found; builtin compadd -O found "$@"; print -rl -- ${^found/#/CAND:}; builtin compadd "$@" }'
zpty -w z "print MA''RK"
zpty -r z line '*MARK*'
zpty -r z line '*<zle>*'
zpty -w -n z "$2"$'\t'
zpty -w z $'\C-u'"print DO''NE"
output=""
while zpty -r z line; do output+=$line; [[ $line == *DONE* ]] && break; done
print -r -- $output
zpty -d z
"""


def zsh_complete(script: Path, line: str) -> list[str]:
    result = subprocess.run(
        ["zsh", "-f", "-c", ZSH_DRIVER, "zsh", str(script), line],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return sorted(set(re.findall(r"CAND:([^\s\x1b]+)", result.stdout)))


needs_zsh = pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")


@needs_zsh
@pytest.mark.parametrize(
    ("line", "offered"),
    [
        ("genesys-audit re", ["realtime", "related", "results"]),
        ("genesys-audit query --for", ["--format"]),
        ("genesys-audit query --format ", ["csv", "jsonl", "table"]),
        ("genesys-audit query --region eu_w", ["eu_west_1", "eu_west_2"]),
        ("genesys-audit query --resume --res", []),  # --restart cannot go with --resume
        ("genesys-audit completion ", ["bash", "zsh"]),
    ],
)
def test_zsh_completes_commands_options_and_choices(scripts: dict[str, Path], line: str, offered: list[str]) -> None:
    assert zsh_complete(scripts["zsh"], line) == offered


@needs_zsh
def test_the_zsh_script_parses_and_names_every_option(scripts: dict[str, Path]) -> None:
    subprocess.run(["zsh", "-n", str(scripts["zsh"])], check=True, timeout=30)
    text = scripts["zsh"].read_text()
    for flags in every_flag().values():
        for flag in flags:
            assert f"{flag}[" in text


def test_the_help_says_how_to_install_them() -> None:
    text = " ".join(run_cli(["completion", "--help"]).stdout.split())
    assert "source <(genesys-audit completion bash)" in text and "$fpath" in text
