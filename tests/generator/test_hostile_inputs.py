"""Hostile and malformed inputs: each ends in one line naming the place, and changes nothing.

Every case prepares copies of the inputs (spec, templates, runtime, overrides file) and an output
target in a Workspace, then runs `python -m generator` as a user would. The harness asserts the
exit code (2 for an error; check's 1 for a difference), a single line on stderr without a
traceback that matches the case's `place` (file:line, JSON pointer or path; <tmp> stands for the
workspace, <repo> for this repository), after any notices and warnings that explain it, and that the
committed generated/, the output target and every watched path are unchanged, modes and links included.

To add a case: a function that edits the workspace, decorated with @case(place=...).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator import settings
from tests.support.generator_runs import PACKAGE, Workspace, snapshot


@dataclass(frozen=True)
class Case:
    name: str
    prepare: Callable[[Workspace], None]
    place: str  # a regular expression the error line (or check's report) must match
    exit_code: int


CASES: list[Case] = []


def case(place: str, exit_code: int = 2) -> Callable[[Callable[[Workspace], None]], Callable[[Workspace], None]]:
    def register(prepare: Callable[[Workspace], None]) -> Callable[[Workspace], None]:
        CASES.append(Case(prepare.__name__, prepare, place, exit_code))
        return prepare

    return register


@pytest.mark.parametrize("hostile", CASES, ids=lambda c: c.name)
def test_hostile_input(hostile: Case, tmp_path: Path) -> None:
    workspace = Workspace.create(tmp_path)
    hostile.prepare(workspace)
    watched = [settings.GENERATED_DIR, workspace.output, workspace.cwd, *workspace.watched]
    before = [snapshot(path) for path in watched]

    result = workspace.run()

    report = workspace.shown(result.stdout + result.stderr)
    assert result.returncode == hostile.exit_code, report
    assert "Traceback" not in report
    said = ("notice: ", "warning: ")
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith(said)]
    assert len(lines) == 1, report
    if hostile.exit_code == 2:
        assert lines[0].startswith("error: "), report
        assert re.search(hostile.place, workspace.shown(lines[0])), workspace.shown(lines[0])
    else:
        assert re.search(hostile.place, report), report
    for path, earlier in zip(watched, before, strict=True):
        assert snapshot(path) == earlier, f"{path} changed"
    leftovers = [p for p in workspace.output.parent.glob(".generate-*")] + list(workspace.cwd.glob(".generate-*"))
    assert not leftovers, leftovers


# -- output paths ---------------------------------------------------------------------------------


def _checkout(folder: Path) -> None:
    """A folder that looks like somebody's work: a repository, a README, untracked files."""
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (folder / "README.md").write_text("# my project\n")
    (folder / "notes.txt").write_text("untracked, not committed anywhere\n")
    (folder / "src").mkdir()
    (folder / "src" / "app.py").write_text("print('hello')\n")


@case(r"^error: \.: is not empty and holds no PROVENANCE\.json")
def output_is_the_current_checkout(ws: Workspace) -> None:
    _checkout(ws.cwd)
    ws.output_arg = "."


@case(r"^error: <tmp>/home: is not empty and holds no PROVENANCE\.json")
def output_is_the_home_folder(ws: Workspace) -> None:
    home = ws.root / "home"  # what the shell passes for ~
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text("secret\n")
    (home / ".bashrc").write_text("export PATH\n")
    ws.output_arg = str(home)
    ws.watched.append(home)


@case(r"^error: \.: is the current folder or holds it; generate replaces --output whole")
def output_is_the_current_folder_though_empty(ws: Workspace) -> None:
    ws.output_arg = "."


@case(r"^error: \.\./\.\./generated: is the current folder or holds it")
def output_holds_the_current_folder(ws: Workspace) -> None:
    shutil.rmtree(ws.cwd)
    ws.cwd = ws.output / "genesys_cloud_audit"
    ws.output_arg = "../../generated"


@case(r"^error: ~: --output starts with '~', which the shell did not expand")
def output_is_an_unexpanded_tilde(ws: Workspace) -> None:
    ws.output_arg = "~"


@case(r"^error: ~/generated: --output starts with '~'")
def output_under_an_unexpanded_tilde(ws: Workspace) -> None:
    ws.output_arg = "~/generated"


@case(r"^error: /: is the file-system root")
def output_is_the_root(ws: Workspace) -> None:
    ws.output_arg = "/"


@case(r"^error: README\.md: is a file, not a folder")
def output_is_a_file(ws: Workspace) -> None:
    (ws.cwd / "README.md").write_text("# keep me\n")
    ws.output_arg = "README.md"


@case(r"^error: <tmp>/out/fifo: is not a folder")
def output_is_a_fifo(ws: Workspace) -> None:
    os.mkfifo(ws.output.parent / "fifo")
    ws.output_arg = str(ws.output.parent / "fifo")


