"""The audits related to an audit: every record written by the action that wrote it, in one call.

    for record in related_audits(client, "5f1c...", sort="ascending"):
        ...

One request answers them all (the operation has no paging), so the records come back as a list.
"""

from __future__ import annotations

from ..api.audit import post_audits_query_realtime_related as _related
from ..models.audit_log_message import AuditLogMessage
from ..models.audit_realtime_related_results_response import AuditRealtimeRelatedResultsResponse
from . import _arguments
from ._arguments import RelatedArguments, one_call

__all__ = ["related_audits", "related_audits_async"]


def _records(response: AuditRealtimeRelatedResultsResponse) -> list[AuditLogMessage]:
    return list(response.entities or [])


@one_call(_arguments.related)
def related_audits(arguments: RelatedArguments) -> list[AuditLogMessage]:
    """Every audit record the action behind `audit_id` created (that record included)."""
    response = _related.sync(
        client=arguments.client,
        body=arguments.body,
        expand=arguments.settings.expand,
        request_options=arguments.settings.request_options,
    )
    return _records(response)


@one_call(_arguments.related)
async def related_audits_async(arguments: RelatedArguments) -> list[AuditLogMessage]:
    """`related_audits` for `await`."""
    response = await _related.asyncio(
        client=arguments.client,
        body=arguments.body,
        expand=arguments.settings.expand,
        request_options=arguments.settings.request_options,
    )
    return _records(response)
