"""Shell completion scripts for bash and zsh, written from the argument parser itself.

Every subcommand, option and choice the parser knows is completed, so the scripts follow the parser
without being edited: `--format`, `--sort` and `completion`'s shell from their choices, `--region` from
the region names, `--filter` from the filter properties, `--output` from file names.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..._genesys._regions import REGIONS
from ...models import AuditQueryFilterProperty

__all__: list[str] = []

PROGRAM = "genesys-audit"
_PATHS = ("output", "db", "parquet")  # options completed with file names


@dataclass(frozen=True)
class _Option:
    flags: tuple[str, ...]
    help: str
    takes_value: bool
    values: tuple[str, ...] = ()
    files: bool = False
    excludes: tuple[str, ...] = ()  # flags that cannot go with it (its own included)
    suffix: str = ""  # the values are the start of a value (`Action=`)


@dataclass(frozen=True)
class _Command:
    name: str
    help: str
    options: tuple[_Option, ...]
    positionals: tuple[_Option, ...]


def _summary(text: str | None) -> str:
    """An option's help cut to its first clause, as a completion menu shows it."""
    clause = re.split(r"; | \(|: |, e\.g\.", " ".join((text or "").split()), maxsplit=1)[0]
    return clause if len(clause) <= 70 else clause[:69] + "~"


def _values(action: argparse.Action) -> tuple[tuple[str, ...], str]:
    if action.choices is not None and not isinstance(action.choices, dict):
        return tuple(str(choice) for choice in action.choices), ""
    if action.dest == "region":
        return tuple(REGIONS), ""
    if action.dest == "filters":
        return tuple(member.value for member in AuditQueryFilterProperty), "="
    return (), ""


def _option(action: argparse.Action, parser: argparse.ArgumentParser) -> _Option:
    values, suffix = _values(action)
    excludes = set(action.option_strings)
    for group in parser._mutually_exclusive_groups:  # argparse keeps the groups there
        if action in group._group_actions:
            excludes.update(flag for other in group._group_actions for flag in other.option_strings)
    flags = tuple(action.option_strings) or (str(action.metavar or action.dest),)
    return _Option(
        flags, _summary(action.help), action.nargs != 0, values, action.dest in _PATHS, tuple(sorted(excludes)), suffix
    )


def _command(name: str, help_text: str | None, parser: argparse.ArgumentParser) -> _Command:
    options: list[_Option] = []
    positionals: list[_Option] = []
    for action in parser._actions:
        (options if action.option_strings else positionals).append(_option(action, parser))
    return _Command(name, _summary(help_text), tuple(options), tuple(positionals))


def _commands(parser: argparse.ArgumentParser) -> tuple[tuple[_Command, ...], tuple[_Option, ...]]:
    """The subcommands, and the options of the program itself."""
    top = tuple(_option(action, parser) for action in parser._actions if action.option_strings)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            return tuple(_command(name, helps.get(name), sub) for name, sub in action.choices.items()), top
    return (), top


# bash


def _words(values: Iterator[str] | tuple[str, ...]) -> str:
    return " ".join(values)


def _bash_case(command: _Command) -> Iterator[str]:
    yield f"        {command.name})"
    yield "            case $prev in"
    free = [
        flag
        for option in command.options
        if option.takes_value and not (option.files or option.values)
        for flag in option.flags
    ]
    if free:
        yield f"                {'|'.join(free)}) return ;;  # a value of your own"
    for option in command.options:
        pattern = "|".join(option.flags)
        if option.takes_value and option.files:
            yield f"                {pattern}) compopt -o filenames 2>/dev/null; _genesys_audit_files; return ;;"
        elif option.takes_value and option.values:
            nospace = " compopt -o nospace 2>/dev/null;" if option.suffix else ""
            words = _words(value + option.suffix for value in option.values)
            yield f"                {pattern}){nospace} COMPREPLY=($(compgen -W '{words}' -- \"$cur\")); return ;;"
    yield "            esac"
    choices = next((positional.values for positional in command.positionals if positional.values), ())
    flags = _words(flag for option in command.options for flag in option.flags)
    if choices:
        yield f"            [[ $cur == -* ]] || {{ COMPREPLY=($(compgen -W '{_words(choices)}' -- \"$cur\")); return; }}"
    yield f"            COMPREPLY=($(compgen -W '{flags}' -- \"$cur\")) ;;"


