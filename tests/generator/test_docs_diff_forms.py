"""docs-diff reads every rendering of one page into one model, and refuses self-contradiction.

Each rendering below says the same thing about a two-operation Things API, in the
forms SDK pages use: heading styles, link styles, method case, operations tables
with or without an HTTP column, "Wraps GET ..." lines and "GET /path" paragraphs,
"does not need any parameters" sentences, front matter, admonitions, and names in
PascalCase, camelCase or snake_case.
"""

from __future__ import annotations

import pytest

from generator.docs_diff import compare, default_sources
from generator.docs_diff.docs_types import TypeVocabulary, agrees
from generator.docs_diff.model import TypeRef
from generator.docs_diff.report import finding_message
from tests.generator.page_parsing import error_of, parse

CSHARP = """\
---
title: ThingApi
---
## Example.Api.ThingApi

| Method | HTTP request | Description |
| ------------- | ------------- | ------------- |
| [**GetThings**](ThingApi.html#getthings) | **GET** /api/v2/things | List the things |
| [**PostThingsSearch**](ThingApi.html#postthingssearch) | **POST** /api/v2/things/{thingId}/search | Search one thing |
{: class="table table-striped"}

<a name="getthings"></a>

## [**ThingListing**](ThingListing.html) GetThings ()

List the things

Requires ANY permissions:

* things:thing:view
* things:thing:admin

### Example
```{"language":"csharp"}
```

### Parameters
This endpoint does require any parameters.
{: class="table table-striped"}

### Return type

[**ThingListing**](ThingListing.html)

<a name="postthingssearch"></a>

## [**List&lt;ThingHit&gt;**](ThingHit.html) PostThingsSearch (string thingId, ThingSearch body, int? pageSize = null, List<string> expand = null)

Search one thing

Only the owner's things are searched.

Requires ALL permissions:

* things:thing:view

### Example
```{"language":"csharp"}
```

### Parameters

|Name | Type | Description  | Notes |
|------------- | ------------- | ------------- | -------------|
| **thingId** | **string**| The thing |  |
| **body** | [**ThingSearch**](ThingSearch.html)| What to look for |  |
| **pageSize** | **int?**| Hits per page | [optional] [default to 25] |
| **expand** | [**List<string>**](string.html)| What to expand | [optional] <br />**Values**: owner, tags |
{: class="table table-striped"}

### Return type

[**List<ThingHit>**](ThingHit.html)
"""

# The newer .NET layout: a bare-name heading, the signature quoted, links without .html, method in title case.
CSHARP_QUOTED = """\
# ThingApi

## Example.Api.ThingApi

| Method | HTTP request | Description |
| ------------- | ------------- | ------------- |
| [**GetThings**](#GetThings) | **Get** /api/v2/things | List the things |
| [**PostThingsSearch**](#PostThingsSearch) | **Post** /api/v2/things/{thingId}/search | Search one thing |

## GetThings

> [**ThingListing**](ThingListing) GetThings ()

List the things

Requires ANY permissions:

* things:thing:view
* things:thing:admin

### Parameters
This endpoint does require any parameters.

### Return type

[**ThingListing**](ThingListing)

## PostThingsSearch

> [**List<ThingHit>**](ThingHit) PostThingsSearch (string thingId, ThingSearch body, int? pageSize = null, List<string> expand = null)

Search one thing

Only the owner's things are searched.

Requires ALL permissions:

* things:thing:view

### Parameters

|Name | Type | Description  | Notes |
|------------- | ------------- | ------------- | -------------|
| **thingId** | **string**| The thing |  |
| **body** | [**ThingSearch**](ThingSearch)| What to look for |  |
| **pageSize** | **int?**| Hits per page | [optional] [default to 25] |
| **expand** | [**List<string>**](string)| What to expand | [optional] <br />**Values**: owner, tags |

### Return type

[**List<ThingHit>**](ThingHit)

_Example.Api 2.0.0_
"""

