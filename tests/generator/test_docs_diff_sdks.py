"""Every SDK's rendering of a reference page reads into one model; artefacts are never drift.

The pages under tests/fixtures/docs/sdks/ are written in the styles of the .NET, Java, Python,
JavaScript, Swift (iOS), Go and Ruby SDKs' pages, with their quirks (Swift's type names, enum
notation and missing defaults; JavaScript's extra header parameter and Object bodies; Ruby's
delimiter row one cell too wide and signatures without parentheses; Java's rows without their
empty Notes cell; Go's pointers and lower-cased model names), and say what fixture-spec.yaml says.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from generator.docs_diff import (
    Category,
    FindingKind,
    PageError,
    SourceError,
    compare,
    default_sources,
    load_source,
    main,
    parse_page_text,
    read_spec,
)
from generator.docs_diff.compare import Finding

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "docs"
SPEC = FIXTURES / "fixture-spec.yaml"
SDK_PAGES = FIXTURES / "sdks"
GENESYS = REPO / "docs_sources" / "genesys"
RESULTS = "getAuditsQueryTransactionIdResults"

# fixture page -> (the rendering it is read as, the silences it has against the fixture spec)
PAGES = {
    "swift.md": ("Swift (iOS)", {(RESULTS, "pageSize", "default")}),
    "javascript.md": ("JavaScript", set()),
    "ruby.md": ("Ruby", set()),
    "java.md": ("Java", set()),
    "go.md": ("Go", set()),
}


def text_of(name: str) -> str:
    return (SDK_PAGES / name).read_text()


def read(text: str, name: str = "page.md") -> list[Finding]:
    return compare(read_spec(SPEC), parse_page_text(text, name))


def of(findings: list[Finding], category: Category) -> list[Finding]:
    return [f for f in findings if f.category is category]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_each_sdk_page_agrees_with_the_spec(page: str) -> None:
    rendering, silences = PAGES[page]
    docs = parse_page_text(text_of(page), page)
    assert docs.rendering == f"{rendering} rendering, from its {_language(page)} examples"
    assert len(docs.operations) == 5
    findings = compare(read_spec(SPEC), docs)
    assert of(findings, Category.DRIFT) == []
    assert of(findings, Category.UNREADABLE) == []
    assert {(f.operation, f.parameter, f.facet) for f in of(findings, Category.SILENCE)} == silences


def _language(page: str) -> str:
    return {"swift.md": "swift", "javascript.md": "javascript", "ruby.md": "ruby", "java.md": "java", "go.md": "go"}[
        page
    ]


def _without_examples(text: str) -> str:
    return re.sub(r"```[^\n]*\n.*?```\n", "", text, flags=re.S)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_each_sdk_is_told_from_its_types_and_names_without_examples(page: str) -> None:
    rendering, _ = PAGES[page]
    bare = parse_page_text(_without_examples(text_of(page)), page)
    assert bare.rendering == f"{rendering} rendering, from its types and names"
    assert compare(parse_page_text(text_of(page), page), bare) == []


def test_the_swift_artefacts_are_not_drift() -> None:
    """Bool/Int, 'user ("user")' and no shown default: what a Swift page says, read as the spec says it."""
    results = parse_page_text(text_of("swift.md"), "swift.md").by_id()[RESULTS]
    page_size, expand = results.parameter("pageSize"), results.parameter("expand")
    assert page_size is not None and expand is not None
    assert str(page_size.type) == "integer"  # Swift's Int does not say its width
    assert page_size.default is None
    assert page_size.silent_on("default") == "the Swift (iOS) rendering shows no defaults"
    assert expand.allowed_values == ("user",)
    (silence,) = of(read(text_of("swift.md")), Category.SILENCE)
    assert (silence.kind, silence.spec, silence.docs_line) == (FindingKind.NOT_STATED, "25", 112)


# (page, the text to change, its replacement, the one drift it makes)
CHANGES = [
    ("javascript.md", "| [optional] [default to 25] |", "| [optional] [default to 50] |", "default"),
    ("ruby.md", "| [optional] [default to 25] |", "| [optional] [default to 50] |", "default"),
    ("java.md", "| [optional] [default to 25] ", "| [optional] [default to 50] ", "default"),
    ("go.md", "| [optional] [default to 25] |", "| [optional] [default to 50] |", "default"),
    ("swift.md", "| **pageSize** | **Int**|", "| **pageSize** | **Int64**|", "type"),
    ("java.md", "| **pageSize** | **Integer**|", "| **pageSize** | **Long**|", "type"),
    ("go.md", "| **pageSize** | **int**|", "| **pageSize** | **int64**|", "type"),
]
KINDS = {"default": FindingKind.PARAMETER_DEFAULT_CHANGED, "type": FindingKind.PARAMETER_TYPE_CHANGED}


@pytest.mark.parametrize(("page", "old", "new", "what"), CHANGES)
def test_a_change_in_each_sdk_page_is_found_once(page: str, old: str, new: str, what: str) -> None:
    text = text_of(page)
    assert text.count(old) == 1
    drift = of(read(text.replace(old, new)), Category.DRIFT)
    assert [(f.kind, f.operation, f.parameter) for f in drift] == [(KINDS[what], RESULTS, "pageSize")]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_new_allowed_value_in_each_notation_is_found(page: str) -> None:
    text = text_of(page)
    swift = page == "swift.md"
    old = 'Values**: user ("user")' if swift else "Values**: user"
    new = old + (', division ("division")' if swift else ", division")
    changed = text.replace(old, new)
    assert changed != text
    drift = of(read(changed), Category.DRIFT)
    assert {(f.kind, f.operation, f.docs) for f in drift} == {
        (FindingKind.PARAMETER_ALLOWED_VALUES_CHANGED, op, ("user", "division"))
        for op in (RESULTS, "postAuditsQueryRealtime")
    }


def test_the_javascript_header_parameter_is_the_sdks_but_a_real_one_is_not() -> None:
    text = text_of("javascript.md")
    docs = parse_page_text(text, "javascript.md")
    assert all(p.name != "customHeaders" for op in docs.operations for p in op.parameters)
    # A customHeaders of another type is not the SDK's own: the API gained a parameter.
    changed = text.replace(
        " **cursor** | **String** |",
        " **customHeaders** | **String** | Headers to echo |  |\n **cursor** | **String** |",
    )
    drift = of(read(changed), Category.DRIFT)
    assert [(f.kind, f.operation, f.parameter) for f in drift] == [
        (FindingKind.PARAMETER_ADDED, RESULTS, "customHeaders")
    ]


def test_the_javascript_object_body_says_less_than_the_model() -> None:
    body = parse_page_text(text_of("javascript.md"), "javascript.md").by_id()["postAuditsQuery"].body
    assert body is not None
    assert str(body.type) == "object"


def test_the_ruby_table_and_signatures() -> None:
    docs = parse_page_text(text_of("ruby.md"), "ruby.md")
    assert [op.operation_id for op in docs.operations] == [
        "getAuditsQueryServicemapping",
        "getAuditsQueryTransactionId",
        RESULTS,
        "postAuditsQuery",
        "postAuditsQueryRealtime",
    ]
    mapping = docs.by_id()["getAuditsQueryServicemapping"]
    assert str(mapping.return_type) == "AuditQueryServiceMapping"  # from the heading without parentheses
    assert [p.name for p in docs.by_id()[RESULTS].parameters] == ["transactionId", "cursor", "pageSize", "expand"]


def test_java_rows_without_their_empty_notes_cell_are_required() -> None:
    results = parse_page_text(text_of("java.md"), "java.md").by_id()[RESULTS]
    assert [(p.name, p.required) for p in results.parameters] == [
        ("transactionId", True),
        ("cursor", False),
        ("pageSize", False),
        ("expand", False),
    ]


# --- unreadable places: named at their line, the rest compared -------------------------------------


def test_a_type_no_sdk_writes_is_named_and_the_rest_compared() -> None:
    text = text_of("javascript.md").replace(" **cursor** | **String** |", " **cursor** | **Promise.<String>** |")
    text = text.replace("| [optional] [default to 25] |", "| [optional] [default to 50] |")
    findings = read(text)
    (unread,) = of(findings, Category.UNREADABLE)
    assert (unread.operation, unread.parameter, unread.docs_line) == (RESULTS, "cursor", 104)
    assert unread.docs == "type 'Promise.<String>' is not a JavaScript type"
    assert [(f.kind, f.parameter) for f in of(findings, Category.DRIFT)] == [
        (FindingKind.PARAMETER_DEFAULT_CHANGED, "pageSize")
    ]


def test_a_row_with_cells_to_spare_is_named() -> None:
    text = text_of("ruby.md").replace(
        " **cursor** | **String**| Where to resume reading (leave out for the first page) | [optional]  |",
        " **cursor** | **String**| Where to resume | reading | [optional] |",
    )
    (unread,) = of(read(text), Category.UNREADABLE)
    assert (unread.parameter, unread.docs_line) == ("cursor", 130)
    assert unread.docs == "5 cells for 4 columns ('[optional]' to spare): only its name and type are read"


def test_cli_exit_status_and_output_by_category(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.md"
    page.write_text(text_of("swift.md"))
    assert main([str(page), "--spec", str(SPEC)]) == 0  # a silence alone is no difference
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"{RESULTS}: parameter pageSize: default not stated: spec 25 (the Swift (iOS) rendering shows no defaults)"
    )
    assert out[-1] == "the page was read as the Swift (iOS) rendering, from its swift examples"
    page.write_text(text_of("swift.md").replace("| **cursor** | **String**|", "| **cursor** | **String<**|"))
    assert main([str(page), "--spec", str(SPEC), "--format", "json"]) == 1  # something could not be read
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["drift"] is False
    assert report["summary"]["by_category"] == {"drift": 0, "silence": 1, "unreadable": 1}
    assert [(f["category"], f["kind"], f["docs_line"]) for f in report["findings"]] == [
        ("silence", "not_stated", 112),
        ("unreadable", "not_read", 111),
    ]


# --- --fix writes drift only ------------------------------------------------------------------------


def test_fix_writes_drift_and_leaves_silence_and_unreadable_places(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "spec.yaml"
    shutil.copyfile(SPEC, spec)
    page = tmp_path / "page.md"
    text = text_of("swift.md").replace('user ("user") |', 'user ("user"), division ("division") |')
    text = text.replace("| **cursor** | **String**|", "| **cursor** | **String<**|")
    text = text.replace("Run a realtime audit query over recent days.", "Run a realtime query.")
    page.write_text(text)
    assert main([str(page), "--spec", str(spec), "--fix", "--write"]) == 1  # a place was not read
    err = capsys.readouterr().err
    assert "wrote " + str(spec) + ": 3 of 3 finding(s) fixed, 0 left" in err
    assert f"left alone (unreadable): {page}:111: {RESULTS}: parameter cursor: not read:" in err
    assert f"left alone (silence): {RESULTS}: parameter pageSize: default not stated: spec 25" in err
    edited = spec.read_text()
    assert "default: 25" in edited  # the default the page does not show stays
    assert "enum: [user, division]" in edited
    assert "summary: Run a realtime query." in edited
    after = compare(read_spec(spec), parse_page_text(text, "page.md"))
    assert of(after, Category.DRIFT) == []
    assert len(of(after, Category.SILENCE)) == len(of(after, Category.UNREADABLE)) == 1


def test_fix_does_not_add_what_the_page_does_not_fully_state(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    shutil.copyfile(SPEC, spec)
    page = tmp_path / "page.md"
    page.write_text(
        text_of("javascript.md").replace(
            " **cursor** | **String** |",
            " **since** | **Promise.<Date>** | Since when |  |\n **cursor** | **String** |",
        )
    )
    before = spec.read_text()
    assert main([str(page), "--spec", str(spec), "--fix", "--write"]) == 1
    assert spec.read_text() == before


# --- the source data ----------------------------------------------------------------------------------


def test_the_generic_machinery_names_no_vendor() -> None:
    """Everything about one vendor's pages is data under docs_sources/; generator/docs_diff names none."""
    words = re.compile(r"genesys|purecloud|mypurecloud|x-inin|audit", re.IGNORECASE)
    for module in sorted((REPO / "generator" / "docs_diff").glob("*.py")):
        assert not words.search(module.read_text()), module