def bash_script(parser: argparse.ArgumentParser) -> str:
    commands, top = _commands(parser)
    names = _words(command.name for command in commands)
    top_flags = _words(flag for option in top for flag in option.flags)
    lines = [
        f"# bash completion for {PROGRAM}, written by `{PROGRAM} completion bash`.",
        f"# Load it now with: source <({PROGRAM} completion bash)",
        f"# or for good: {PROGRAM} completion bash > ~/.local/share/bash-completion/completions/{PROGRAM}",
        "_genesys_audit_files() {",
        "    local IFS=$'\\n'",
        '    COMPREPLY=($(compgen -f -- "$cur"))',
        "}",
        "_genesys_audit() {",
        "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} command= i",
        "    for ((i = 1; i < COMP_CWORD; i++)); do",
        "        if [[ ${COMP_WORDS[i]} != -* ]]; then command=${COMP_WORDS[i]}; break; fi",
        "    done",
        "    case $command in",
        f"        '') COMPREPLY=($(compgen -W '{names} {top_flags}' -- \"$cur\")) ;;",
    ]
    for command in commands:
        lines.extend(_bash_case(command))
    lines += ["    esac", "}", f"complete -F _genesys_audit {PROGRAM}", ""]
    return "\n".join(lines)


# zsh


def _zsh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _zsh_text(text: str) -> str:
    """Text for inside an _arguments description or message (brackets and colons are its syntax)."""
    return re.sub(r"([\\\[\]:])", r"\\\1", text)


def _zsh_action(option: _Option) -> str:
    if option.files:
        return ":file:_files"
    if option.values:
        values = " ".join(value + option.suffix for value in option.values)
        return f":{_zsh_text(option.flags[-1].lstrip('-'))}:({values})"
    return f":{_zsh_text(option.flags[-1].lstrip('-'))}: "


def _zsh_specs(command: _Command) -> Iterator[str]:
    for option in command.options:
        excludes = f"({' '.join(option.excludes)})" if len(option.excludes) > 1 else ""
        if "--help" in option.flags:
            excludes = "(- *)"
        action = _zsh_action(option) if option.takes_value else ""
        for flag in option.flags:
            yield _zsh_quote(f"{excludes}{flag}[{_zsh_text(option.help)}]{action}")
    for number, positional in enumerate(command.positionals, 1):
        values = f"({' '.join(positional.values)})" if positional.values else " "
        yield _zsh_quote(f"{number}:{_zsh_text(positional.flags[0])}:{values}")


def zsh_script(parser: argparse.ArgumentParser) -> str:
    commands, top = _commands(parser)
    described = " ".join(_zsh_quote(f"{command.name}:{command.help}") for command in commands)
    top_specs = " ".join(
        _zsh_quote(f"(- *){flag}[{_zsh_text(option.help)}]") for option in top for flag in option.flags
    )
    lines = [
        f"#compdef {PROGRAM}",
        f"# zsh completion for {PROGRAM}, written by `{PROGRAM} completion zsh`.",
        f"# Save it as _{PROGRAM} in a folder of $fpath and run compinit (or: source <({PROGRAM} completion zsh)).",
        "_genesys_audit() {",
        "  local curcontext=$curcontext state line",
        "  typeset -A opt_args",
        f"  _arguments -C {top_specs} '1:command:->command' '*::argument:->argument' && return",
        "  case $state in",
        "    command)",
        f"      local -a commands=({described})",
        "      _describe -t commands 'genesys-audit command' commands ;;",
        "    argument)",
        "      case $line[1] in",
    ]
    for command in commands:
        lines.append(f"        {command.name}) _arguments -s {' '.join(_zsh_specs(command))} ;;")
    lines += [
        "      esac ;;",
        "  esac",
        "}",
        "if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then",
        '  _genesys_audit "$@"',
        "else",
        f"  compdef _genesys_audit {PROGRAM}",
        "fi",
        "",
    ]
    return "\n".join(lines)


def completion_script(parser: argparse.ArgumentParser, shell: str) -> str:
    """The completion script of `parser` for `shell` (bash or zsh)."""
    return bash_script(parser) if shell == "bash" else zsh_script(parser)
