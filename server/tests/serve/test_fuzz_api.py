"""Requests generated from the OpenAPI document never make the server fail (no 5xx)."""

import requests
import schemathesis
from hypothesis import HealthCheck, settings

from paramlens.serve.openapi import openapi_document
from server_process import ServerProcess

# The routes that read configs and run files; the job routes start worker processes and
# stream events, so they have their own tests.
_FUZZED = (
    r"^/(health|version|devices|validate|modules)$|"
    r"^/runs/\{run_id\}/(graphs|graphs/\{graph_id\}|components/\{module\}/\{index\})$"
)

schema = schemathesis.openapi.from_dict(openapi_document()).include(path_regex=_FUZZED)
# One connection pool for every generated request.
session = requests.Session()


@schema.parametrize()
@settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_generated_requests_get_no_server_error(
    case: schemathesis.Case, server: ServerProcess
) -> None:
    response = case.call(
        base_url=server.url,
        session=session,
        headers={"Authorization": f"Bearer {server.token}"},
        timeout=60,
    )

    assert response.status_code < 500, response.text
    assert server.process.poll() is None