@case(r"^error: <tmp>/out/generated: is not empty and holds no PROVENANCE\.json")
def output_is_an_unrelated_folder(ws: Workspace) -> None:
    shutil.rmtree(ws.output)
    _checkout(ws.output)


@case(r"^error: <tmp>/out/generated/PROVENANCE\.json:\d+: not a provenance record this generator writes \(not JSON")
def provenance_is_not_json(ws: Workspace) -> None:
    record = ws.output / settings.PROVENANCE_FILE
    record.write_text(record.read_text()[:200])


@case(r"^error: <tmp>/out/generated/PROVENANCE\.json:1: not a provenance record .*byte 0 is not UTF-8")
def provenance_is_not_utf8(ws: Workspace) -> None:
    (ws.output / settings.PROVENANCE_FILE).write_bytes(b"\xff\xfe{}")


@case(r"PROVENANCE\.json:2: not a provenance record this generator writes \(\"generator\" is 'make'")
def provenance_from_another_tool(ws: Workspace) -> None:
    record = ws.output / settings.PROVENANCE_FILE
    data = json.loads(record.read_text())
    data["generator"] = "make"
    record.write_text(json.dumps(data, indent=2))


@case(r"PROVENANCE\.json:\d+: not a provenance record .*\"inputs\" is not a mapping of file names to sha256 digests")
def provenance_with_forged_digests(ws: Workspace) -> None:
    record = ws.output / settings.PROVENANCE_FILE
    data = json.loads(record.read_text())
    data["inputs"] = {"spec/audit-api.yaml": "not a digest"}
    record.write_text(json.dumps(data, indent=2))


@case(r"PROVENANCE\.json: not a provenance record .*it is a symbolic link")
def provenance_is_a_symlink(ws: Workspace) -> None:
    record = ws.output / settings.PROVENANCE_FILE
    record.unlink()
    record.symlink_to(settings.GENERATED_DIR / settings.PROVENANCE_FILE)


@case(r"PROVENANCE\.json: not a provenance record .*it is not a regular file")
def provenance_is_a_folder(ws: Workspace) -> None:
    record = ws.output / settings.PROVENANCE_FILE
    record.unlink()
    record.mkdir()


@case(r"^error: <tmp>/out/generated: holds \.git, notes\.txt and src, which generation does not write")
def forged_provenance_in_a_project(ws: Workspace) -> None:
    shutil.rmtree(ws.output)
    _checkout(ws.output)
    (ws.output / "pyproject.toml").write_text("[project]\nname = 'mine'\n")
    shutil.copyfile(settings.GENERATED_DIR / settings.PROVENANCE_FILE, ws.output / settings.PROVENANCE_FILE)


@case(r"^error: <tmp>/out/generated: holds notes\.txt, which generation does not write and its \.gitignore")
def previous_generation_with_a_foreign_file(ws: Workspace) -> None:
    (ws.output / "notes.txt").write_text("mine\n")


@case(r"^error: <tmp>/out/generated: holds \\udcff\.txt, which generation does not write")
def previous_generation_with_an_undecodable_file_name(ws: Workspace) -> None:
    (ws.output / os.fsdecode(b"\xff.txt")).write_text("mine\n")


@case(r"^error: <tmp>/out/generated: is a symbolic link; generate never follows one")
def output_is_a_symlink_to_a_generation(ws: Workspace) -> None:
    real = ws.root / "real-generated"
    ws.output.rename(real)
    ws.output.symlink_to(real, target_is_directory=True)
    ws.watched.append(real)


@case(r"^error: <tmp>/out/generated: is a symbolic link")
def output_is_a_dangling_symlink(ws: Workspace) -> None:
    shutil.rmtree(ws.output)
    ws.output.symlink_to(ws.root / "nowhere")


@case(r"^error: <tmp>/out/generated: holds outside, which generation does not write")
def previous_generation_links_outside(ws: Workspace) -> None:
    victim = ws.root / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("do not delete\n")
    (ws.output / "outside").symlink_to(victim, target_is_directory=True)
    ws.watched.append(victim)


@case(r"^error: <tmp>/out/missing/generated: the folder it would go in, <tmp>/out/missing, does not exist")
def output_parent_is_missing(ws: Workspace) -> None:
    ws.output_arg = str(ws.output.parent / "missing" / "generated")


@case(r"^error: <tmp>/out/two\\nlines/generated: the folder it would go in, <tmp>/out/two\\nlines, does not exist")
def output_path_with_a_newline_is_named_on_one_line(ws: Workspace) -> None:
    ws.output_arg = str(ws.output.parent / "two\nlines" / "generated")


