"""API keys of the admin's merchant: create (the key is shown once), list, revoke."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException
from fastapi import Path as PathParam

from api.auth import Admin, Agent, Ctx
from api.errors import ErrorBody
from models import ApiKey, ApiKeyCreated, ApiKeyRequest

router = APIRouter(prefix="/v1/admin", tags=["admin"])
me_router = APIRouter(prefix="/v1", tags=["admin"])
KeyId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{1,32}$", description="key id")]


@router.post("/keys", response_model=ApiKeyCreated, status_code=201, summary="Create an API key")
def create_key(body: ApiKeyRequest, ctx: Ctx, key: Admin) -> ApiKeyCreated:
    """A key for the admin's own merchant; only a hash of it is kept, so save `key` now."""
    made = ctx.accounts.create_key(body.role, key.merchant, body.name)
    ctx.accounts.audit(key.id, key.merchant, "key.created", made.info.id, {"role": body.role.value})
    return made


@router.get("/keys", response_model=list[ApiKey], summary="The merchant's API keys")
def list_keys(ctx: Ctx, key: Admin) -> list[ApiKey]:
    return ctx.accounts.list_keys(key.merchant)


@router.delete(
    "/keys/{key_id}",
    status_code=204,
    summary="Revoke an API key",
    responses={409: {"model": ErrorBody, "description": "the merchant's last active admin key"}},
)
def revoke_key(key_id: KeyId, ctx: Ctx, key: Admin) -> None:
    """Idempotent: revoking a revoked key is a 204 again, audited once. The merchant's last active admin
    key cannot be revoked (409): make another admin key first."""
    outcome = ctx.accounts.revoke_key(key_id, key.merchant, key.id)
    if outcome == "unknown":
        raise HTTPException(404, f"unknown key {key_id!r}")
    if outcome == "last_admin":
        raise HTTPException(
            409, f"key {key_id!r} is the merchant's last active admin key; create another admin key first"
        )


@me_router.get("/me", response_model=ApiKey, summary="The calling key: its role and merchant")
def me(key: Agent) -> ApiKey:
    return key