def test_every_sdk_of_the_issue_has_a_rendering() -> None:
    (source,) = default_sources()
    assert {r.key for r in source.renderings} == {"dotnet", "java", "python", "javascript", "ios", "go", "ruby"}
    assert source.permissions_key == "x-inin-requires-permissions"


KOTLIN = """\
# Kotlin: a rendering no code knows; its data file is all it takes.
name = "Kotlin"
example_languages = ["kotlin"]
name_case = "camel"
shows = ["optional", "default", "values"]
model_name = '[A-Z][A-Za-z0-9_]*'

[types]
String = "string"
Int = "integer/int32"
Long = "integer/int64"
Boolean = "boolean"

[forms]
array = ["List<$T>"]
wrapper = ["$T?"]
void = ["Unit"]
"""


def test_adding_a_language_is_adding_a_data_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "vendor"
    shutil.copytree(GENESYS, source)
    (source / "sdks" / "kotlin.toml").write_text(KOTLIN)
    text = text_of("java.md").replace('{"language":"java"}', "kotlin")
    for java, kotlin in (
        ("**String**", "**String?**"),
        ("**Integer**", "**Int?**"),
        ("List&lt;String&gt;", "List<String>"),
    ):
        text = text.replace(java, kotlin)
    page = tmp_path / "page.md"
    page.write_text(text)
    assert main([str(page), "--spec", str(SPEC), "--source", str(source)]) == 0
    assert (
        capsys.readouterr().out.splitlines()[-1]
        == "the page was read as the Kotlin rendering, from its kotlin examples"
    )
    # Without its data file, the default source reads the page as the SDK whose types fit it best, and says so.
    assert parse_page_text(text, "page.md").rendering != "Kotlin rendering, from its kotlin examples"


