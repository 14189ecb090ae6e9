"""The services, entity types and actions the emulated organization audits."""

from __future__ import annotations

from typing import Final

__all__ = [
    "CATALOGUE",
    "SERVICE_NAMES",
    "service_mapping",
]

_CRUD: Final = ("Create", "Update", "Delete")

# service -> entity type -> actions recorded on it.
CATALOGUE: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "Architect": {
        "Flow": (*_CRUD, "Publish", "Checkin", "Checkout", "Revert"),
        "Prompt": _CRUD,
        "DataTable": (*_CRUD, "View"),
        "Schedule": _CRUD,
    },
    "PeoplePermissions": {
        "User": (*_CRUD, "Add", "Remove"),
        "Role": (*_CRUD, "Add", "Remove"),
        "OAuthClient": (*_CRUD, "Authorize"),
        "AuthorizationGrant": ("Add", "Remove"),
    },
    "ContactCenter": {
        "Conversation": ("View", "Update", "Delete"),
        "Recording": ("View", "Download", "Delete"),
        "Screenshare": ("View",),
    },
    "Groups": {
        "Group": (*_CRUD, "Add", "Remove"),
    },
    "Telephony": {
        "Phone": _CRUD,
        "Edge": ("Update", "Reboot"),
        "Trunk": _CRUD,
        "Did": ("Assign", "Unassign"),
    },
    "Outbound": {
        "Campaign": (*_CRUD, "Start", "Stop"),
        "ContactList": (*_CRUD, "Export"),
        "DncList": (*_CRUD, "Export"),
    },
    "Routing": {
        "Queue": (*_CRUD, "Add", "Remove"),
        "Skill": _CRUD,
        "WrapupCode": _CRUD,
        "EmailDomain": _CRUD,
    },
    "Integrations": {
        "Integration": (*_CRUD, "Enable", "Disable"),
        "Action": (*_CRUD, "Execute"),
        "Credential": (*_CRUD, "View"),
    },
    "AnalyticsReporting": {
        "Export": ("Create", "Delete", "Download"),
        "Dashboard": (*_CRUD, "View"),
    },
    "Quality": {
        "Evaluation": (*_CRUD, "Release"),
        "EvaluationForm": (*_CRUD, "Publish"),
        "Calibration": _CRUD,
    },
    "Directory": {
        "Profile": ("Update", "View"),
        "Location": _CRUD,
    },
    "Webhooks": {
        "Webhook": (*_CRUD, "Enable", "Disable"),
    },
    "WorkforceManagement": {
        "ManagementUnit": _CRUD,
        "Schedule": (*_CRUD, "Publish"),
        "TimeOffRequest": ("Create", "Approve", "Deny"),
    },
    "Messaging": {
        "MessagingIntegration": _CRUD,
        "SupportedContent": _CRUD,
    },
    "Knowledge": {
        "KnowledgeBase": _CRUD,
        "Document": (*_CRUD, "Publish"),
    },
    "Gamification": {
        "Profile": _CRUD,
        "Metric": _CRUD,
    },
}

SERVICE_NAMES: Final[tuple[str, ...]] = tuple(CATALOGUE)


def service_mapping() -> dict[str, object]:
    """The body of both servicemapping responses (AuditQueryServiceMapping).

    Both endpoints list every service the data generator writes, so any
    mapped service can be used in either kind of query.
    """
    return {
        "services": [
            {
                "name": name,
                "entities": [{"name": entity, "actions": list(actions)} for entity, actions in CATALOGUE[name].items()],
            }
            for name in SERVICE_NAMES
        ]
    }