# Python: no HTTP column, "Wraps" lines, snake_case names, unsized int, a GitHub-style note.
PYTHON = """\
# ThingApi

|Method | Description|
|------------- | -------------|
|[**get_things**](#get_things) | List the things|
|[**post_things_search**](#post_things_search) | Search one thing|

## get_things

> [**ThingListing**](ThingListing) get_things()

List the things

Wraps GET /api/v2/things

> [!NOTE]
> Results are cached for a minute.

Requires ANY permissions:

* things:thing:view
* things:thing:admin

### Example

```{"language":"python"}
```

### Parameters

This endpoint does not need any parameters.

### Return type

[**ThingListing**](ThingListing)

## post_things_search

> [**list[ThingHit]**](ThingHit) post_things_search(thing_id, body, page_size=page_size, expand=expand)

Search one thing

Only the owner's things are searched.

Wraps POST /api/v2/things/{thingId}/search

Requires ALL permissions:

* things:thing:view

### Example

```{"language":"python"}
```

### Parameters

|Name | Type | Description  | Notes|
|------------- | ------------- | ------------- | -------------|
| **thing_id** | **str**| The thing |  |
| **body** | [**ThingSearch**](ThingSearch)| What to look for |  |
| **page_size** | **int**| Hits per page | [optional] [default to 25] |
| **expand** | [**list[str]**](str)| What to expand | [optional] <br />**Values**: owner, tags |

### Return type

[**list[ThingHit]**](ThingHit)
"""

# JavaScript: h1 signatures with plain types, "GET /path" paragraphs, rows without outer pipes,
# an admonition and a container, and a request-body sample part to skip.
JAVASCRIPT = """\
---
title: ThingApi
---
# platformClient.ThingApi

| Method | HTTP request | Description |
| ------------- | ------------- | ------------- |
[**getThings**](ThingApi.html#getThings) | **GET** /api/v2/things | List the things
[**postThingsSearch**](ThingApi.html#postThingsSearch) | **POST** /api/v2/things/{thingId}/search | Search one thing
{: class="table table-striped"}

<a name="getThings"></a>

# ThingListing getThings()

GET /api/v2/things

List the things

!!! warning "Preview"
    This API may change.

Requires ANY permissions:

* things:thing:view
* things:thing:admin

### Example Usage

```{"language":"javascript"}
```

### Parameters

This endpoint does not need any parameter.

### Return type

**ThingListing**

<a name="postThingsSearch"></a>

# [ThingHit] postThingsSearch(thingId, body, opts)

POST /api/v2/things/{thingId}/search

Search one thing

Only the owner's things are searched.

::: info
Searching is rate limited.
:::

Requires ALL permissions:

* things:thing:view

### Request Body Schema

<div id="ThingSearchExample">

```{"language":"json"}
{ "text": String }
```

</div>

### Parameters

| Name | Type | Description  | Notes |
| ------------- | ------------- | ------------- | ------------- |
 **thingId** | **String** | The thing |  |
 **body** | **Object** | What to look for |  |
 **pageSize** | **Number** | Hits per page | [optional] [default to 25] |
 **expand** | **[String]** | What to expand | [optional] <br />**Values**: owner, tags |
{: class="table table-striped"}

### Return type

**[ThingHit]**
"""

# Java/Go style: a bold bare-name heading, then the signature as a plain paragraph.
BARE_HEADINGS = """\
# ThingApi

| Method | HTTP request | Description |
| ------------- | ------------- | ------------- |
| [**getThings**](ThingApi#getThings) | **GET** /api/v2/things | List the things |
| [**postThingsSearch**](ThingApi#postThingsSearch) | **POST** /api/v2/things/{thingId}/search | Search one thing |

# **getThings**

getThings()

List the things

Requires ANY permissions: things:thing:view, things:thing:admin

### Parameters

This endpoint does not require any parameters.

### Return type

[ThingListing](ThingListing)

# **postThingsSearch**

postThingsSearch(thingId, body, pageSize, expand)

Search one thing

Only the owner's things are searched.

Requires ALL permissions:

* `things:thing:view`

### Parameters

| Name | Type | Description  | Notes |
| ------------- | ------------- | ------------- | ------------- |
| **thingId** | **String**| The thing | |
| **body** | [**ThingSearch**](ThingSearch)| What to look for | |
| **pageSize** | **Integer**| Hits per page | [optional] [default to 25] |
| **expand** | [**List&lt;String&gt;**](String)| What to expand | [optional]<br />**Values**: owner, tags |

### Return type

[**List&lt;ThingHit&gt;**](ThingHit)
"""

