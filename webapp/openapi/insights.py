"""The insights part of the OpenAPI document: /api/insights/….

Operations keyed by the endpoints of `webapp.insights.api`; their paths come
from the routes (`webapp.openapi.paths`).
"""

from __future__ import annotations

from typing import Any

from kb.insights.records import DAY_COUNTS, GapCheck, GapMeasure, OverviewTable, TopicStatus
from kb.insights.trends import STEPS, TREND_COLUMNS
from webapp.openapi.schema import ERROR_REF, SIGNED_IN, enum_of, json_body, json_response, param

_FILTERS = [
    param(
        "since",
        "First day, YYYY-MM-DD (default: 30 days before until).",
        {"type": "string", "format": "date"},
    ),
    param(
        "until",
        "Last day, included, YYYY-MM-DD (default: today).",
        {"type": "string", "format": "date"},
    ),
    param(
        "department",
        "Only this department's searches (content owners: theirs).",
        {"type": "string"},
    ),
    param("format", "csv for a CSV download instead of JSON.", {"type": "string", "enum": ["csv"]}),
]
_RATE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
_FIGURES = {
    "searches": {"type": "integer"},
    "people": {
        "type": "integer",
        "description": "Distinct signed-in accounts that searched (signed-out searches apart).",
    },
    "signed_out_searches": {
        "type": "integer",
        "description": "Searches no account made: signed out, or sent by another site.",
    },
    "answered_rate": _RATE,
    "zero_result_rate": _RATE,
    "click_through_rate": _RATE,
    "helpful_ratio": _RATE,
    "self_service_rate": {**_RATE, "description": "Search sessions that ended without a request."},
    "deflected": {
        "type": "integer",
        "description": "Ask forms left without a request after a suggested article was opened.",
    },
    "deflection_rate": {**_RATE, "description": "deflected among people who used the ask form."},
    "requests": {"type": "integer"},
    "average_rating": {
        "type": ["number", "null"],
        "description": "Average rating (1-5) of the answers rated in the period.",
    },
}
_ERRORS = {"400": ERROR_REF, "401": ERROR_REF, "403": ERROR_REF}

