"""What generated modules import from the core: the one surface between rendered code and the runtime.

Templates import only from here, so the core's own modules can move without touching a template.
"""

from ._client import ApiRequest, RequestOptions
from ._datetimes import format_datetime
from ._decoding import (
    check_bool,
    check_bool_list,
    check_float,
    check_int,
    check_int_list,
    check_list,
    check_str,
    check_str_list,
    check_str_values,
    decode_data,
    decode_json,
    decode_response,
    parse_json,
    require_field,
    unexpected_status,
)
from ._enums import unknown_member
from ._errors import DecodingError, http_status
from ._models import MapModel, Model, OpenModel
from ._paging import AsyncCursorPages, AsyncNumberedPages, CursorPages, NumberedPages, first_page
from ._security import SecurityScheme
from ._waiter import WaitPolicy, wait_for_state, wait_for_state_async
from ._wire import Param, expand_path, file_content, form_body, multipart_parts

__all__ = [
    "ApiRequest",
    "AsyncCursorPages",
    "AsyncNumberedPages",
    "CursorPages",
    "DecodingError",
    "MapModel",
    "Model",
    "NumberedPages",
    "OpenModel",
    "Param",
    "RequestOptions",
    "SecurityScheme",
    "WaitPolicy",
    "check_bool",
    "check_bool_list",
    "check_float",
    "check_int",
    "check_int_list",
    "check_list",
    "check_str",
    "check_str_list",
    "check_str_values",
    "decode_data",
    "decode_json",
    "decode_response",
    "expand_path",
    "file_content",
    "first_page",
    "form_body",
    "format_datetime",
    "http_status",
    "multipart_parts",
    "parse_json",
    "require_field",
    "unexpected_status",
    "unknown_member",
    "wait_for_state",
    "wait_for_state_async",
]