RENDERINGS = {
    "csharp": CSHARP,
    "csharp-quoted": CSHARP_QUOTED,
    "python": PYTHON,
    "javascript": JAVASCRIPT,
    "bare-headings": BARE_HEADINGS,
}


@pytest.mark.parametrize("name", RENDERINGS)
def test_every_rendering_reads_into_the_same_model(name: str) -> None:
    docs = parse(RENDERINGS[name])
    assert [op.operation_id for op in docs.operations] == ["getThings", "postThingsSearch"]
    listing, search = docs.operations
    assert (listing.method, listing.path, listing.summary, listing.description) == (
        "GET",
        "/api/v2/things",
        "List the things",
        "",
    )
    assert listing.parameters == ()
    assert listing.return_type == TypeRef.model("ThingListing")
    assert (listing.permissions.type, listing.permissions.names) == ("ANY", ("things:thing:view", "things:thing:admin"))
    assert (search.method, search.path) == ("POST", "/api/v2/things/{thingId}/search")
    assert search.description == "Only the owner's things are searched."
    assert str(search.return_type) == "array of ThingHit"
    got = [(p.name, p.location, p.required, p.default, p.allowed_values) for p in search.parameters]
    assert got == [
        ("thingId", "path", True, None, ()),
        ("body", "body", True, None, ()),
        ("pageSize", "query", False, "25", ()),
        ("expand", "query", False, None, ("owner", "tags")),
    ]
    # Only differences of content count: every rendering agrees with the C# one.
    assert [finding_message(f) for f in compare(parse(CSHARP), docs)] == []


def test_what_a_rendering_cannot_say_is_not_a_difference() -> None:
    """Python's int has no width and JavaScript's body is an Object: both agree with the exact types."""
    python = parse(PYTHON).operations[1]
    javascript = parse(JAVASCRIPT).operations[1]
    assert str(python.parameters[2].type) == "integer"
    assert str(javascript.parameters[2].type) == "number"
    assert str(javascript.parameters[1].type) == "object"
    exact = parse(CSHARP).operations[1]
    assert str(exact.parameters[2].type) == "integer (int32)"


def test_a_content_change_in_any_rendering_is_found() -> None:
    changed = PYTHON.replace("[optional] [default to 25]", "[optional] [default to 50]").replace(
        "List the things", "List all things"
    )
    findings = compare(parse(CSHARP), parse(changed))
    assert [finding_message(f) for f in findings] == [
        'getThings: summary changed: spec "List the things", docs "List all things"',
        "postThingsSearch: parameter pageSize: default changed: spec 25, docs 50",
    ]


# --- types ----------------------------------------------------------------------


def vocabulary(sdk: str) -> TypeVocabulary:
    """An SDK's type vocabulary, from the docs source's data."""
    (source,) = default_sources()
    return source.rendering(sdk).types