SCHEMAS: dict[str, Any] = {
    "InsightsOverview": {
        "type": "object",
        "required": ["since", "until", "last_day", *_FIGURES, "previous", "trend"],
        "properties": {
            "since": {"type": "string", "format": "date"},
            "until": {
                "type": "string",
                "format": "date",
                "description": "The period's exclusive end: the day after its last day "
                "(asking for until=2026-03-31, or for no dates today, answers the day after).",
            },
            "last_day": {
                "type": "string",
                "format": "date",
                "description": "The period's last day, included: the date the page shows "
                "and the `until` parameter takes.",
            },
            "department": {"type": ["string", "null"]},
            **_FIGURES,
            "previous": {"type": "object", "properties": _FIGURES},
            "trend": {"type": "object", "description": "Figure minus previous figure."},
            "by": {"type": "string", "enum": list(STEPS), "description": "Only with ?by=."},
            "series": {
                "type": "array",
                "description": "Only with ?by=: the period's days or ISO weeks, in order.",
                "items": {"$ref": "#/components/schemas/TrendStep"},
            },
        },
    },
    "TrendStep": {
        "type": "object",
        "required": list(TREND_COLUMNS),
        "properties": {
            "label": {"type": "string", "description": "The day (2026-03-02) or week (2026-W10)."},
            "since": {"type": "string", "format": "date"},
            "until": {"type": "string", "format": "date", "description": "Included."},
            "days": {
                "type": "integer",
                "description": "Days of the step in the period (a cut week has fewer than 7).",
            },
            **{name: {"type": "integer"} for name in DAY_COUNTS},
            "answered_rate": _RATE,
            "zero_result_rate": _RATE,
            "click_through_rate": _RATE,
            "helpful_ratio": _RATE,
            "deflection_rate": _RATE,
            "partial": {
                "type": "boolean",
                "description": "The step is not over (it holds today): its counts are so far.",
            },
        },
    },
    "GapTopic": {
        "type": "object",
        "required": [
            "id",
            "label",
            "queries",
            "searches",
            "people",
            "department",
            "trend",
            "status",
        ],
        "properties": {
            "id": {"type": "integer"},
            "label": {"type": "string", "description": "'' when no question may be shown."},
            "queries": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Questions asked by at least insights_min_people people.",
            },
            "searches": {"type": "integer"},
            "people": {"type": "integer"},
            "department": {"type": "string", "description": "Where its searches were routed."},
            "trend": {"type": "integer", "description": "Searches minus the previous period's."},
            "status": enum_of(TopicStatus),
            "assigned_department": {"type": ["string", "null"]},
            "answered_before": _RATE,
            "answered_after": _RATE,
            "closed_by": {"type": ["string", "null"], "description": "The article that closed it."},
            "measure": enum_of(
                GapMeasure,
                description="What closes it: its questions answered by a new snapshot,"
                " or, for searches answered but not used, its searches used again.",
            ),
            "used_searches": {
                "type": ["integer", "null"],
                "description": "A gap of use: its searches of the last 7 days and today.",
            },
            "used_after": {
                **_RATE,
                "description": "The share of those with a result opened or voted helpful.",
            },
            "checked_at": {"type": ["string", "null"], "format": "date-time"},
            "check_status": enum_of(
                GapCheck,
                description="not_checked: no verification run has looked at it yet (its"
                " answered shares and measure say nothing until one does).",
            ),
            "requests": {
                "type": "integer",
                "description": "Requests filed about it in the period.",
            },
            "requests_resolved": {"type": "integer"},
        },
    },
    "Gaps": {
        "type": "object",
        "required": ["topics"],
        "properties": {
            "topics": {"type": "array", "items": {"$ref": "#/components/schemas/GapTopic"}}
        },
    },
}

_HOURS = {"type": ["number", "null"]}
SCHEMAS["DepartmentRequests"] = {
    "type": "object",
    "required": ["department", "requests", "top_topics", "backlog", "overdue"],
    "properties": {
        "department": {"type": "string"},
        "requests": {"type": "integer", "description": "Created in the period."},
        "top_topics": {
            "type": "array",
            "description": "The three most frequent topics; those too few people asked are "
            "one row, label '' and topic_id null, their requests summed.",
            "items": {
                "type": "object",
                "properties": {
                    "label": {"type": "string"},
                    "requests": {"type": "integer"},
                    "topic_id": {"type": ["integer", "null"]},
                },
            },
        },
        "median_first_response_hours": {**_HOURS, "description": "Wall-clock hours."},
        "median_resolution_hours": {**_HOURS, "description": "Wall-clock hours."},
        "median_first_response_working_hours": {
            **_HOURS,
            "description": "Working hours, the unit of the target.",
        },
        "median_resolution_working_hours": {
            **_HOURS,
            "description": "Working hours, the unit of the target.",
        },
        "p90_resolution_working_hours": {**_HOURS, "description": "Working hours."},
        "target_first_response_hours": _HOURS,
        "target_resolution_hours": _HOURS,
        "first_response_within_target": _RATE,
        "resolution_within_target": _RATE,
        "backlog": {"type": "integer", "description": "Open now."},
        "overdue": {"type": "integer", "description": "Open and past a due date now."},
        "ratings": {"type": "integer", "description": "Answers rated by their requesters."},
        "average_rating": {"type": ["number", "null"], "description": "Their average, 1-5."},
    },
}
SCHEMAS["RequestInsights"] = {
    "type": "object",
    "required": ["departments"],
    "properties": {
        "departments": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/DepartmentRequests"},
        }
    },
}

