"""API keys: `X-API-Key: ork_…` or `Authorization: Bearer ork_…` → the key's role and merchant.

Roles nest: an admin can do what compliance can, compliance what an agent can. A key sees only
its own merchant's data; the routes answer 404 (not 403) for anything of another merchant's.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, HTTPException
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from api.context import ApiContext, context
from models import ApiKey, Role

_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="an OnRecord API key")
_bearer = HTTPBearer(auto_error=False, description="the same key as a bearer token")
_RANK = {Role.AGENT: 0, Role.COMPLIANCE: 1, Role.ADMIN: 2}


def principal(
    ctx: Annotated[ApiContext, Depends(context)],
    header: Annotated[str | None, Depends(_header)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiKey:
    """The caller's key; 401 when it is missing, unknown or revoked."""
    key = header or (bearer.credentials if bearer else None)
    found = ctx.accounts.resolve_key(key) if key and len(key) < 200 else None
    if found is None:
        raise HTTPException(
            401, "missing or invalid API key (X-API-Key header)", headers={"WWW-Authenticate": "Bearer"}
        )
    return found


def require(role: Role) -> Callable[[ApiKey], Coroutine[Any, Any, ApiKey]]:
    """A dependency admitting keys of `role` or above; 403 for the others."""

    async def check(key: Annotated[ApiKey, Depends(principal)]) -> ApiKey:  # no I/O: no thread hop
        if _RANK[key.role] < _RANK[role]:
            raise HTTPException(403, f"this needs a {role.value} key; yours is {key.role.value}")
        return key

    return check


Agent = Annotated[ApiKey, Depends(require(Role.AGENT))]
Compliance = Annotated[ApiKey, Depends(require(Role.COMPLIANCE))]
Admin = Annotated[ApiKey, Depends(require(Role.ADMIN))]
Ctx = Annotated[ApiContext, Depends(context)]