@pytest.mark.parametrize(
    ("text", "sdk", "expected"),
    [
        ("int?", "dotnet", "integer (int32)"),
        ("long?", "dotnet", "integer (int64)"),
        ("int", "dotnet", "integer (int32)"),
        ("int", "python", "integer"),
        ("float", "python", "number"),
        ("Integer", "java", "integer (int32)"),
        ("Long", "java", "integer (int64)"),
        ("Number", "javascript", "number"),
        ("int64", "go", "integer (int64)"),
        ("int", "go", "integer"),
        ("str", "python", "string"),
        ("datetime", "python", "string (date-time)"),
        ("Date", "javascript", "string (date-time)"),
        ("time.Time", "go", "string (date-time)"),
        ("bool", "python", "boolean"),
        ("Boolean", "java", "boolean"),
        ("Bool", "ios", "boolean"),
        ("Int", "ios", "integer"),
        ("Int64", "ios", "integer (int64)"),
        ("BOOLEAN", "ruby", "boolean"),
        ("Integer", "ruby", "integer"),
        ("list[str]", "python", "array of string"),
        ("[String]", "javascript", "array of string"),
        ("[String]", "ios", "array of string"),
        ("[]string", "go", "array of string"),
        ("string[]", "dotnet", "array of string"),
        ("List<String>", "java", "array of string"),
        ("Array<String>", "ruby", "array of string"),
        ("dict(str, object)", "python", "map of string to object"),
        ("{String: Object}", "javascript", "map of string to object"),
        ("Object.<string, string>", "javascript", "map of string to string"),
        ("[String:[String]]", "ios", "map of string to array of string"),
        ("map[string]string", "go", "map of string to string"),
        ("Map<String, Object>", "java", "map of string to object"),
        ("Map<String,Object>", "java", "map of string to object"),
        ("List<List<string>>", "dotnet", "array of array of string"),
        ("*Auditqueryservicemapping", "go", "Auditqueryservicemapping"),
        ("[]*Thing", "go", "array of Thing"),
        ("AuditLogMessage", "dotnet", "AuditLogMessage"),
    ],
)
def test_docs_types_in_each_language(text: str, sdk: str, expected: str) -> None:
    assert str(vocabulary(sdk).parse(text)) == expected


@pytest.mark.parametrize(
    ("text", "sdk"),
    [
        ("void", "dotnet"),
        ("None", "python"),
        ("null (empty response body)", "java"),
        ("void (empty response body)", "dotnet"),
        ("Void", "ios"),
        ("nil", "ruby"),
    ],
)
def test_void_in_each_language(text: str, sdk: str) -> None:
    assert vocabulary(sdk).parse(text) is None


@pytest.mark.parametrize(
    ("text", "sdk"),
    [
        ("List<void>", "dotnet"),
        ("not a type", "dotnet"),
        ("List<>", "dotnet"),
        ("[]", "dotnet"),
        ("string", "python"),  # another SDK's type name is not a model of this one's (models are capitalised)
        ("bool?", "java"),
        ("List<String", "java"),
    ],
)
def test_not_types(text: str, sdk: str) -> None:
    with pytest.raises(ValueError, match="not a type"):
        vocabulary(sdk).parse(text)


INT32 = TypeRef.primitive("integer", "int32")
INT64 = TypeRef.primitive("integer", "int64")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (INT32, TypeRef.primitive("integer"), True),
        (INT64, TypeRef.primitive("number"), True),
        (TypeRef.primitive("number", "double"), TypeRef.primitive("integer"), False),
        (INT32, INT64, False),
        (TypeRef.model("Thing"), TypeRef.primitive("object"), True),
        (TypeRef.array(TypeRef.model("Thing")), TypeRef.primitive("object"), False),
        (TypeRef.model("Thing"), TypeRef.model("thing"), True),
        (TypeRef.model("Thing"), TypeRef.model("Other"), False),
        (TypeRef.array(INT32), TypeRef.array(TypeRef.primitive("integer")), True),
        (TypeRef.primitive("string"), TypeRef.primitive("string", "date-time"), False),
        (None, None, True),
        (None, INT32, False),
    ],
)
def test_types_agree_when_one_says_less(a: TypeRef | None, b: TypeRef | None, expected: bool) -> None:
    assert agrees(a, b) is expected
    assert agrees(b, a) is expected


# --- self-contradiction and structure errors, each with its line ---------------------------