@case(r"^error: README\.md/generated: the path it would go in, <tmp>/cwd/README\.md, is not a folder")
def output_parent_is_a_file(ws: Workspace) -> None:
    (ws.cwd / "README.md").write_text("# a file\n")
    ws.output_arg = "README.md/generated"


@case(r"^error: /proc/genesys-audit-generated: cannot create a temporary folder beside it in /proc")
def output_parent_is_not_writable(ws: Workspace) -> None:
    if not Path("/proc/self").is_dir():
        pytest.skip("needs Linux's /proc: a folder nobody, root included, can create files in")
    ws.output_arg = "/proc/genesys-audit-generated"


@case(r"^error: <tmp>/inputs/templates/out: lies inside the generator's input <tmp>/inputs/templates")
def output_inside_the_templates(ws: Workspace) -> None:
    ws.output_arg = str(ws.templates / "out")


@case(r"^error: <tmp>/inputs/runtime: is one of the generator's inputs")
def output_is_the_runtime(ws: Workspace) -> None:
    ws.watched.append(ws.own_runtime())
    ws.output_arg = str(ws.runtime)


@case(r"^error: <tmp>/inputs/audit-api\.yaml: is one of the generator's inputs")
def output_is_the_spec(ws: Workspace) -> None:
    ws.output_arg = str(ws.spec)


@case(r"^error: <tmp>/inputs: holds the generator's input <tmp>/inputs/")
def output_holds_the_inputs(ws: Workspace) -> None:
    ws.output_arg = str(ws.spec.parent)
    ws.watched.append(ws.spec.parent)


@case(r"^error: <repo>/generator/out: lies inside the generator's input <repo>/generator")
def output_inside_the_generator(ws: Workspace) -> None:
    ws.output_arg = str(settings.REPO_ROOT / "generator" / "out")


@case(r"^error: \.\./inputs/templates: is one of the generator's inputs")
def relative_output_names_an_input(ws: Workspace) -> None:
    ws.output_arg = "../inputs/templates"


# -- templates that render a broken or irreproducible client -------------------------------------

_BEFORE_MACROS = '{% from "operation_macros.py.jinja"'


def _inject_endpoint(ws: Workspace, text: str) -> None:
    """Adds `text` at the top level of every endpoint module."""
    ws.edit(ws.templates / "endpoint_module.py.jinja", _BEFORE_MACROS, text + "\n" + _BEFORE_MACROS)


_ENDPOINT = r"<tmp>/out/generated/genesys_cloud_audit/api/audit/\w+\.py:\d+: "
_FROM_ENDPOINT_TEMPLATE = r".*most likely from <tmp>/inputs/templates/endpoint_module\.py\.jinja"


@case(
    r"^error: <tmp>/out/generated/genesys_cloud_audit/client\.py:\d+: Undefined name `undefined_name` \(F821\): the code "
    r"would fail with NameError when this line runs.*most likely from <tmp>/inputs/templates/package/client\.py\.jinja"
)
def template_renders_a_name_error(ws: Workspace) -> None:
    ws.edit(ws.templates / "package" / "client.py.jinja", "__all__ = ", "undefined_name\n__all__ = ")


@case(_ENDPOINT + r"importing .* fails: ModuleNotFoundError: No module named 'not_installed_anywhere'")
def template_imports_a_missing_package(ws: Workspace) -> None:
    _inject_endpoint(ws, "import not_installed_anywhere\n\nnot_installed_anywhere.setup()")


@case(_ENDPOINT + r"not valid Python: .*\(ruff format cannot parse it\)" + _FROM_ENDPOINT_TEMPLATE)
def template_renders_a_syntax_error(ws: Workspace) -> None:
    _inject_endpoint(ws, "def broken(:")


@case(_ENDPOINT + r"not valid Python: invalid escape sequence" + _FROM_ENDPOINT_TEMPLATE)
def template_renders_an_invalid_escape(ws: Workspace) -> None:
    _inject_endpoint(ws, 'PATTERN = "\\d+"')


_AT_ENDPOINT_TEMPLATE = (
    r"^error: <tmp>/inputs/templates/endpoint_module\.py\.jinja:\d+: template output is not deterministic: "
)


@case(_AT_ENDPOINT_TEMPLATE + r"prints a Endpoint whose text holds a memory address")
def template_prints_an_object_in_a_comment(ws: Workspace) -> None:
    _inject_endpoint(ws, "# {{ endpoint }}")


@case(_AT_ENDPOINT_TEMPLATE + r"prints a string from the spec unfiltered")
def template_prints_an_object_as_code(ws: Workspace) -> None:
    _inject_endpoint(ws, "ENDPOINT = {{ endpoint.path }}")


@case(_ENDPOINT + r"differs between two builds \(hash seeds 0 and 1\)" + _FROM_ENDPOINT_TEMPLATE)
def template_iterates_a_set(ws: Workspace) -> None:
    ws.command = "check"  # generate leaves reproducibility to check, whose second build proves it
    names = '["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]'
    _inject_endpoint(ws, f"# {{{{ endpoint.relative_imports.union({names}) | join(', ') }}}}")


