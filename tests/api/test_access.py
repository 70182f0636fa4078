"""API keys, roles and merchant scoping: another merchant's things are 404, never 403."""

from __future__ import annotations

import pytest
from sqlalchemy import text


def test_no_key_or_bad_key_is_401(deployment) -> None:
    c = deployment.client
    assert c.get("/v1/streams").status_code == 401
    assert c.get("/v1/streams", headers={"X-API-Key": "ork_0000_nope"}).status_code == 401
    assert c.get("/v1/streams", headers={"Authorization": "Bearer garbage"}).status_code == 401
    ok = c.get("/v1/streams", headers={"Authorization": f"Bearer {deployment.keys['agent']}"})
    assert ok.status_code == 200


def test_roles(deployment) -> None:
    c = deployment.client
    assert c.get("/v1/review", headers=deployment.h("agent")).status_code == 403
    assert c.get("/v1/review", headers=deployment.h("compliance")).status_code == 200
    assert (
        c.post("/v1/admin/keys", json={"role": "agent"}, headers=deployment.h("compliance")).status_code
        == 403
    )
    me = c.get("/v1/me", headers=deployment.h("compliance")).json()
    assert me["role"] == "compliance" and me["merchant"] == "shop-a"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/v1/streams/s2", None),
        ("GET", "/v1/streams/s2/claims", None),
        ("GET", "/v1/streams/s2/clip?start=1&end=3", None),
        ("GET", "/v1/streams/s2/verify", None),
        ("GET", "/v1/review?stream=s2", None),
        ("GET", "/v1/review/s2:u0:c0/history", None),
        ("POST", "/v1/review/s2:u0:c0", {"status": "confirmed"}),
        ("POST", "/v1/evidence", {"claims": ["s2:u0:c0"]}),
        ("POST", "/v1/evidence", {"spans": [{"stream": "s2", "start": 1, "end": 3}]}),
    ],
)
def test_other_merchants_things_are_404(deployment, method, path, body) -> None:
    r = deployment.client.request(method, path, json=body, headers=deployment.h("compliance"))
    assert r.status_code == 404, r.text
    assert "s2" not in {
        s["stream"]["id"] for s in deployment.client.get("/v1/streams", headers=deployment.h("agent")).json()
    }


def test_other_merchants_bundle_is_404(deployment) -> None:
    made = deployment.client.post(
        "/v1/evidence",
        json={"spans": [{"stream": "s2", "start": 3, "end": 6}]},
        headers=deployment.h("agent_b"),
    )
    assert made.status_code == 201, made.text
    bid = made.json()["bundle_id"]
    assert deployment.client.get(f"/v1/evidence/{bid}", headers=deployment.h("agent_b")).status_code == 200
    assert deployment.client.get(f"/v1/evidence/{bid}", headers=deployment.h("agent")).status_code == 404


def test_admin_creates_lists_and_revokes_keys_storing_only_hashes(deployment) -> None:
    c = deployment.client
    made = c.post("/v1/admin/keys", json={"role": "agent", "name": "desk 2"}, headers=deployment.h("admin"))
    assert made.status_code == 201, made.text
    key, info = made.json()["key"], made.json()["info"]
    assert info["merchant"] == "shop-a" and info["role"] == "agent"
    assert c.get("/v1/me", headers={"X-API-Key": key}).json()["id"] == info["id"]
    with deployment.services.catalog.engine.connect() as conn:
        dump = "\n".join(str(tuple(r)) for r in conn.execute(text("select * from api_keys")))
    secret = key.split("_", 2)[2]
    assert secret not in dump and info["id"] in dump
    ids = [k["id"] for k in c.get("/v1/admin/keys", headers=deployment.h("admin")).json()]
    assert info["id"] in ids
    assert c.delete(f"/v1/admin/keys/{info['id']}", headers=deployment.h("admin")).status_code == 204
    assert c.get("/v1/me", headers={"X-API-Key": key}).status_code == 401
    audit = c.get("/v1/audit", headers=deployment.h("admin")).json()
    assert {"key.created", "key.revoked"} <= {a["action"] for a in audit}


def test_keys_cli_creates_a_key(deployment) -> None:
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "ONRECORD_DATA_DIR": str(deployment.services.settings.data_dir)}
    cmd = [sys.executable, "-m", "pipeline.cli", "keys", "create", "--role", "admin", "--merchant", "shop-c"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    made = json.loads(done.stdout)
    r = deployment.client.get("/v1/me", headers={"X-API-Key": made["key"]})
    assert r.json()["merchant"] == "shop-c" and r.json()["role"] == "admin"
