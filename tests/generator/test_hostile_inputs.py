"""Hostile and malformed inputs: each ends in one line naming the place, and changes nothing.

Every case prepares copies of the inputs (spec, templates, runtime, overrides file) and an output
target in a Workspace, then runs `python -m generator` as a user would. The harness asserts the
exit code (2 for an error; check's 1 for a difference), a single line on stderr without a
traceback that matches the case's `place` (file:line, JSON pointer or path; <tmp> stands for the
workspace, <repo> for this repository), and that the committed generated/, the output target
and every watched path are unchanged, modes and links included.

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
    lines = [line for line in result.stderr.splitlines() if line.strip()]
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
    r"^error: <tmp>/out/generated/genesys_cloud_audit/client\.py:\d+: importing genesys_cloud_audit fails: "
    r"NameError: name 'undefined_name' is not defined.*most likely from <tmp>/inputs/templates/client\.py\.jinja"
)
def template_renders_a_name_error(ws: Workspace) -> None:
    ws.edit(ws.templates / "client.py.jinja", "from ._runtime", "undefined_name\nfrom ._runtime")


@case(_ENDPOINT + r"importing .* fails: ModuleNotFoundError: No module named 'not_installed_anywhere'")
def template_imports_a_missing_package(ws: Workspace) -> None:
    _inject_endpoint(ws, "import not_installed_anywhere\n\nnot_installed_anywhere.setup()")


@case(_ENDPOINT + r"not valid Python: .*\(ruff format cannot parse it\)" + _FROM_ENDPOINT_TEMPLATE)
def template_renders_a_syntax_error(ws: Workspace) -> None:
    _inject_endpoint(ws, "def broken(:")


@case(_ENDPOINT + r"not valid Python: invalid escape sequence" + _FROM_ENDPOINT_TEMPLATE)
def template_renders_an_invalid_escape(ws: Workspace) -> None:
    _inject_endpoint(ws, 'PATTERN = "\\d+"')


@case(
    _ENDPOINT
    + r"holds an object's repr, '<openapi_python_client\.\S+ object at 0x[0-9a-f]+>'"
    + _FROM_ENDPOINT_TEMPLATE
)
def template_prints_an_object_in_a_comment(ws: Workspace) -> None:
    _inject_endpoint(ws, "# {{ endpoint }}")


@case(_ENDPOINT + r"holds an object's repr, '<.* object at 0x[0-9a-f]+>'")
def template_prints_an_object_as_code(ws: Workspace) -> None:
    _inject_endpoint(ws, "ENDPOINT = {{ endpoint.path }}")


@case(_ENDPOINT + r"differs between two builds \(hash seeds 0 and 1\)" + _FROM_ENDPOINT_TEMPLATE)
def template_iterates_a_set(ws: Workspace) -> None:
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
    r"^error: <tmp>/out/generated/pyproject\.toml:\d+: not valid TOML: .*most likely from <tmp>/inputs/templates/pyproject\.toml\.jinja"
)
def pyproject_template_renders_invalid_toml(ws: Workspace) -> None:
    (ws.templates / "pyproject.toml.jinja").write_text(
        (ws.templates / "pyproject.toml.jinja").read_text() + '\nname = "dup" = broken\n'
    )


@case(r"^error: <tmp>/out/generated/pyproject\.toml: has no \[project\] table with a name")
def pyproject_template_drops_the_project_name(ws: Workspace) -> None:
    path = ws.templates / "pyproject.toml.jinja"
    path.write_text(re.sub(r"(?m)^name = .*$", "", path.read_text(), count=1))


@case(
    r"<tmp>/out/generated/genesys_cloud_audit/_query_args\.py:\d+: importing .* NameError: name 'broken_runtime'.*copied from <tmp>/inputs/runtime/genesys_cloud_audit/_query_args\.py"
)
def runtime_module_fails_on_import(ws: Workspace) -> None:
    runtime = ws.own_runtime()
    path = runtime / settings.PACKAGE_NAME / "_query_args.py"
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


@case(_OVERRIDES + r" not UTF-8 \(byte \d+\)")
def overrides_file_is_not_utf8(ws: Workspace) -> None:
    _overrides(ws).write_bytes(_overrides(ws).read_bytes() + b"\n# caf\xe9\n")


@case(_OVERRIDES + r" cannot read the override record: No such file or directory")
def overrides_file_is_missing(ws: Workspace) -> None:
    _overrides(ws).unlink()


@case(_OVERRIDES + r"\d+: unknown top-level key 'overide'")
def overrides_file_with_a_misspelt_table(ws: Workspace) -> None:
    _overrides(ws).write_text(_overrides(ws).read_text() + '\n[[overide]]\ntemplate = "x"\n')


@case(_OVERRIDES + r"\d+: \[\[override\]\] #11 records 'model\.py\.jinja' again \(already #2\)")
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