@case(r"\.py:\d+: importing .* fails: SystemExit: 3" + _FROM_ENDPOINT_TEMPLATE)
def template_exits_on_import(ws: Workspace) -> None:
    _inject_endpoint(ws, "raise SystemExit(3)")


@case(
    r"\.py: importing genesys_cloud_audit\.api\.audit\.\w+ ended the interpreter \(exit status 7\)"
    + _FROM_ENDPOINT_TEMPLATE
)
def template_kills_the_interpreter_on_import(ws: Workspace) -> None:
    _inject_endpoint(ws, "import os; os._exit(7)")


@case(
    r"^error: <tmp>/out/generated/pyproject\.toml:\d+: not valid TOML: .*most likely from <tmp>/inputs/templates/package/pyproject\.toml\.jinja"
)
def pyproject_template_renders_invalid_toml(ws: Workspace) -> None:
    path = ws.templates / "package" / "pyproject.toml.jinja"
    path.write_text(path.read_text() + '\nname = "dup" = broken\n')


@case(r"^error: <tmp>/out/generated/pyproject\.toml: has no \[project\] table with a name")
def pyproject_template_drops_the_project_name(ws: Workspace) -> None:
    path = ws.templates / "package" / "pyproject.toml.jinja"
    path.write_text(re.sub(r"(?m)^name = .*$", "", path.read_text(), count=1))


@case(
    r"<tmp>/out/generated/genesys_cloud_audit/workflows/_query_args\.py:\d+: Undefined name `broken_runtime` \(F821\).*"
    r"copied from <tmp>/inputs/runtime/audit/_query_args\.py"
)
def runtime_module_fails_on_import(ws: Workspace) -> None:
    runtime = ws.own_runtime()
    path = runtime / "audit" / "_query_args.py"
    path.write_text(path.read_text() + "\nbroken_runtime\n")


# -- spec mistakes that only show in the built client (the import check is the safety net) ------
# The place is the spec's line once a semantic check catches the mistake first, else the generated file's.

_SPEC_OR_CLIENT = r"^error: <tmp>/(inputs/audit-api\.yaml|out/generated/\S+\.py):\d+: "


@case(_SPEC_OR_CLIENT)
def verify_catches_an_operation_id_named_init(ws: Workspace) -> None:
    ws.edit(ws.spec, "operationId: getAuditsQueryServicemapping", "operationId: __init__")


@case(_SPEC_OR_CLIENT)
def verify_catches_an_operation_id_with_quotes(ws: Workspace) -> None:
    ws.edit(ws.spec, "operationId: getAuditsQueryServicemapping", 'operationId: "get\'Audits\\"Q"')


@case(_SPEC_OR_CLIENT)
def verify_catches_a_waiter_naming_no_operation(ws: Workspace) -> None:
    ws.edit(ws.spec, "statusOperation: getAuditsQueryTransactionId\n", "statusOperation: noSuchOperation\n")


# -- the spec: strict loading, references, operation names, schemas, vendor extensions ----------
# Each is caught before rendering and named by the spec's line (and JSON pointer where there is one).

_SPEC = r"^error: <tmp>/inputs/audit-api\.yaml:(?P<line>\d+): "


def _spec_line(ws: Workspace, needle: str, occurrence: int = 1) -> int:
    return [i + 1 for i, line in enumerate(ws.spec.read_text().splitlines()) if needle in line][occurrence - 1]


@case(_SPEC + r"duplicate key '/api/v2/audits/query/servicemapping' \(first at line \d+\)")
def spec_repeats_a_path(ws: Workspace) -> None:
    text = ws.spec.read_text()
    start = text.index("  /api/v2/audits/query/servicemapping:\n")
    end = text.index("  /api/v2/audits/query/{transactionId}:\n")
    ws.spec.write_text(text[:end] + text[start:end] + text[end:])


@case(_SPEC + r"duplicate key 'serviceName' \(first at line \d+\)")
def spec_repeats_a_property_with_another_type(ws: Workspace) -> None:
    ws.edit(
        ws.spec,
        "        serviceName:\n          type: string\n",
        "        serviceName:\n          type: string\n        serviceName:\n          type: integer\n",
    )


@case(_SPEC + r"not UTF-8: byte 0xff at offset \d+ cannot be decoded")
def spec_has_a_byte_that_is_not_utf8(ws: Workspace) -> None:
    ws.spec.write_bytes(ws.spec.read_bytes().replace(b"Audit trail queries.", b"Audit \xff queries.", 1))


