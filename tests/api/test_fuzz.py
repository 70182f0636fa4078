"""Fuzz every operation from the app's own OpenAPI schema (schemathesis), with valid and invalid inputs:
no input gives a 5xx, and every response matches its documented schema."""

from __future__ import annotations

import tempfile
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.app import create_app
from pipeline.services import Services
from pipeline.settings import Settings


def _operations() -> list[tuple[str, str]]:
    # the schema does not depend on data: read it from an app over an untouched (lazy) deployment
    spec = create_app(Services(Settings(data_dir=Path(tempfile.gettempdir()) / "unused"))).openapi()
    return [(m.upper(), p) for p, ops in spec["paths"].items() for m in ops]


@pytest.fixture(scope="module")
def api_schema(deployment):
    return schemathesis.openapi.from_asgi("/openapi.json", deployment.client.app)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize(("method", "path"), _operations())
def test_no_server_errors(api_schema, deployment, method, path, mode) -> None:
    operation = api_schema[path][method]
    key = deployment.keys["admin"]

    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis.settings(
        max_examples=12,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    def run(case) -> None:
        case.headers = {**dict(case.headers or {}), "X-API-Key": key}
        response = case.call()
        assert response.status_code < 500, (case.path, case.query, case.body, response.text[:300])
        checks = [not_a_server_error] + (
            [response_schema_conformance] if mode is GenerationMode.POSITIVE else []
        )
        case.validate_response(response, checks=checks)

    run()


def test_openapi_documents_every_area(deployment) -> None:
    paths = deployment.client.get("/openapi.json").json()["paths"]
    for path in [
        "/v1/streams",
        "/v1/streams/{stream_id}",
        "/v1/claims",
        "/v1/search",
        "/v1/streams/{stream_id}/clip",
        "/v1/evidence",
        "/v1/tickets",
        "/v1/review",
        "/v1/review/{claim_id}",
        "/v1/admin/keys",
    ]:
        assert path in paths, path
    assert deployment.client.get("/docs").status_code == 200