CONTRADICTIONS = [
    (
        "the table lists an operation the page has no section for",
        CSHARP.replace("## [**ThingListing**](ThingListing.html) GetThings ()", "## Listing things"),
        8,
        "operation GetThings has no section on the page",
    ),
    (
        "a section for an operation the table does not list",
        CSHARP.replace("| [**GetThings**](ThingApi.html#getthings) | **GET** /api/v2/things | List the things |\n", ""),
        13,
        "operation GetThings has a section but no operations table row",
    ),
    (
        "a bare-name section for an unlisted operation",
        CSHARP_QUOTED.replace("| [**GetThings**](#GetThings) | **Get** /api/v2/things | List the things |\n", ""),
        9,
        "operation GetThings has a section but no operations table row",
    ),
    (
        "the heading's return type is not the Return type part's",
        CSHARP.replace("\n[**ThingListing**](ThingListing.html)\n", "\n[**OtherListing**](OtherListing.html)\n"),
        33,
        "return type 'OtherListing' of GetThings is not its signature's 'ThingListing' (line 14)",
    ),
    (
        "the quoted signature names another operation",
        CSHARP_QUOTED.replace("GetThings ()", "GetOthers ()"),
        12,
        "the signature names GetOthers but the section is GetThings's",
    ),
    (
        "the table and the section's GET line disagree",
        JAVASCRIPT.replace("\nGET /api/v2/things\n", "\nGET /api/v2/other-things\n"),
        16,
        "getThings is GET /api/v2/other-things here but GET /api/v2/things in the operations table (line 8)",
    ),
    (
        "an operation listed twice",
        CSHARP.replace(
            "| [**PostThingsSearch**]",
            "| [**get_things**](x) | **GET** /api/v2/things | List |\n| [**PostThingsSearch**]",
        ),
        9,
        "operation get_things is listed twice (first on line 8)",
    ),
    (
        "no parameters, and a parameters table",
        CSHARP.replace(
            "### Parameters\n\n|Name", "### Parameters\n\nThis endpoint does not need any parameters.\n\n|Name"
        ),
        53,
        "PostThingsSearch says it needs no parameters but lists some (line 55)",
    ),
    (
        "an optional path parameter",
        CSHARP.replace(
            "| **thingId** | **string**| The thing |  |", "| **thingId** | **string**| The thing | [optional] |"
        ),
        55,
        "path parameter thingId of PostThingsSearch is marked optional",
    ),
    (
        "a path variable without a row",
        CSHARP.replace("| **thingId** | **string**| The thing |  |\n", ""),
        37,
        "path parameter {thingId} of PostThingsSearch has no parameters row",
    ),
    (
        "two Wraps lines",
        PYTHON.replace("Wraps GET /api/v2/things\n", "Wraps GET /api/v2/things\n\nGET /api/v2/things\n"),
        16,
        "second HTTP line for get_things (first on line 14)",
    ),
    (
        "a parameter listed twice (once in snake_case)",
        PYTHON.replace("| **body** |", "| **thingId** | **str**| The thing |  |\n| **body** |"),
        61,
        "parameter thingId of post_things_search is listed twice",
    ),
]


@pytest.mark.parametrize(("what", "text", "line", "message"), CONTRADICTIONS, ids=[c[0] for c in CONTRADICTIONS])
def test_a_page_that_contradicts_itself_is_refused(what: str, text: str, line: int, message: str) -> None:
    err = error_of(text)
    assert (err.path, err.line) == ("page.md", line), err
    assert message in err.message
    assert str(err).startswith(f"page.md:{line}: ")


def test_headings_of_other_parts_end_a_section() -> None:
    text = CSHARP + "\n## Models\n\nSome words about models.\n\n| a | b |\n|---|---|\n| c | d |\n"
    assert [op.operation_id for op in parse(text).operations] == ["getThings", "postThingsSearch"]


def test_reference_links_and_html_in_cells() -> None:
    text = CSHARP.replace(
        "| **pageSize** | **int?**| Hits per page |",
        "| <code>pageSize</code> | <a href='int.html'>int?</a>| Hits per page |",
    )
    (_, search) = parse(text).operations
    assert (search.parameters[2].name, str(search.parameters[2].type)) == ("pageSize", "integer (int32)")


def test_defaults_are_read_as_the_spec_renders_them() -> None:
    text = PYTHON.replace("[optional] [default to 25]", '[optional] [default to "25"]').replace(
        "| **expand** | [**list[str]**](str)| What to expand | [optional] <br />**Values**: owner, tags |",
        "| **expand** | **bool**| What to expand | [optional] [default to False] |",
    )
    (_, search) = parse(text).operations
    assert [p.default for p in search.parameters] == [None, None, "25", "false"]