@case(_SPEC + r"expands to more than 250000 values \(an alias bomb\?\)")
def spec_is_an_alias_bomb(ws: Workspace) -> None:
    bomb = "x-a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    bomb += "".join(f"x-a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9))
    ws.spec.write_text(ws.spec.read_text() + bomb)


@case(_SPEC + r"a recursive alias: the node contains itself")
def spec_has_a_recursive_alias(ws: Workspace) -> None:
    ws.spec.write_text(ws.spec.read_text() + "x-loop: &loop [1, *loop]\n")


@case(_SPEC + r"nested more than 64 levels deep")
def spec_nests_500_deep(ws: Workspace) -> None:
    ws.spec.write_text(ws.spec.read_text() + "x-deep: " + "[" * 500 + "]" * 500 + "\n")


@case(_SPEC + r"at /components/schemas/AuditExpandField/\$ref: circular \$ref chain")
def spec_has_a_self_referencing_schema(ws: Workspace) -> None:
    ws.edit(
        ws.spec,
        "    AuditExpandField:\n      type: string\n",
        "    AuditExpandField:\n      $ref: '#/components/schemas/AuditExpandField'\n",
    )


@case(
    _SPEC
    + r"at /components/schemas/Limit/\$ref: circular \$ref chain: #/components/schemas/Detail -> #/components/schemas/Limit -> #/components/schemas/Detail"
)
def spec_has_a_circular_ref_chain(ws: Workspace) -> None:
    ws.edit(
        ws.spec,
        "    Detail:\n      type: object\n",
        "    Detail:\n      $ref: '#/components/schemas/Limit'\n      type: object\n",
    )
    ws.edit(
        ws.spec,
        "    Limit:\n      type: object\n",
        "    Limit:\n      $ref: '#/components/schemas/Detail'\n      type: object\n",
    )


@case(_SPEC + r"at /paths/.*/operationId: operationId must be a string, not list")
def spec_gives_an_operation_id_as_a_list(ws: Workspace) -> None:
    ws.edit(ws.spec, "operationId: getAuditsQueryServicemapping", "operationId: [getAuditsQueryServicemapping]")


@case(_SPEC + r"at /paths/.*/responses/200: not valid OpenAPI 3\.1")
def spec_gives_a_response_as_a_string(ws: Workspace) -> None:
    ws.edit(
        ws.spec,
        "        '200':\n          description: The service mapping.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/AuditQueryServiceMapping'\n",
        "        '200': The service mapping.\n",
    )


@case(
    _SPEC
    + r"at /paths/.*/operationId: operationId 'get_audits_query_realtime_servicemapping' becomes module 'get_audits_query_realtime_servicemapping', as does 'getAuditsQueryRealtimeServicemapping' \(first at line \d+"
)
def spec_has_operation_ids_that_differ_only_in_form(ws: Workspace) -> None:
    ws.edit(
        ws.spec, "operationId: getAuditsQueryServicemapping", "operationId: get_audits_query_realtime_servicemapping"
    )


@case(
    _SPEC
    + r"at /components/schemas/AuditQueryRequest/required/1: required property 'intervl' is not defined in properties"
)
def spec_requires_a_property_it_does_not_define(ws: Workspace) -> None:
    ws.edit(ws.spec, "      required: [interval]\n", "      required: [interval, intervl]\n")


@case(
    _SPEC + r"at /paths/.*/x-pagination/style: x-pagination\.style must be one of 'cursor', 'page-number', not 'cursr'"
)
def spec_misspells_the_pagination_style(ws: Workspace) -> None:
    ws.edit(ws.spec, "        style: cursor\n", "        style: cursr\n")


@case(
    _SPEC
    + r"at /paths/.*/x-pagination/itemsField: x-pagination\.itemsField names 'entitiez', which is not a property of AuditQueryExecutionResultsResponse"
)
def spec_misspells_the_items_field(ws: Workspace) -> None:
    ws.edit(
        ws.spec,
        "        cursorField: cursor\n        itemsField: entities\n",
        "        cursorField: cursor\n        itemsField: entitiez\n",
    )


@case(_SPEC + r"at /paths/.*/x-pagination/pageSizeField: x-pagination has no key 'pageSizeField'")
def spec_declares_a_pagination_key_nothing_reads(ws: Workspace) -> None:
    ws.edit(
        ws.spec,
        "        pageNumberField: pageNumber\n",
        "        pageNumberField: pageNumber\n        pageSizeField: pageSize\n",
    )


@case(
    _SPEC
    + r"at /paths/.*/x-waiter/statusOperation: x-waiter\.statusOperation names 'noSuchOperation', which is no operationId"
)
def spec_waiter_names_no_operation(ws: Workspace) -> None:
    ws.edit(ws.spec, "statusOperation: getAuditsQueryTransactionId\n", "statusOperation: noSuchOperation\n")


