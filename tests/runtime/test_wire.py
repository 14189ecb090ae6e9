"""runtime/core/_wire.py: parameters and bodies as OpenAPI writes them, checked against the examples of the
OpenAPI 3 specification's style table and with hypothesis for any characters a value may hold."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlencode

import pytest
from genesys_cloud_audit import ConfigurationError
from genesys_cloud_audit._core._wire import (
    Param,
    cookie_header,
    expand_path,
    file_content,
    form_body,
    header_values,
    multipart_parts,
    query_pairs,
)
from genesys_cloud_audit.types import UNSET, File
from hypothesis import given
from hypothesis import strategies as st

COLOR = ["blue", "black", "brown"]
POINT = {"R": 100, "G": 200, "B": 150}


@pytest.mark.parametrize(
    ("style", "explode", "value", "expected"),
    [
        ("form", True, 5, [("id", "5")]),
        ("form", True, COLOR, [("id", "blue"), ("id", "black"), ("id", "brown")]),
        ("form", False, COLOR, [("id", "blue,black,brown")]),
        ("form", True, POINT, [("R", "100"), ("G", "200"), ("B", "150")]),
        ("form", False, POINT, [("id", "R,100,G,200,B,150")]),
        ("spaceDelimited", False, COLOR, [("id", "blue black brown")]),
        ("pipeDelimited", False, COLOR, [("id", "blue|black|brown")]),
        ("deepObject", True, POINT, [("id[R]", "100"), ("id[G]", "200"), ("id[B]", "150")]),
        ("deepObject", True, {"a": {"b": 1}, "c": [1, 2]}, [("id[a][b]", "1"), ("id[c]", "1"), ("id[c]", "2")]),
        ("json", None, {"a": [1, "x"]}, [("id", '{"a":[1,"x"]}')]),
    ],
)
def test_query_styles(style: str, explode: bool | None, value: object, expected: list[tuple[str, str]]) -> None:
    assert query_pairs([Param("id", value, style, explode)]) == expected


@pytest.mark.parametrize(("value", "text"), [(True, "true"), (False, "false"), (1.5, "1.5"), (0, "0"), ("x y", "x y")])
def test_scalars_are_written_as_json_writes_them(value: object, text: str) -> None:
    assert query_pairs([Param("v", value)]) == [("v", text)]


def test_unset_and_none_are_left_out_everywhere() -> None:
    params = [Param("a", UNSET), Param("b", None), Param("c", [None, "x", UNSET]), Param("d", {"k": None, "l": 1})]
    assert query_pairs(params) == [("c", "x"), ("l", "1")]
    assert header_values(params) == {"c": "x", "d": "l,1"}
    assert cookie_header(params) == "c=x; l=1"
    assert cookie_header([Param("a", UNSET)]) is None


@pytest.mark.parametrize(
    ("style", "explode", "value", "expected"),
    [
        ("simple", False, 5, "/items/5"),
        ("simple", False, COLOR, "/items/blue,black,brown"),
        ("simple", False, POINT, "/items/R,100,G,200,B,150"),
        ("simple", True, POINT, "/items/R=100,G=200,B=150"),
        ("label", False, COLOR, "/items/.blue,black,brown"),
        ("label", True, COLOR, "/items/.blue.black.brown"),
        ("matrix", False, 5, "/items/;id=5"),
        ("matrix", True, COLOR, "/items/;id=blue;id=black;id=brown"),
        ("matrix", False, POINT, "/items/;id=R,100,G,200,B,150"),
    ],
)
def test_path_styles(style: str, explode: bool, value: object, expected: str) -> None:
    assert expand_path("/items/{id}", [Param("id", value, style, explode)]) == expected


@pytest.mark.parametrize("value", [".", "..", ["."], [".."]])
def test_a_path_segment_that_would_be_normalised_away_is_refused(value: object) -> None:
    with pytest.raises(ConfigurationError, match="makes the path segment"):
        expand_path("/api/v2/audits/query/{transactionId}", [Param("transactionId", value)])


def test_a_missing_path_value_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="path parameter 'id' needs a value"):
        expand_path("/items/{id}", [Param("id", UNSET)])


@given(st.text(min_size=1).filter(lambda text: text not in (".", "..")))
def test_any_path_value_is_one_segment_that_reads_back_as_written(value: str) -> None:
    path = expand_path("/things/{id}/parts", [Param("id", value)])
    prefix, segment, suffix = path.split("/")[1:]
    assert (prefix, suffix) == ("things", "parts")
    assert unquote(segment, errors="surrogatepass") == value


@given(st.lists(st.text(), max_size=4), st.text())
def test_any_query_value_round_trips_through_the_encoded_query(values: list[str], single: str) -> None:
    pairs = query_pairs([Param("many", values), Param("one", single)])
    encoded = urlencode(pairs)
    assert parse_qsl(encoded, keep_blank_values=True) == [("many", value) for value in values] + [("one", single)]


def test_headers_are_simple_style() -> None:
    assert header_values([Param("X-List", COLOR), Param("X-Obj", POINT, explode=True), Param("X-N", 3)]) == {
        "X-List": "blue,black,brown",
        "X-Obj": "R=100,G=200,B=150",
        "X-N": "3",
    }


def test_cookies_are_form_style_and_encoded_where_a_cookie_cannot_hold_a_character() -> None:
    header = cookie_header([Param("session", "a b;c"), Param("ids", COLOR, explode=False)])
    assert header == "session=a%20b%3Bc; ids=blue,black,brown"


def test_a_form_body_repeats_arrays_and_writes_objects_as_json_or_deep_objects() -> None:
    body = form_body(
        {"name": "rex", "tags": ["a", "b"], "meta": {"k": 1}, "deep": {"k": 2}, "gone": UNSET}, {"deep": "deepObject"}
    )
    assert parse_qsl(body.decode()) == [
        ("name", "rex"),
        ("tags", "a"),
        ("tags", "b"),
        ("meta", '{"k":1}'),
        ("deep[k]", "2"),
    ]


def test_files_are_read_once_so_that_a_retry_sends_them_whole() -> None:
    import io

    payload = io.BytesIO(b"IMG")
    assert file_content(File(payload=payload)) == b"IMG"
    parts = multipart_parts([("file", ("a.png", io.BytesIO(b"PNG"), "image/png")), ("n", (None, b"1", "text/plain"))])
    assert parts == [("file", ("a.png", b"PNG", "image/png")), ("n", (None, b"1", "text/plain"))]
