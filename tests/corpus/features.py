"""The feature matrix: each feature the corpus must cover, where it comes from, and which specs cover it.

Two groups: the features openapi-python-client's own end-to-end specs exercise (read from its
public repository: end_to_end_tests/baseline_openapi_3.0.json, baseline_openapi_3.1.yaml,
3.1_specific.openapi.yaml, openapi_3.1_enums.yaml, docstrings_on_attributes.yml and
functional_tests/), and the ones issue 19 names from real specs. Every feature has a predicate
(tests/corpus/_detect.py) that must hold in each spec listed for it. FEATURES.md is rendered from
this module: ``python -m tests.corpus.features`` rewrites it, a test checks it is current.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.corpus._detect import (
    Detector,
    all_of,
    any_operation,
    any_parameter,
    any_request_media,
    any_response,
    any_response_media,
    any_schema,
    any_security,
    resolve,
)

__all__ = ["E2E", "FEATURES", "ISSUE", "MARKDOWN", "Feature", "render"]

E2E = "openapi-python-client end-to-end"
ISSUE = "issue 19 (real specs)"
MARKDOWN = Path(__file__).parent / "FEATURES.md"


@dataclass(frozen=True)
class Feature:
    id: str
    group: str
    what: str
    source: str  # where upstream's end-to-end tests exercise it, or which real specs have it
    specs: tuple[str, ...]  # corpus spec stems
    detect: Detector


def _f(id: str, group: str, what: str, source: str, specs: str, detect: Detector) -> Feature:
    return Feature(id, group, what, source, tuple(specs.split()), detect)


def _version(prefix: str) -> Detector:
    return lambda doc: str(doc.get("openapi", "")).startswith(prefix)


def _media(prefix: str) -> Detector:
    return any_request_media(lambda media_type, _m, _b: media_type.startswith(prefix))


def _response_media(prefix: str) -> Detector:
    return any_response_media(lambda _c, media_type, _m: media_type.startswith(prefix))


def _scheme(test: Detector) -> Detector:
    return lambda doc: any(test(s) for s in ((doc.get("components") or {}).get("securitySchemes") or {}).values())


def _named(test: Detector) -> Detector:
    return lambda doc: any(
        test({"name": name, "schema": s}) for name, s in ((doc.get("components") or {}).get("schemas") or {}).items()
    )


def _props(test: Detector) -> Detector:
    return any_schema(lambda s: any(test({"name": n, "schema": p}) for n, p in (s.get("properties") or {}).items()))


def _union_of(schema: dict[str, Any], kinds: set[str]) -> bool:
    found = set()
    for branch in schema.get("anyOf") or schema.get("oneOf") or []:
        found |= {branch.get("type")} if isinstance(branch.get("type"), str) else set()
        found |= {branch.get("format")} if branch.get("format") else set()
    return kinds <= found


def _styled(style: str) -> Detector:
    return any_parameter(lambda p, _s: p.get("style") == style)


def _dated(where: str) -> Detector:
    return any_parameter(lambda p, s: p["in"] == where and s.get("format") in ("date", "date-time", "uuid"))


def _unreferenced(doc: dict[str, Any]) -> bool:
    """Some component schema is referenced nowhere (or there are no operations at all)."""
    text = str(doc)
    names = ((doc.get("components") or {}).get("schemas") or {}).keys()
    return not doc.get("paths") or any(f"#/components/schemas/{name}'" not in text for name in names)


_NOT_IDENTIFIER = any_operation(
    lambda _p, _m, op, _i: "operationId" in op and not str(op["operationId"]).isidentifier()
)
_NO_ID = any_operation(lambda _p, _m, op, _i: "operationId" not in op)

FEATURES: tuple[Feature, ...] = (
    # -- documents
    _f("openapi-3.0", E2E, "OpenAPI 3.0.x documents", "baseline_openapi_3.0.json",
       "kennel-3.0 enums-3.0 auth-http params-locations bodies-binary-text response-shapes all-of formats legacy-store "
       "required-body-two-ways pet-clinic bare-minimum", _version("3.0")),
    _f("openapi-3.1", E2E, "OpenAPI 3.1.x documents", "baseline_openapi_3.1.yaml, 3.1_specific.openapi.yaml",
       "kennel-3.1 enums-3.1 auth-api-keys auth-oauth2 params-query-styles params-dates bodies-json bodies-forms unions "
       "map-models recursive defaults openapi-31-features naming-hazards query-defaults error-model fleet-large",
       _version("3.1")),
    _f("json-document", E2E, "a spec written as JSON", "baseline_openapi_3.0.json", "enums-3.0",
       lambda doc: doc.get("info", {}).get("title") == "Enum Zoo Thirty"),
    _f("twins", E2E, "one API written in 3.0 style and in 3.1 style", "baseline_openapi_3.0.json / baseline_openapi_3.1.yaml",
       "kennel-3.0 kennel-3.1 enums-3.0 enums-3.1", any_schema(lambda s: s.get("nullable") is True or "null" in (s.get("type") or []))),
    _f("nullable-3.0", E2E, "3.0 `nullable: true` (also on a $ref through allOf)", "baseline_openapi_3.0.json AModel",
       "kennel-3.0 enums-3.0 auth-http pet-clinic params-locations", any_schema(lambda s: s.get("nullable") is True)),
    _f("exclusive-bounds", E2E, "exclusiveMinimum as a 3.0 flag and a 3.1 number", "OpenAPI 3.0/3.1 schema objects",
       "kennel-3.0 kennel-3.1", any_schema(lambda s: "exclusiveMinimum" in s)),
    _f("example-keyword", E2E, "`example` (3.0) and `examples` (3.1) on schemas", "baseline /common_parameters_overriding",
       "kennel-3.0 kennel-3.1 params-locations legacy-store formats", any_schema(lambda s: "example" in s or "examples" in s)),
    _f("no-operations", E2E, "a document with models and no paths", "docstrings_on_attributes.yml", "models-only",
       lambda doc: not doc.get("paths") and bool(doc.get("components"))),
    _f("unused-models", E2E, "models no operation refers to", "baseline components (AllOfHasPropertiesButNoType, ...)",
       "formats models-only", _unreferenced),
    _f("callbacks", E2E, "operations with callbacks (nothing generated for them)", "baseline /tests/callback", "bodies-json",
       any_operation(lambda _p, _m, op, _i: "callbacks" in op)),
    # -- operations and names
    _f("no-operation-id", E2E, "operations without an operationId", "baseline /common_parameters, /models/allof, ...",
       "nameless-operations kennel-3.0 kennel-3.1 legacy-store bare-minimum", _NO_ID),
    _f("operation-id-not-identifier", E2E, "operationIds that are not identifiers (hyphens, spaces, punctuation)",
       "baseline json-like, optional-body, reserved-parameters", "nameless-operations bodies-json naming-hazards kennel-3.1",
       _NOT_IDENTIFIER),
    _f("operation-id-keyword", E2E, "an operationId that is a Python keyword", "baseline /naming/keywords (false)", "naming-hazards",
       any_operation(lambda _p, _m, op, _i: op.get("operationId") == "false")),
    _f("odd-tags", E2E, "tags that are numbers, keywords or phrases", "baseline /tag_with_number, /naming/keywords",
       "naming-hazards legacy-store", any_operation(lambda _p, _m, op, _i: any(not str(t).isidentifier() for t in op.get("tags") or []))),
    _f("path-level-parameters", E2E, "parameters on the path item, shared by its operations", "baseline /common_parameters",
       "params-locations kennel-3.0 kennel-3.1 pet-clinic fleet-large", any_operation(lambda _p, _m, _o, item: bool(item.get("parameters")))),
    _f("overridden-parameter", E2E, "an operation overriding a path-level parameter", "baseline /common_parameters_overriding/{param}",
       "params-locations", any_operation(lambda p, _m, op, item: bool(op.get("parameters")) and bool(item.get("parameters")) and "overriding" in p)),
    _f("same-name-four-places", E2E, "one parameter name in query, header, cookie and path", "baseline /same-name-multiple-locations",
       "params-locations", any_operation(lambda _p, _m, op, _i: len({q["in"] for q in op.get("parameters", []) if q.get("name") == "param"}) == 4)),
    _f("path-parameter-order", E2E, "path parameters declared out of order across levels", "baseline /multiple-path-parameters",
       "params-locations", any_operation(lambda p, _m, _o, _i: p.count("{") >= 4)),
    _f("hyphen-path-parameter", E2E, "a path parameter with a hyphen", "baseline /naming/{hyphen-in-path}", "params-locations",
       any_parameter(lambda p, _s: p["in"] == "path" and "-" in p["name"])),
    _f("parameter-refs", E2E, "parameters by $ref (query, header, cookie, path)", "baseline /parameter-references",
       "params-locations", any_operation(lambda _p, _m, op, _i: sum("$ref" in q for q in op.get("parameters", [])) >= 4)),
    _f("reserved-parameter-names", E2E, "parameters named client and url", "baseline /naming/reserved-parameters",
       "naming-hazards", any_parameter(lambda p, _s: p["name"] in ("client", "url"))),
    _f("keyword-parameter-names", E2E, "parameters named like Python keywords", "baseline /naming/keywords (import)",
       "naming-hazards", any_parameter(lambda p, _s: p["name"] in ("import", "class"))),
    _f("mixed-case-parameters", E2E, "parameters differing only in case style (mixed_case, mixedCase)", "baseline /naming/mixed-case",
       "naming-hazards", any_parameter(lambda p, _s: p["name"] == "mixedCase")),
    _f("header-types", E2E, "header parameters: boolean, string, number, integer, int and string enums",
       "baseline /location/header/types, openapi_3.1_enums.yaml", "params-locations enums-3.0 enums-3.1",
       any_parameter(lambda p, s: p["in"] == "header" and s.get("type") == "integer" and "enum" in s)),
    _f("cookie-parameters", E2E, "cookie parameters", "baseline /auth/token_with_cookie", "params-locations auth-api-keys params-dates",
       any_parameter(lambda p, _s: p["in"] == "cookie")),
    _f("query-optionality", E2E, "query parameters required or not, nullable or not", "baseline /location/query/optionality",
       "params-dates", any_parameter(lambda p, s: p["name"] == "null_required" and "null" in s.get("type", []))),
    _f("date-time-query", E2E, "date-time query parameters", "baseline /location/query/optionality", "params-dates auth-http fleet-large",
       any_parameter(lambda p, s: p["in"] == "query" and s.get("format") == "date-time")),
    _f("date-or-date-time", E2E, "a date-or-date-time union (query and model)", "baseline getUserList some_date, AModel.aCamelDateTime",
       "params-dates", any_schema(lambda s: _union_of(s, {"date", "date-time"}))),
    _f("enum-array-query", E2E, "arrays of enums in the query", "baseline getUserList an_enum_value", "enums-3.0 enums-3.1 params-query-styles",
       any_parameter(lambda p, s: p["in"] == "query" and s.get("type") == "array" and "$ref" in s.get("items", {}))),
    _f("query-defaults", E2E, "query parameters with defaults of every type", "baseline /defaults", "query-defaults",
       any_parameter(lambda p, s: "default" in s and isinstance(s.get("type"), list))),
    _f("model-query-parameter", E2E, "a model as a query parameter (style form, explode true)", "baseline /defaults model_prop",
       "query-defaults params-query-styles",
       any_parameter(lambda p, s: p["in"] == "query" and s.get("type") == "object" and p.get("style", "form") == "form" and p.get("explode", True))),
    _f("enum-query", E2E, "int and bool enums in the query", "baseline /enum/int, /enum/bool", "query-defaults",
       any_parameter(lambda p, s: s.get("type") == "boolean" and "enum" in s)),
    _f("path-encoding", E2E, "path values with /, ?, # and spaces are percent-encoded", "functional_tests test_path_parameters",
       "params-locations bodies-binary-text recursive auth-http", any_parameter(lambda p, s: p["in"] == "path" and s.get("type") == "string" and "format" not in s)),
    _f("backslash-descriptions", E2E, "descriptions and summaries with a backslash", "baseline /tests/description-with-backslash",
       "arrays-and-docs", lambda doc: "\\" in str(doc)),
    _f("docstrings", E2E, "descriptions that become docstrings (long, per property, per parameter)",
       "functional_tests test_docstrings, docstrings_on_attributes.yml", "arrays-and-docs models-only",
       _props(lambda p: len(str(p["schema"].get("description", ""))) > 20)),
    # -- request bodies
    _f("json-body", E2E, "a JSON model body", "baseline /tests/json_body", "bodies-json kennel-3.0 kennel-3.1 unions",
       _media("application/json")),
    _f("json-string-body", E2E, "a JSON body that is a bare string", "baseline /tests/json_body/string", "bodies-json",
       any_request_media(lambda mt, m, _b: mt == "application/json" and m["schema"].get("type") == "string")),
    _f("optional-body", E2E, "an optional request body", "baseline /bodies/optional", "bodies-json auth-http",
       any_request_media(lambda _mt, _m, b: b.get("required") is not True)),
    _f("body-ref-chain", E2E, "a request body by a $ref to a $ref", "baseline /bodies/refs", "bodies-json",
       lambda doc: "NestedRef" in str((doc.get("components") or {}).get("requestBodies"))),
    _f("vendor-json", E2E, "a JSON-like vendor media type (+json)", "baseline /bodies/json-like", "bodies-json", _media("application/vnd.")),
    _f("inline-objects", E2E, "inline object body and response without additional properties", "baseline /tests/inline_objects",
       "bodies-json", any_request_media(lambda _mt, m, _b: m["schema"].get("additionalProperties") is False)),
    _f("many-body-types", E2E, "one body in JSON, bytes, a form and multipart", "baseline /bodies/multiple",
       "bodies-forms required-body-two-ways", any_operation(lambda _p, _m, op, _i: len(op["requestBody"]["content"]) >= 2)),
    _f("form-urlencoded", E2E, "form-urlencoded bodies, by $ref and inline", "baseline /tests/post_form_data(_inline)",
       "bodies-forms pet-clinic params-dates required-body-two-ways fleet-large", _media("application/x-www-form-urlencoded")),
    _f("multipart-files", E2E, "multipart with required and optional files, numbers, dates, arrays, objects",
       "baseline /tests/upload (Body_upload_file_tests_upload_post)", "bodies-forms pet-clinic",
       lambda doc: any_request_media(lambda mt, m, _b: mt == "multipart/form-data" and "binary" in str(resolve(doc, m["schema"])))(doc)),
    _f("multipart-enum-arrays", E2E, "multipart arrays (and arrays of arrays) of enums", "openapi_3.1_enums.yaml postUserList",
       "bodies-forms", any_request_media(lambda mt, m, _b: mt == "multipart/form-data" and "nested_list_of_enums" in str(m))),
    _f("octet-stream-body", E2E, "an octet-stream request body", "baseline /tests/octet_stream (post)", "bodies-binary-text bodies-forms",
       _media("application/octet-stream")),
    _f("custom-media-type", E2E, "a media type no library knows, holding a string", "baseline /config/content-type-override",
       "bodies-binary-text", _media("application/vnd.corpus.note")),
    _f("duplicate-union-members", E2E, "a union listing the same model twice", "baseline /types/unions/duplicate-types",
       "bodies-json", any_schema(lambda s: len(s.get("anyOf", [])) == 2 and s["anyOf"][0] == s["anyOf"][1])),
    # -- responses
    _f("octet-stream-response", E2E, "an octet-stream response", "baseline /tests/octet_stream (get)", "bodies-binary-text",
       _response_media("application/octet-stream")),
    _f("binary-in-json", E2E, "a JSON response with a binary property", "baseline /tests/octet_stream (post) response",
       "bodies-binary-text", any_response_media(lambda _c, mt, m: mt == "application/json" and "binary" in str(m))),
    _f("text-response", E2E, "text/plain responses", "baseline /responses/text", "bodies-binary-text response-shapes kennel-3.0 kennel-3.1",
       _response_media("text/plain")),
    _f("no-content-response", E2E, "responses without content", "baseline /tests/no_response, /common_parameters",
       "response-shapes params-locations kennel-3.1", any_response(lambda c, r, _o: c.startswith("2") and c != "*" and "content" not in r)),
    _f("any-response", E2E, "a JSON response with an empty schema", "baseline /tests/no_response", "response-shapes query-defaults",
       any_response_media(lambda _c, mt, m: mt == "application/json" and m.get("schema") == {})),
    _f("primitive-lists", E2E, "lists of strings, integers, floats and booleans", "baseline /tests/basic_lists/*", "response-shapes",
       any_response_media(lambda _c, _mt, m: m["schema"].get("items", {}).get("type") == "boolean")),
    _f("response-ref", E2E, "a response by $ref", "baseline /responses/reference", "response-shapes auth-api-keys pet-clinic",
       any_response(lambda c, _r, op: c == "*" and any("$ref" in v for v in _r.values()))),
    _f("default-only", E2E, "only a default response", "baseline /responses/status-codes/default", "response-shapes",
       any_response(lambda c, r, _o: c == "*" and list(r) == ["default"])),
    _f("status-patterns", E2E, "2XX and 4XX ranges", "baseline /response/status-codes/patterns", "response-shapes",
       any_response(lambda c, _r, _o: c == "2XX")),
    _f("status-precedence", E2E, "exact codes, ranges and default on one operation", "baseline /response/status-codes/precedence",
       "response-shapes", any_response(lambda c, r, _o: c == "*" and {"default", "4XX", "404", "200"} <= set(r))),
    _f("unsupported-response-type", E2E, "an unreadable media type beside JSON", "baseline /tests/unsupported_content",
       "response-shapes", _response_media("not_real/")),
    _f("simple-before-complex", E2E, "a union with a simple type before an object", "baseline /responses/unions/simple_before_complex",
       "response-shapes", any_schema(lambda s: [b.get("type") for b in s.get("oneOf", [])] == ["string", "object"])),
    _f("const-tagged-union", E2E, "a oneOf told apart by a one-value property", "baseline /models/oneof-with-required-const",
       "response-shapes", any_schema(lambda s: any(b.get("properties", {}).get("type", {}).get("enum") == ["beta"] for b in s.get("oneOf", [])))),
    _f("validation-errors", E2E, "422 responses with HTTPValidationError", "baseline HTTPValidationError, ValidationError",
       "error-model", any_response(lambda c, _r, _o: c == "422")),
    _f("allof-response", E2E, "a response of allOf-composed models", "baseline /models/allof", "response-shapes",
       _named(lambda n: n["name"] == "Extended")),
    # -- models
    _f("required-nullable", E2E, "properties required or not, nullable or not", "baseline AModel", "params-dates",
       any_schema(lambda s: any(n in s.get("required", []) and "null" in str(p.get("type")) for n, p in s.get("properties", {}).items()))),
    _f("awkward-property-names", E2E, "property names with a leading digit or underscore, hyphens, spaces",
       "baseline AModel 1_leading_digit, _leading_underscore", "naming-hazards", _props(lambda p: p["name"] == "1_leading_digit")),
    _f("awkward-schema-names", E2E, "schemas named import and None, a key with dots, a title unlike its key",
       "baseline import, None, model.reference.with.Periods, model_reference_doesnt_match", "naming-hazards",
       _named(lambda n: n["name"] == "model.reference.with.Periods")),
    _f("attrs-property-names", E2E, "properties named Field and Define", "baseline /naming/property-conflict-with-import",
       "naming-hazards", _props(lambda p: p["name"] == "Define")),
    _f("string-enums", E2E, "string enums with awkward values", "functional_tests test_enums_and_consts", "enums-3.0 enums-3.1",
       any_schema(lambda s: "a Thing WIth spaces" in s.get("enum", []))),
    _f("int-enums", E2E, "integer enums with negative values", "baseline AnIntEnum", "enums-3.0 enums-3.1 query-defaults unions",
       any_schema(lambda s: s.get("type") == "integer" and any(isinstance(v, int) and v < 0 for v in s.get("enum", [])))),
    _f("enum-varnames", E2E, "x-enum-varnames", "functional_tests test_enums_and_consts", "enums-3.0 enums-3.1",
       any_schema(lambda s: "x-enum-varnames" in s)),
    _f("null-in-enum", E2E, "null in an enum, an enum of only null, a nullable enum", "baseline AnEnumWithNull, AnEnumWithOnlyNull",
       "enums-3.0 enums-3.1", any_schema(lambda s: s.get("enum") == [None])),
    _f("consts", E2E, "string and integer consts (one-value enums in 3.0)", "functional_tests TestConst, 3.1_specific /const",
       "enums-3.1 openapi-31-features enums-3.0",
       any_schema(lambda s: "const" in s or (len(s.get("enum", [])) == 1 and s["enum"][0] is not None))),
    _f("allof-models", E2E, "allOf: alias, extension, required override, merged property types, intersected enums, no type",
       "baseline Aliased, Extended, AllOfRequiredDerived, ModelWithMergedProperties, ModelFromAllOf", "all-of",
       _named(lambda n: n["name"] == "ModelWithMergedProperties")),
    _f("allof-enum-default", E2E, "an enum through allOf with its default overridden", "baseline AModel.an_allof_enum_with_overridden_default",
       "all-of defaults", any_schema(lambda s: "allOf" in s and "default" in s)),
    _f("ref-chains", E2E, "a schema that is only a $ref to a schema that is only a $ref", "functional_tests TestReferenceSchemaProperties",
       "all-of", _named(lambda n: set(n["schema"]) == {"$ref"})),
    _f("oneof-models", E2E, "oneOf of models, of a model and a string, nested, and of one member", "functional_tests test_unions",
       "unions", _named(lambda n: n["name"] == "ThingAOrB")),
    _f("type-lists", E2E, "type lists ([string, integer])", "functional_tests TestSimpleTypeList, baseline union_prop", "unions query-defaults openapi-31-features",
       any_schema(lambda s: isinstance(s.get("type"), list) and "null" not in s["type"])),
    _f("discriminators", E2E, "discriminated unions, with and without mapping, nullable", "baseline ADiscriminatedUnion",
       "unions", any_schema(lambda s: "discriminator" in s and "mapping" in s["discriminator"])),
    _f("enum-unions", E2E, "a union of a string enum and an int enum", "baseline ModelWithUnionProperty", "unions",
       _props(lambda p: p["name"] == "enumOrIntEnum")),
    _f("titled-inline-members", E2E, "inline object members with titles", "baseline ModelWithUnionPropertyInlined", "unions",
       any_schema(lambda s: s.get("title") == "Apples")),
    _f("free-form-objects", E2E, "objects without properties (free-form)", "baseline FreeFormModel", "map-models response-shapes",
       any_schema(lambda s: s.get("type") == "object" and not s.get("properties") and "additionalProperties" not in s)),
    _f("map-of-models", E2E, "additionalProperties: a $ref to a model", "baseline ModelWithAdditionalPropertiesRefed", "map-models",
       any_schema(lambda s: "$ref" in (s.get("additionalProperties") or {}) and "Item" in str(s["additionalProperties"]))),
    _f("map-of-objects", E2E, "additionalProperties: {type: object}", "baseline Body_upload...additionalProperties", "map-models",
       any_schema(lambda s: s.get("additionalProperties") == {"type": "object"})),
    _f("map-kinds", E2E, "maps of primitives, date-times, enums and unions; properties beside extras; closed objects",
       "baseline ModelWithPrimitiveAdditionalProperties, ModelWithAnyJsonProperties, ModelWithAdditionalPropertiesInlined, ModelWithNoProperties",
       "map-models", any_schema(lambda s: "anyOf" in (s.get("additionalProperties") or {}))),
    _f("recursive-models", E2E, "recursive and circular models, also through maps and arrays",
       "baseline ModelWithRecursiveRef, ModelWithCircularRef*, AnArrayWith*", "recursive",
       _named(lambda n: n["name"] == "ModelWithCircularRefInAdditionalPropertiesA")),
    _f("format-arrays", E2E, "arrays of every format, inline and by $ref to primitive schemas",
       "baseline AModelWithPropertiesReferenceThatAreNotObject", "formats",
       _props(lambda p: p["name"] == "bytestream_properties_ref")),
    _f("pattern-strings", E2E, "a string schema with a pattern", "baseline AString", "formats", any_schema(lambda s: "pattern" in s)),
    _f("unknown-format", E2E, "a string format no library knows", "functional_tests TestSpecialStringFormats", "formats",
       any_schema(lambda s: s.get("format") == "weird")),
    _f("property-defaults", E2E, "defaults of every type, some given as the wrong JSON type", "functional_tests test_defaults",
       "defaults", _props(lambda p: p["schema"].get("default") == "True")),
    _f("arrays", E2E, "arrays of anything, of integers, of objects, of arrays", "functional_tests test_arrays", "arrays-and-docs",
       _props(lambda p: p["name"] == "arrayOfAny")),
    _f("prefix-items", E2E, "prefixItems with and without items", "3.1_specific /prefixItems, functional_tests TestArraysWithPrefixItems",
       "openapi-31-features", any_schema(lambda s: "prefixItems" in s)),
    _f("const-everywhere", E2E, "const in the path, the query, the body and the response", "3.1_specific /const/{path}",
       "openapi-31-features", any_parameter(lambda p, s: p["in"] == "path" and "const" in s)),
    _f("null-and-any", E2E, "the null type and untyped properties", "functional_tests TestBasicModelProperties", "openapi-31-features",
       any_schema(lambda s: s.get("type") == "null" and not isinstance(s.get("type"), list))),
    # -- issue 19: what real specs need
    _f("api-key-header", ISSUE, "an API key in a header", "swagger-petstore3, twilio", "auth-api-keys kennel-3.0 kennel-3.1 pet-clinic fleet-large",
       _scheme(lambda s: s.get("type") == "apiKey" and s.get("in") == "header")),
    _f("api-key-query", ISSUE, "an API key in the query", "readme security examples", "auth-api-keys",
       _scheme(lambda s: s.get("type") == "apiKey" and s.get("in") == "query")),
    _f("api-key-cookie", ISSUE, "an API key in a cookie", "readme security examples", "auth-api-keys",
       _scheme(lambda s: s.get("type") == "apiKey" and s.get("in") == "cookie")),
    _f("http-basic", ISSUE, "HTTP basic", "twilio", "auth-http", _scheme(lambda s: s.get("scheme") == "basic")),
    _f("http-bearer", ISSUE, "HTTP bearer", "readme security examples", "auth-http kennel-3.0 kennel-3.1 fleet-large",
       _scheme(lambda s: s.get("scheme") == "bearer")),
    _f("oauth2-client-credentials", ISSUE, "OAuth 2 client credentials", "the audit API, petstore (implicit)", "auth-oauth2 pet-clinic",
       _scheme(lambda s: "clientCredentials" in s.get("flows", {}))),
    _f("openid-connect", ISSUE, "OpenID Connect", "readme security examples", "auth-oauth2", _scheme(lambda s: s.get("type") == "openIdConnect")),
    _f("security-levels", ISSUE, "global security and per-operation overrides", "swagger-petstore3, readme security",
       "auth-api-keys auth-http auth-oauth2 kennel-3.0 kennel-3.1",
       all_of(lambda doc: bool(doc.get("security")), any_security(lambda sec, _d: sec is not None))),
    _f("security-and-or", ISSUE, "requirements naming two schemes (AND) and alternative requirements (OR)",
       "readme security-multiple", "auth-api-keys",
       all_of(any_security(lambda sec, _d: any(len(r) == 2 for r in sec or [])), any_security(lambda sec, _d: len(sec or []) == 2 and {} not in (sec or [])))),
    _f("optional-security", ISSUE, "optional security ({}) and none ([])", "readme security examples", "auth-api-keys auth-http",
       all_of(any_security(lambda sec, _d: sec is not None and {} in sec), any_security(lambda sec, _d: sec == []))),
    _f("query-styles", ISSUE, "object and array query parameters: form (both explodes), deepObject, space- and pipe-delimited",
       "readme parameters-style", "params-query-styles",
       all_of(*(_styled(style) for style in ("deepObject", "spaceDelimited", "pipeDelimited")))),
    _f("dates-everywhere", ISSUE, "date, date-time and uuid in query, path, headers, cookies and bodies", "twilio, train-travel",
       "params-dates", all_of(*(_dated(where) for where in ("query", "path", "header", "cookie")))),
    _f("text-body", ISSUE, "text/plain request bodies", "readme request examples", "bodies-binary-text", _media("text/plain")),
    _f("image-response", ISSUE, "image/png and application/pdf responses", "readme response-multiple-mediatypes", "bodies-binary-text",
       _response_media("image/png")),
    _f("csv-only-response", ISSUE, "an operation whose only response is text/csv", "twilio bulkexports", "bodies-binary-text",
       any_response(lambda c, r, _o: c == "*" and all(list(v.get("content") or {}) == ["text/csv"] for v in r.values()))),
    _f("error-model", ISSUE, "a model named Error", "twilio, petstore-expanded", "error-model", _named(lambda n: n["name"] == "Error")),
    _f("foreign-extensions", ISSUE, "x-swagger-router-controller, and x-topics holding external $refs",
       "swagger-petstore3, readme extensions", "legacy-store", lambda doc: "x-swagger-router-controller" in str(doc) and "x-topics" in doc),
    _f("snapshot-version", ISSUE, "an info.version pip cannot read", "swagger-petstore3 (1.0.27-SNAPSHOT)", "legacy-store",
       lambda doc: doc["info"]["version"].endswith("-SNAPSHOT")),
    _f("deprecated", ISSUE, "deprecated operations, parameters and schemas", "readme schema-deprecated", "legacy-store",
       any_operation(lambda _p, _m, op, _i: op.get("deprecated") is True)),
    _f("server-variables", ISSUE, "a server URL with variables and a base path", "readme server-variables", "legacy-store",
       lambda doc: "variables" in (doc.get("servers") or [{}])[0]),
    _f("name-collision", ISSUE, "a derived operation name that meets an explicit one", "petstore-expanded style specs",
       "nameless-operations", lambda doc: "/all-items" in doc.get("paths", {})),
    _f("required-body-two-ways", ISSUE, "a required body as JSON and a form (stock: NameError Unset, 10 mypy errors)",
       "swagger-petstore3 PUT/POST /pet", "required-body-two-ways",
       any_request_media(lambda mt, _m, b: b.get("required") is True and mt.startswith("application/x-www-form") and len(b["content"]) > 1)),
    _f("large-spec", ISSUE, "a large spec (over 100 operations) for the generate-time comparison", "twilio, star-trek",
       "fleet-large", lambda doc: sum(1 for item in doc["paths"].values() for m in item if m != "parameters") > 100),
)  # fmt: skip


def render() -> str:
    lines = [
        "# Corpus feature matrix",
        "",
        "Generated by `python -m tests.corpus.features` from tests/corpus/features.py; do not edit.",
        "Each feature lists the corpus specs (tests/corpus/specs/) that hold it; `test_feature_matrix.py`",
        "checks each claim with the feature's predicate, and the corpus tests generate, import, type-check",
        "and call every operation of every spec. Sources name where openapi-python-client's own",
        "end-to-end tests exercise the feature (its public repository, end_to_end_tests/), or which real",
        "specs have it.",
        "",
    ]
    for group in (E2E, ISSUE):
        lines += [f"## {group}", "", "| feature | what | source | specs |", "|---|---|---|---|"]
        for feature in FEATURES:
            if feature.group == group:
                specs = ", ".join(f"`{s}`" for s in feature.specs)
                lines.append(f"| {feature.id} | {feature.what} | {feature.source} | {specs} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    MARKDOWN.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {MARKDOWN}\n")