@case(_SPEC + r"at /paths/.*/x-waiter: x-waiter state 'Succeded' is not a value of state")
def spec_waiter_misspells_a_state(ws: Workspace) -> None:
    ws.edit(ws.spec, "        success: [Succeeded]\n", "        success: [Succeded]\n")


@case(_SPEC + r"at /paths/.*/x-paginaton: unknown extension 'x-paginaton'")
def spec_misspells_an_extension(ws: Workspace) -> None:
    ws.edit(ws.spec, "      x-pagination:\n        style: cursor\n", "      x-paginaton:\n        style: cursor\n")


@case(
    _SPEC + r"at /paths/.*/security: GET \S+ is left out: every security requirement needs 'tls' \(mutualTLS "
    r"authentication\), which the runtime core cannot send .*\(--strict refuses it\)$"
)
def spec_needs_security_the_runtime_cannot_send(ws: Workspace) -> None:
    ws.options.append("--strict")
    ws.edit(
        ws.spec,
        "      operationId: getAuditsQueryServicemapping\n",
        "      operationId: getAuditsQueryServicemapping\n      security: [{tls: []}]\n",
    )
    ws.edit(ws.spec, "  securitySchemes:\n", "  securitySchemes:\n    tls: {type: mutualTLS}\n")


@case(
    _SPEC
    + r"at /paths/.*/requestBody/content: POST \S+ is left out: a request body of type application/\\x1b\[2Jxml whose"
)
def spec_value_with_a_terminal_escape_is_shown_escaped(ws: Workspace) -> None:
    ws.options.append("--strict")
    ws.edit(ws.spec, "          application/json:\n", '          "application/\\e[2Jxml":\n')


# -- the API config beside the spec and the runtime layers it names ------------------------------

_CONFIG = r"^error: <tmp>/inputs/audit-api\.toml:"


@case(_CONFIG + r"\d+: unknown key 'layer' \(known: ")
def api_config_has_an_unknown_key(ws: Workspace) -> None:
    ws.edit(ws.spec.with_suffix(".toml"), "layers = ", "layer = ")


@case(_CONFIG + r"\d+: package name 'Genesys-Audit' is not a lower-case ASCII Python identifier")
def api_config_names_an_impossible_package(ws: Workspace) -> None:
    ws.edit(ws.spec.with_suffix(".toml"), 'package = "genesys_cloud_audit"', 'package = "Genesys-Audit"')


@case(_CONFIG + r"\d+: package name 'json' would hide the standard library's json module")
def api_config_names_a_standard_library_module(ws: Workspace) -> None:
    ws.edit(ws.spec.with_suffix(".toml"), 'package = "genesys_cloud_audit"', 'package = "json"')


@case(_CONFIG + r"\d+: version '2026-11-01' is not a PEP 440 version \(such as 1\.2\.0\), which pip needs")
def api_config_gives_a_version_pip_refuses(ws: Workspace) -> None:
    config = ws.spec.with_suffix(".toml")
    found = re.search(r'^version = "[^"]*"', config.read_text(encoding="utf-8"), re.M)
    assert found, config  # whatever the last release made it
    ws.edit(config, found.group(0), 'version = "2026-11-01"')


@case(
    _SPEC
    + r"at /info/title: package name 'httpx' would hide httpx, which the generated package needs; set package in audit-api\.toml"
)
def spec_title_names_the_package_after_a_dependency(ws: Workspace) -> None:
    ws.spec.with_suffix(".toml").unlink()
    ws.edit(ws.spec, "  title: Genesys Cloud Audit API", "  title: HTTPX")


@case(r"^error: <tmp>/inputs/runtime: no runtime layer 'audits' \(known: audit, core, genesys\)")
def api_config_names_an_unknown_layer(ws: Workspace) -> None:
    ws.own_runtime()
    ws.edit(ws.spec.with_suffix(".toml"), '"audit"]', '"audits"]')


@case(
    r"^error: <tmp>/inputs/runtime/audit/layer\.toml: layer 'audit' requires layer 'genesys'; add it to the spec's layers"
)
def api_config_leaves_out_a_required_layer(ws: Workspace) -> None:
    ws.own_runtime()
    ws.edit(ws.spec.with_suffix(".toml"), 'layers = ["genesys", "audit"]', 'layers = ["audit"]')


@case(r"^error: <tmp>/inputs/runtime/genesys/layer\.toml:\d+: unknown key 'export' \(known: ")
def layer_manifest_has_an_unknown_key(ws: Workspace) -> None:
    runtime = ws.own_runtime()
    ws.edit(runtime / "genesys" / "layer.toml", "exports = ", "export = ")


@case(r"^error: <tmp>/inputs/runtime/genesys/_regions\.py:\d+: __all__ lists 'Ghost', which the module does not define")
def layer_exports_a_name_its_module_does_not_define(ws: Workspace) -> None:
    runtime = ws.own_runtime()
    ws.edit(runtime / "genesys" / "_regions.py", "__all__ = [", '__all__ = ["Ghost", ')