SCHEMAS["ContentHealth"] = {
    "type": "object",
    "required": ["findings", "totals"],
    "properties": {
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["article", "title", "department", "kind"],
                "properties": {
                    "article": {"type": "string"},
                    "title": {"type": "string"},
                    "department": {"type": "string"},
                    "kind": {
                        "type": "string",
                        "enum": [
                            "review_overdue",
                            "review_due",
                            "low_helpful",
                            "not_shown",
                            "answer_then_request",
                            "broken_link",
                            "moved_link",
                            "restricted_link",
                            "near_duplicate",
                        ],
                    },
                },
                "additionalProperties": True,
            },
        },
        "totals": {
            "type": "array",
            "description": "One entry per article and kind with findings: how many there "
            "are (`total`) and how many `findings` lists (`listed`, at most 20).",
            "items": {
                "type": "object",
                "required": ["article", "kind", "total", "listed"],
                "properties": {
                    "article": {"type": "string"},
                    "kind": {"type": "string"},
                    "total": {"type": "integer", "minimum": 1},
                    "listed": {"type": "integer", "minimum": 1},
                },
            },
        },
    },
}


def _or_csv(schema_ref: str, description: str) -> dict[str, Any]:
    """JSON, or with format=csv the same figures as a CSV download."""
    response = json_response(schema_ref, description)
    response["content"]["text/csv"] = {"schema": {"type": "string"}}
    return response


OPERATIONS: dict[str, Any] = {
    "api_insights.content_view": {
        "operationId": "insightsContent",
        "summary": "Articles that need a look: review dates, low helpful ratio, unseen, "
        "answers followed by requests, broken links, near-duplicates.",
        "security": SIGNED_IN,
        "parameters": _FILTERS,
        "responses": {"200": _or_csv("ContentHealth", "The findings."), **_ERRORS},
    },
    "api_insights.requests_view": {
        "operationId": "insightsRequests",
        "summary": "Per department: top request topics, times against targets, backlog.",
        "security": SIGNED_IN,
        "parameters": _FILTERS,
        "responses": {"200": _or_csv("RequestInsights", "The figures."), **_ERRORS},
    },
    "api_insights.overview": {
        "operationId": "insightsOverview",
        "summary": "Headline figures of a period with the previous period and the trend.",
        "security": SIGNED_IN,
        "parameters": [
            *_FILTERS,
            param(
                "by",
                "day or week: add the figures per day or per ISO week (series); "
                "with format=csv and no table, the series instead of the headline figures.",
                {"type": "string", "enum": list(STEPS)},
            ),
            param(
                "table",
                "With format=csv, which of the page's tables: figures (the headline "
                "figures), series (per day or week, as by says), departments (searches "
                "per department). Without it: series when by is given, else figures.",
                enum_of(OverviewTable),
            ),
        ],
        "responses": {"200": _or_csv("InsightsOverview", "The figures."), **_ERRORS},
    },
    "api_insights.gaps": {
        "operationId": "insightsGaps",
        "summary": "Knowledge gaps: failed questions grouped into topics, by impact.",
        "security": SIGNED_IN,
        "parameters": [
            *_FILTERS,
            param("status", "Only the topics that stand so.", enum_of(TopicStatus)),
        ],
        "responses": {"200": _or_csv("Gaps", "The topics."), **_ERRORS},
    },
    "api_insights.assign": {
        "operationId": "assignGap",
        "summary": "Give a topic to a department's content owners (analysts, admins).",
        "security": SIGNED_IN,
        "parameters": [
            param("topic_id", "The topic's id.", {"type": "integer"}, required=True, where="path")
        ],
        "requestBody": json_body(
            {
                "type": "object",
                "required": ["department"],
                "properties": {"department": {"type": "string"}},
            }
        ),
        "responses": {
            "200": {
                "description": "The topic's new status.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["id", "status", "assigned_department"],
                            "properties": {
                                "id": {"type": "integer"},
                                "status": enum_of(TopicStatus),
                                "assigned_department": {"type": ["string", "null"]},
                            },
                        }
                    }
                },
            },
            **_ERRORS,
            "404": ERROR_REF,
        },
    },
}