def test_sdk_given_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    page = str(SDK_PAGES / "swift.md")
    assert main([page, "--spec", str(SPEC), "--sdk", "ios"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "the page was read as the Swift (iOS) rendering, as asked"
    # --sdk is obeyed: read as Java, the Swift page's artefacts come back (which is why the SDK is told from the page).
    assert main([page, "--spec", str(SPEC), "--sdk", "java", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["rendering"] == "Java rendering, as asked"
    assert report["summary"]["by_kind"]["parameter_type_changed"] == 1  # Swift's Int is a model name to Java
    assert {f["docs"] for f in report["findings"] if f["category"] == "unreadable"} == {
        "type '[String]' is not a Java type"
    }
    assert main([page, "--spec", str(SPEC), "--sdk", "cobol"]) == 2
    assert "no SDK rendering 'cobol' (known: dotnet, go, ios, java, javascript, python, ruby)" in (
        capsys.readouterr().err
    )


def _broken(tmp_path: Path, file: str, old: str, new: str) -> Path:
    source = tmp_path / "broken"
    shutil.copytree(GENESYS, source)
    path = source / file
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    return source


BROKEN = [
    (
        "source.toml",
        'name = ["Method", "Operation"]',
        'name = ["Method", "Operation"]\nwidth = 3',
        "unknown key 'width'",
    ),
    ("source.toml", "optional = '\\[optional\\]'", "optional = '[optional'", "not a regular expression"),
    (
        "source.toml",
        "default = '\\[default to (?P<value>[^\\]]*)\\]'",
        "default = '\\[default to ([^\\]]*)\\]'",
        "needs the named group(s) value",
    ),
    ("source.toml", 'name = "Genesys Cloud SDK reference pages"', "name = [1]", "name: must be a str"),
    ("sdks/ios.toml", 'Bool = "boolean"', 'Bool = "bool"', "'bool' is not a JSON Schema type"),
    ("sdks/ios.toml", 'array = ["[$T]"]', 'array = ["[T]"]', "'[T]' must hold $T exactly once"),
    ("sdks/ios.toml", 'name_case = "camel"', 'name_case = "kebab"', "must be one of camel, pascal, snake"),
    ("sdks/ios.toml", 'shows = ["optional", "values"]', 'shows = ["optional", "examples"]', "unknown 'examples'"),
    ("sdks/ios.toml", 'example_languages = ["swift"]', 'example_languages = ["java"]', "is also"),
    ("sdks/go.toml", "[types]", "[types", "not valid TOML"),
]


@pytest.mark.parametrize(("file", "old", "new", "message"), BROKEN, ids=[b[3] for b in BROKEN])
def test_a_broken_source_is_named_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], file: str, old: str, new: str, message: str
) -> None:
    source = _broken(tmp_path, file, old, new)
    with pytest.raises(SourceError) as info:
        load_source(source)
    assert message in str(info.value)
    where = re.match(r"(.+?):(\d+): ", str(info.value))
    assert where is not None, str(info.value)
    path, line = Path(where[1]), int(where[2])
    assert path.parent in (source, source / "sdks")
    assert 1 <= line <= len(path.read_text().splitlines())
    assert main([str(SDK_PAGES / "swift.md"), "--spec", str(SPEC), "--source", str(source)]) == 2
    assert message in capsys.readouterr().err


def test_the_page_chooses_among_several_sources(tmp_path: Path) -> None:
    from generator.docs_diff.source import choose_source

    first = load_source(GENESYS)
    other = tmp_path / "other"
    shutil.copytree(GENESYS, other)
    text = (other / "source.toml").read_text()
    (other / "source.toml").write_text(
        text.replace(
            "markers = ['Requires\\s+(?:ALL|ANY|NO)\\s+permissions', 'api\\.mypurecloud\\.com']",
            "markers = ['Needs the role']",
        )
    )
    second = load_source(other)
    page = text_of("swift.md")
    assert choose_source((first, second), page, "page.md") is first
    assert choose_source((first, second), "Needs the role: admin", "page.md") is second
    with pytest.raises(SourceError, match="cannot tell which docs source the page is from"):
        choose_source((first, second), "# nothing either knows", "page.md")


def test_headings_at_any_level_with_anchors() -> None:
    text = text_of("swift.md")
    deeper = text.replace("\n## ", '\n#### <a name="x"></a>').replace("\n### ", "\n##### ")
    assert deeper.count("#### <a name") == 5
    assert compare(parse_page_text(text, "page.md"), parse_page_text(deeper, "page.md")) == []


def test_a_page_that_is_no_reference_page_is_still_refused() -> None:
    cli_doc = "## fixture audits query results\n\n### Synopsis\n\nGet results\n\n```\n  -h, --help\n```\n"
    with pytest.raises(PageError) as info:
        parse_page_text(cli_doc, "page.md")
    assert (info.value.line, "no operations table" in info.value.message) == (1, True)