@case(r"^error: <tmp>/inputs/runtime/core/hostname: is a symbolic link; a layer is copied verbatim")
def layer_holds_a_link_out_of_the_runtime(ws: Workspace) -> None:
    runtime = ws.own_runtime()
    (runtime / "core" / "hostname").symlink_to("/etc/hostname")


@case(
    r"^error: <tmp>/inputs/runtime/genesys/layer\.toml: layer 'genesys' would land on the generated genesys_cloud_audit/client\.py"
)
def layer_package_lands_on_a_generated_module(ws: Workspace) -> None:
    runtime = ws.own_runtime()
    ws.edit(runtime / "genesys" / "layer.toml", 'package = "_genesys"', 'package = "client"')


@case(r"^error: <tmp>/inputs/runtime/genesys/_regions\.py: the module has no __all__")
def layer_exports_a_module_without_all(ws: Workspace) -> None:
    runtime = ws.own_runtime()
    path = runtime / "genesys" / "_regions.py"
    path.write_text(re.sub(r"(?m)^__all__ = .*$", "", path.read_text(), count=1))


# -- templates/OVERRIDES.toml --------------------------------------------------------------------

_OVERRIDES = r"^error: <tmp>/inputs/templates/OVERRIDES\.toml:"


def _overrides(ws: Workspace) -> Path:
    return ws.templates / "OVERRIDES.toml"


@case(_OVERRIDES + r"\d+: \[\[override\]\] #1 \('endpoint_module\.py\.jinja'\): unknown key 'reasn'")
def overrides_entry_with_an_unknown_key(ws: Workspace) -> None:
    ws.edit(_overrides(ws), "\nreason =", "\nreasn = 'typo'\nreason =")


@case(_OVERRIDES + r"\d+: \[\[override\]\] #2 \('model\.py\.jinja'\): missing key 'upstream_sha256'")
def overrides_entry_without_a_digest(ws: Workspace) -> None:
    text = _overrides(ws).read_text()
    second = text.index("upstream_sha256", text.index('template = "model.py.jinja"'))
    end = text.index("\n", second)
    _overrides(ws).write_text(text[:second] + text[end + 1 :])


@case(
    _OVERRIDES
    + r"\d+: \[\[override\]\] #1 \('endpoint_module\.py\.jinja'\): upstream_version must be a string, not float"
)
def overrides_entry_with_a_number(ws: Workspace) -> None:
    ws.edit(_overrides(ws), 'upstream_version = "0.29.1"', "upstream_version = 0.29")


@case(_OVERRIDES + r"\d+: \[\[override\]\] #1 .*upstream_sha256 must be 64 lowercase hex digits")
def overrides_entry_with_a_bad_digest(ws: Workspace) -> None:
    text = _overrides(ws).read_text()
    digest = re.search(r'upstream_sha256 = "([0-9a-f]{64})"', text)
    assert digest is not None
    ws.edit(_overrides(ws), digest.group(1), digest.group(1).upper())


@case(_OVERRIDES + r"\d+: not valid TOML")
def overrides_file_is_not_toml(ws: Workspace) -> None:
    ws.edit(_overrides(ws), "[[override]]", "[[override]\n")


@case(_OVERRIDES + r"\d+: not UTF-8 \(byte \d+\)")
def overrides_file_is_not_utf8(ws: Workspace) -> None:
    _overrides(ws).write_bytes(_overrides(ws).read_bytes() + b"\n# caf\xe9\n")


@case(_OVERRIDES + r" cannot read the override record: No such file or directory")
def overrides_file_is_missing(ws: Workspace) -> None:
    _overrides(ws).unlink()


@case(_OVERRIDES + r"\d+: unknown top-level key 'overide'")
def overrides_file_with_a_misspelt_table(ws: Workspace) -> None:
    _overrides(ws).write_text(_overrides(ws).read_text() + '\n[[overide]]\ntemplate = "x"\n')


@case(_OVERRIDES + r"\d+: \[\[override\]\] #\d+ records 'model\.py\.jinja' again \(already #2\)")
def overrides_file_records_a_template_twice(ws: Workspace) -> None:
    text = _overrides(ws).read_text()
    start = text.index("[[override]]", text.index('template = "endpoint_module.py.jinja"'))
    entry = text[start : text.index("[[override]]", start + 1)]
    _overrides(ws).write_text(text + "\n" + entry)


@case(_OVERRIDES + r"\d+: records an override of str_enum\.py\.jinja, but templates/ has no such template")
def overrides_file_records_a_deleted_template(ws: Workspace) -> None:
    (ws.templates / "str_enum.py.jinja").unlink()


# -- the other inputs -----------------------------------------------------------------------------


