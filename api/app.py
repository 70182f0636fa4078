"""The OnRecord API and web page: `create_app(services)` composes everything; nothing runs at import.

    uvicorn --factory api.app:app_from_env     (or `onrecord serve`)

Errors are JSON `{"detail": "..."}`: 401 no/invalid key, 403 wrong role, 404 unknown id or another
merchant's, 408 a body that did not arrive in time, 409 a ticket id reused for another ticket (or still being
answered) or the last admin key, 413 a body over 1 MiB or a bundle over its bytes, 429 a key's allowance spent
(with `Retry-After`), 400 a request that cannot be served (spans outside the recording, reversed spans, a bundle
over its bounds, a query string that is not UTF-8 text), 422 malformed input (FastAPI's validation errors, which
leave out the input where it cannot be shown).
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import (
    routes_admin,
    routes_chat,
    routes_desk,
    routes_evidence,
    routes_review,
    routes_search,
    routes_streams,
    routes_tickets,
)
from api.context import ApiContext
from api.errors import ERRORS
from models import (
    BundleTooLargeError,
    CatalogError,
    InputError,
    OnRecordError,
    QuotaExceededError,
    StorageError,
    TicketBusyError,
    TicketConflictError,
    UnknownClaimError,
    UnknownStreamError,
)
from pipeline.desk_view import DeskView
from pipeline.services import Services

WEB = Path(__file__).parent / "web"
MAX_BODY = 1 << 20


class BodyLimit:
    """Answers 413 to a request body over `limit` bytes, declared or streamed, before the app sees it, 408 to one
    that has not all arrived `timeout_s` after the headers (the connection is closed), 400 to a query string
    that is not UTF-8 text, and 400 to a JSON body that no route can store or echo: NaN, Infinity or a number
    that overflows to it (1e999), and a lone surrogate (`\\ud800`) in any string or key. Pydantic would accept
    both, and the validation error that echoes them, or the catalog that stores them, fails with a 500."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY, timeout_s: float = 30.0) -> None:
        self.app, self.limit, self.timeout_s = app, limit, timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        bad_query = undecodable_query(scope.get("query_string", b""))
        if bad_query:
            await JSONResponse({"detail": bad_query}, status_code=400)(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.limit:
            await _too_large(scope, receive, send, self.limit)
            return
        chunks, size = [], 0
        deadline = asyncio.get_running_loop().time() + self.timeout_s
        while True:
            try:  # a client that declares a body and never sends it would hold the connection forever
                message = await asyncio.wait_for(receive(), deadline - asyncio.get_running_loop().time())
            except TimeoutError:
                detail = f"request body not received within {self.timeout_s:g} s"
                response = JSONResponse({"detail": detail}, status_code=408, headers={"Connection": "close"})
                await response(scope, receive, send)
                return
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await _too_large(scope, receive, send, self.limit)
                return
            if not message.get("more_body"):
                break
        body, sent = b"".join(chunks), False
        problem = unstorable_json(body) if _is_json(scope) else None
        if problem:
            response = JSONResponse({"detail": f"request body cannot be accepted: {problem}"}, status_code=400)
            await response(scope, receive, send)
            return

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def undecodable_query(query: bytes) -> str | None:
    """Why a query string holds a name or value that is not UTF-8 text once %-decoded (`%FF`, or `%ED%A0%80`,
    a lone surrogate), naming the parameter; None if it is all text. Starlette would pass on U+FFFD in its
    place, so a search would run for garbage and a validation error would echo it."""
    for pair in query.split(b"&"):
        name, _, value = pair.partition(b"=")
        try:
            label = unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            return "a query parameter's name is not valid UTF-8 text"
        try:
            unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            shown = label if label.isprintable() and len(label) <= 64 else "(unprintable)"
            return f"query parameter {shown!r} is not valid UTF-8 text (a stray byte or a lone surrogate)"
    return None


def _is_json(scope: Scope) -> bool:
    kind = dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip().lower()
    return kind == b"application/json" or kind.endswith(b"+json")


def unstorable_json(body: bytes) -> str | None:
    """Why a JSON body holds a value JSON cannot carry back (non-finite number, lone surrogate); None if it holds
    none, or if it is not JSON at all (the route's own validation answers that)."""

    def finite(text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            raise _UnstorableError(f"the number {text[:40]} is out of range")
        return value

    def constant(name: str) -> float:
        raise _UnstorableError(f"{name} is not a number JSON can carry")

    try:
        parsed = json.loads(body, parse_float=finite, parse_constant=constant)
    except _UnstorableError as exc:
        return str(exc)
    except ValueError:  # not JSON (or not UTF-8): FastAPI's own 422 names it
        return None
    stack = [parsed]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return "a string holds a lone surrogate (not valid Unicode text)"
    return None


class _UnstorableError(ValueError):
    pass


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    response = JSONResponse({"detail": f"request body too large (at most {limit} bytes)"}, status_code=413)
    await response(scope, receive, send)


def _error(status: int) -> Any:
    async def handler(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status)

    return handler


async def _quota_exceeded(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, QuotaExceededError)
    body = {"detail": str(exc), "limit": exc.action, "retry_after": exc.retry_after}
    return JSONResponse(body, status_code=429, headers={"Retry-After": str(exc.retry_after)})


async def _invalid_request(_: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422, but one that cannot fail: where the input cannot be echoed (bytes that are not UTF-8,
    a lone surrogate), each error keeps its place and reason without the input."""
    assert isinstance(exc, RequestValidationError)
    try:
        return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
    except (ValueError, TypeError):  # UnicodeError is a ValueError
        pass
    try:
        errors = [
            {
                "type": str(e.get("type", "")),
                "loc": [_text(x) for x in e.get("loc", ())],
                "msg": _text(e.get("msg")),
            }
            for e in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)
    except (ValueError, TypeError):
        detail = "the request's input is malformed (and cannot be shown)"
        return JSONResponse({"detail": detail}, status_code=422)


def _text(value: object) -> str | int:
    if isinstance(value, int):
        return value
    return str(value).encode("utf-8", "backslashreplace").decode("utf-8")


def create_app(services: Services) -> FastAPI:
    """The API over composed services; the lifespan opens the catalog and the signing key."""
    ctx = ApiContext.compose(services, getattr(services.settings, "webhook_url", ""))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        services.catalog.load()
        ctx.accounts.list_keys("")  # creates the API's tables on a fresh catalog
        ctx.evidence.signer.load()  # generate the deployment key now, not under the first request
        yield

    app = FastAPI(
        title="OnRecord",
        version="1",
        summary="Every promise a live-commerce host makes, on record: search, clips, evidence, tickets, review.",
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    app.state.desk = DeskView(services, ctx.tickets, ctx.review)
    for router in (
        routes_streams,
        routes_chat,
        routes_search,
        routes_evidence,
        routes_tickets,
        routes_desk,
        routes_review,
        routes_admin,
    ):
        app.include_router(router.router, responses=ERRORS)
    app.include_router(routes_admin.me_router, responses=ERRORS)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(QuotaExceededError, _quota_exceeded)
    app.add_exception_handler(BundleTooLargeError, _error(413))
    app.add_exception_handler(TicketBusyError, _error(409))
    app.add_exception_handler(UnknownClaimError, _error(404))
    app.add_exception_handler(UnknownStreamError, _error(404))
    app.add_exception_handler(TicketConflictError, _error(409))
    app.add_exception_handler(InputError, _error(400))
    app.add_exception_handler(CatalogError, _error(503))
    app.add_exception_handler(StorageError, _error(503))
    app.add_exception_handler(OnRecordError, _error(500))
    app.add_middleware(BodyLimit, timeout_s=services.settings.request_body_timeout_s)
    templates = Jinja2Templates(directory=str(WEB))
    app.mount("/web", StaticFiles(directory=str(WEB)), name="web")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "index.html", {"title": "OnRecord"})

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def app_from_env() -> FastAPI:
    """For `uvicorn --factory api.app:app_from_env`: settings from the environment, read now."""
    from pipeline.settings import Settings

    return create_app(Services(Settings()))
