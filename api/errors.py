"""The API's error body and the error responses every route documents."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ErrorBody(BaseModel):
    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "model": ErrorBody,
        "description": "the request cannot be served as asked (e.g. a span outside the recording)",
    },
    401: {"model": ErrorBody, "description": "missing or invalid API key"},
    403: {"model": ErrorBody, "description": "the key's role does not allow this"},
    404: {"model": ErrorBody, "description": "unknown id, or another merchant's"},
    408: {"model": ErrorBody, "description": "the request body did not all arrive in time"},
    413: {"model": ErrorBody, "description": "request body over 1 MiB"},
}