@case(r"^error: <tmp>/inputs/nowhere: is not a folder; --templates names one")
def templates_folder_is_missing(ws: Workspace) -> None:
    ws.templates = ws.root / "inputs" / "nowhere"


@case(r"^error: <tmp>/inputs/runtime\.txt: is not a folder; --runtime names one")
def runtime_is_a_file(ws: Workspace) -> None:
    ws.runtime = ws.root / "inputs" / "runtime.txt"
    ws.runtime.write_text("not a folder\n")


@case(r"^error: <tmp>/inputs: is a folder; --spec names the OpenAPI document")
def spec_is_a_folder(ws: Workspace) -> None:
    ws.spec = ws.spec.parent


# -- check: every difference, and advice that fixes it --------------------------------------------

_CLIENT = "genesys_cloud_audit/client.py"


def _checking(ws: Workspace) -> Path:
    """Switches to `check` with the repository's own inputs (it writes nothing), so only the case's edit differs."""
    ws.command = "check"
    ws.spec, ws.templates, ws.runtime = settings.SPEC_FILE, settings.TEMPLATES_DIR, settings.RUNTIME_DIR
    return ws.output / PACKAGE


@case(
    r"diff --git a/generated/genesys_cloud_audit/client\.py b/\S+\nold mode 100755\nnew mode 100644(?s:.*)1 mode changed",
    1,
)
def check_sees_an_executable_bit(ws: Workspace) -> None:
    (_checking(ws) / "client.py").chmod(0o755)


@case(
    r"deleted file mode \d+\n--- a/generated/genesys_cloud_audit/client\.pyc(?s:.*)1 extra. To fix: run `python -m generator generate`",
    1,
)
def check_sees_a_stray_pyc_beside_the_sources(ws: Workspace) -> None:
    package = _checking(ws)
    shutil.copyfile(package / "client.py", package / "client.pyc")


@case(r"--- a/generated/genesys_cloud_audit/models/stray\.py\n\+\+\+ /dev/null", 1)
def check_sees_an_extra_module(ws: Workspace) -> None:
    (_checking(ws) / "models" / "stray.py").write_text("x = 1\n")


@case(r"-<symbolic link to '/etc/hostname'>(?s:.*)1 changed", 1)
def check_sees_a_symlink_instead_of_a_file(ws: Workspace) -> None:
    path = _checking(ws) / "types.py"
    path.unlink()
    path.symlink_to("/etc/hostname")


@case(r"Binary files a/generated/genesys_cloud_audit/py\.typed and b/generated/genesys_cloud_audit/py\.typed differ", 1)
def check_sees_a_binary_change(ws: Workspace) -> None:
    (_checking(ws) / "py.typed").write_bytes(b"\x00\xff binary")


@case(r"--- a/generated/genesys_cloud_audit/\ufffd\.py\n\+\+\+ /dev/null(?s:.*)1 extra", 1)
def check_sees_a_file_with_an_undecodable_name(ws: Workspace) -> None:
    (_checking(ws) / os.fsdecode(b"\xff.py")).write_text("x = 1\n")


@case(r"\+\+\+ b/generated/genesys_cloud_audit/models/detail\.py(?s:.*)1 missing", 1)
def check_sees_a_missing_file(ws: Workspace) -> None:
    (_checking(ws) / "models" / "detail.py").unlink()


@case(r"1 extra\. To fix: generate would refuse it: <tmp>/out/generated: holds notes\.txt", 1)
def check_advice_for_a_foreign_top_level_file(ws: Workspace) -> None:
    _checking(ws)
    (ws.output / "notes.txt").write_text("mine\n")


@case(r"To fix: generate would refuse it: <tmp>/out/generated/PROVENANCE\.json: not a provenance record", 1)
def check_advice_for_a_broken_provenance(ws: Workspace) -> None:
    _checking(ws)
    record = ws.output / settings.PROVENANCE_FILE
    record.write_text(record.read_text().replace('"inputs"', '"outputs"'))


@case(r"^error: README\.md: is a file, not a folder")
def check_against_a_file(ws: Workspace) -> None:
    _checking(ws)
    (ws.cwd / "README.md").write_text("# keep me\n")
    ws.output_arg = "README.md"


@case(r"^error: \.: is not empty and holds no PROVENANCE\.json")
def check_against_the_current_checkout(ws: Workspace) -> None:
    _checking(ws)
    _checkout(ws.cwd)
    ws.output_arg = "."


def test_the_corpus_covers_every_kind_of_input() -> None:
    names = {c.name for c in CASES}
    assert len(CASES) >= 40, len(CASES)
    assert len(names) == len(CASES)
    for prefix in ("output_", "provenance_", "template_", "pyproject_", "overrides_", "check_"):
        assert any(name.startswith(prefix) for name in names), prefix