def test_a_required_column() -> None:
    text = CSHARP.replace(
        "|Name | Type | Description  | Notes |\n|------------- | ------------- | ------------- | -------------|",
        "| Name | Type | Description | Required | Notes |\n| --- | --- | --- | --- | --- |",
    )
    rows = {
        "| **thingId** | **string**| The thing |  |": "| **thingId** | **string**| The thing | true |  |",
        "| **body** | [**ThingSearch**](ThingSearch.html)| What to look for |  |": "| **body** | [**ThingSearch**](ThingSearch.html)| What to look for | yes |  |",
        "| **pageSize** | **int?**| Hits per page | [optional] [default to 25] |": "| **pageSize** | **int?**| Hits per page | false | [optional] [default to 25] |",
        "| **expand** | [**List<string>**](string.html)| What to expand | [optional] <br />**Values**: owner, tags |": "| **expand** | [**List<string>**](string.html)| What to expand | no | [optional] <br />**Values**: owner, tags |",
    }
    for old, new in rows.items():
        text = text.replace(old, new)
    assert compare(parse(CSHARP), parse(text)) == []
    contradiction = text.replace("| Hits per page | false |", "| Hits per page | true |")
    err = error_of(contradiction)
    assert (err.line, err.message) == (57, "parameter pageSize is both required and [optional]")


# --- what a page does not say, or says in a form docs-diff cannot read: never a refusal ------------

SILENCES = [
    (
        "no HTTP column and no Wraps line",
        PYTHON.replace("Wraps GET /api/v2/things\n", ""),
        "http",
        "the page gives no HTTP request for it (no HTTP column, no 'GET /path' line)",
    ),
    (
        "neither a signature nor a Return type",
        BARE_HEADINGS.replace("### Return type\n\n[ThingListing](ThingListing)\n", ""),
        "return_type",
        "its section states no return type",
    ),
    (
        "an empty Parameters part",
        CSHARP.replace(
            '### Parameters\nThis endpoint does require any parameters.\n{: class="table table-striped"}\n',
            "### Parameters\n",
        ),
        "parameters",
        "its Parameters part lists nothing and says nothing",
    ),
    (
        "no permissions line",
        CSHARP.replace("Requires ANY permissions:\n\n* things:thing:view\n* things:thing:admin\n", ""),
        "permissions",
        "its section has no permissions line",
    ),
]


@pytest.mark.parametrize(("what", "text", "facet", "reason"), SILENCES, ids=[c[0] for c in SILENCES])
def test_what_a_section_leaves_out_is_silence_not_drift(what: str, text: str, facet: str, reason: str) -> None:
    listing = parse(text).operations[0]
    assert listing.silent_on(facet) == reason
    findings = compare(parse(CSHARP), parse(text))
    if facet == "parameters":  # the C# page's GetThings has no parameters: nothing to be silent on
        assert findings == []
        return
    assert [(f.category.value, f.kind.value, f.operation, f.facet) for f in findings] == [
        ("silence", "not_stated", "getThings", facet)
    ]


def test_a_sentence_the_parameters_part_does_not_know_is_named_at_its_line() -> None:
    text = CSHARP.replace("This endpoint does require any parameters.", "Parameters are optional.")
    docs = parse(text)
    assert [(p.line, p.operation, p.message) for p in docs.problems] == [
        (
            28,
            "getThings",
            "unexpected paragraph 'Parameters are optional.' in its Parameters part: "
            "which parameters it has is not read (those listed are still compared)",
        )
    ]
    findings = compare(parse(CSHARP), docs)
    assert [(f.category.value, f.docs_line) for f in findings] == [("unreadable", 28)]


def test_reference_style_links_with_and_without_definitions() -> None:
    text = CSHARP.replace("[**GetThings**](ThingApi.html#getthings)", "[**GetThings**][getthings]")
    text = text.replace("[**ThingListing**](ThingListing.html) GetThings", "[**ThingListing**][listing] GetThings")
    text = text.replace("\n[**ThingListing**](ThingListing.html)\n", "\n[**ThingListing**][]\n")
    text = text.replace("[**ThingSearch**](ThingSearch.html)|", "[**ThingSearch**][search]|")
    defined = text + "\n[listing]: ThingListing.html\n[search]: ThingSearch.html\n"
    for page_text in (text, defined):
        assert compare(parse(CSHARP), parse(page_text)) == []
