"""The emulator's request pipeline: faults, routing, auth, rate limit, validation."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any, Final
from urllib.parse import unquote

from emulator import control, handlers
from emulator.errors import ApiError
from emulator.faults import FiredFaults
from emulator.messages import Request, Response, encode_json
from emulator.state import EmulatorState

__all__ = ["UNKNOWN_LEVEL", "UNKNOWN_STATUS", "EmulatorApp"]

log = logging.getLogger("emulator")

UNKNOWN_LEVEL: Final = "PARTNER"
UNKNOWN_STATUS: Final = "PARTIAL"

Handler = Callable[..., Response]


class _Route:
    def __init__(self, method: str, template: str, handler: Handler, *, audit: bool = True) -> None:
        self.method = method
        self.template = template
        self.handler = handler
        self.audit = audit  # an Audit API operation: bearer, rate limit, validation
        pattern = re.sub(r"\{[^/]+\}", "([^/]+)", template)
        self.regex = re.compile(f"^{pattern}$")


_ROUTES: Final = (
    _Route("POST", "/oauth/token", handlers.post_token, audit=False),
    _Route("POST", "/api/v2/audits/query", handlers.post_query),
    _Route("POST", "/api/v2/audits/query/realtime", handlers.post_realtime_query),
    _Route("POST", "/api/v2/audits/query/realtime/related", handlers.post_related_query),
    _Route("GET", "/api/v2/audits/query/realtime/servicemapping", handlers.get_service_mapping),
    _Route("GET", "/api/v2/audits/query/servicemapping", handlers.get_service_mapping),
    _Route("GET", "/api/v2/audits/query/{transactionId}", handlers.get_query_status),
    _Route("GET", "/api/v2/audits/query/{transactionId}/results", handlers.get_query_results),
)


def _find_route(method: str, path: str) -> tuple[_Route | None, list[str], list[str]]:
    """The route for a request, its path parameters, and the methods the path allows."""
    allowed: list[str] = []
    for route in _ROUTES:
        match = route.regex.match(path)
        if match is None:
            continue
        if route.method == method:
            return route, [unquote(g) for g in match.groups()], []
        allowed.append(route.method)
    return None, [], allowed


class EmulatorApp(EmulatorState):
    """The emulator's state, and the function that answers a request."""

    # -- the pipeline -----------------------------------------------------

    def handle(self, request: Request) -> Response:
        if request.path == "/_emulator" or request.path.startswith("/_emulator/"):
            return control.handle(self, request)
        route, path_params, allowed = _find_route(request.method, request.path)
        route_name = f"{request.method} {route.template if route else request.path}"
        fired = self.faults.decide(request.method, request.path)
        response = self._answer(request, route, path_params, allowed, fired)
        self.stats.response(route_name, response.status)
        if self.config.log_requests:
            log.info(
                "%s %s -> %s",
                request.method,
                request.path,
                response.status or "dropped",
            )
        return response

    def _answer(
        self,
        request: Request,
        route: _Route | None,
        path_params: list[str],
        allowed: list[str],
        fired: FiredFaults,
    ) -> Response:
        if fired.delay:
            self.stats.event("delayed")
            time.sleep(fired.delay)
        if fired.drop:
            self.stats.event("faults_fired")
            self.stats.event("dropped")
            return Response.dropped()
        if fired.status is not None:
            self.stats.event("faults_fired")
            rule = fired.status
            error = ApiError.retry_after(rule.retry_after) if rule.status == 429 else ApiError(rule.status or 500)
            return self._validated(request, route, Response.error(error))
        if route is None:
            if allowed:
                error = ApiError(
                    405,
                    f"{request.method} is not allowed here",
                    "method.not.allowed",
                    headers={"Allow": ", ".join(sorted(set(allowed)))},
                )
            else:
                error = ApiError(404, f"No resource at {request.path}", "not.found")
            return Response.error(error)
        try:
            if route.audit:
                self._admit(request)
            response = route.handler(self, request, *path_params)
        except ApiError as error:
            response = Response.error(error)
        except Exception:
            log.exception("handler failed for %s %s", request.method, request.path)
            response = Response.error(ApiError(500))
        response = self._validated(request, route, response)
        if fired.mutates and 200 <= response.status < 300:
            self.stats.event("faults_fired")
            response = _mutate(response, fired)
        if fired.lose:  # the request took effect; its answer never arrives
            self.stats.event("faults_fired")
            self.stats.event("dropped")
            return Response.dropped()
        return response

    def _admit(self, request: Request) -> None:
        """Bearer check and rate limit for an Audit API call."""
        now = time.monotonic()
        try:
            token = self.tokens.use(
                request.headers.get("authorization"),
                now,
                self.config.token_max_requests,
            )
        except ApiError:
            self.stats.event("auth_failures")
            raise
        limit = self.config.rate_limit_rpm
        if limit is not None:
            wait = self.rate_limiter.check(token, limit, self.config.rate_limit_window, now)
            if wait is not None:
                self.stats.event("rate_limited")
                raise ApiError.retry_after(wait)

    def _validated(self, request: Request, route: _Route | None, response: Response) -> Response:
        """Check an Audit API exchange against the spec; strict mode turns drift into 500."""
        if not self.config.validate or route is None or not route.audit:
            return response
        validator = self.validator()
        # Records with what the spec does not list cannot fit it: only the requests are checked then.
        unlisted = self.config.shape == "extra-fields"
        problems = [] if unlisted else [f"response: {p}" for p in validator.response_errors(request, response)]
        if 200 <= response.status < 300:
            # The emulator accepted the request, so the spec must accept it too.
            problems += [f"request: {p}" for p in validator.request_errors(request)]
        if not problems:
            return response
        summary = f"{request.method} {request.path} -> {response.status}: " + " | ".join(problems)
        self.stats.validation_error(summary)
        log.error("spec validation failed: %s", summary)
        if not self.config.strict:
            return response
        return Response.error(
            ApiError(
                500,
                "Emulator bug: exchange does not match the spec: " + summary[:500],
                "internal.server.error",
            )
        )


def _mutate(response: Response, fired: FiredFaults) -> Response:
    """Apply the unknown-enum / extra-fields faults to a JSON success body."""
    payload = response.json_value()
    if not isinstance(payload, dict):
        return response
    entities: list[Any] = payload.get("entities") or []
    for entity in entities:
        if fired.unknown_enum:
            entity["level"] = UNKNOWN_LEVEL
            entity["status"] = UNKNOWN_STATUS
        if fired.extra_fields:
            entity["partnerAttribution"] = {
                "partnerId": "emulator-partner",
                "tier": "gold",
            }
            entity["schemaRevision"] = 7
    if fired.extra_fields:
        payload["emulatorNotice"] = "unknown field added by the extra-fields fault"
    response.body = encode_json(payload)
    return response
