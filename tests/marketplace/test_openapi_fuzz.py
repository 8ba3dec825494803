"""Schema-driven fuzzing (RELIABILITY 18): schemathesis generates requests from
``/openapi.json`` for every operation; no response may be a 5xx or contradict the schema
(status code, content type, body). Calls carry a partner's token; bounded to a few examples
per operation. Skipped where schemathesis is not installed (it is in the ``dev`` extra)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


def test_api_conforms_to_its_schema(app: FastAPI, make_partner: Any, wheels: Any,
                                    upload_file: Any) -> None:
    partner = make_partner()  # owns a published skill, so authorized writes reach the service
    assert upload_file(partner, wheels()).status_code == 200
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    calls: dict[str, int] = {}
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def call(case: Any) -> None:
            calls[case.operation.label] = calls.get(case.operation.label, 0) + 1
            case.call_and_validate(headers=partner.bearer, checks=CHECKS)

        call()
    assert len(calls) >= 20 and min(calls.values()) >= 1, calls
