"""Evidence bundles: made over the API and the CLI, verified offline, and every kind of tampering named."""

from __future__ import annotations

import base64
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from capture.legal_hold import legal_hold
from evidence import layout
from evidence.verifier import verify_bundle


@pytest.fixture(scope="module")
def bundle(deployment, tmp_path_factory) -> Path:
    claims = [c.id for c in deployment.claims["s1"][:2]]
    r = deployment.client.post(
        "/v1/evidence",
        json={"claims": claims, "spans": [{"stream": "s1", "start": 30, "end": 34}]},
        headers=deployment.h("agent"),
    )
    assert r.status_code == 201, r.text
    info = r.json()
    got = deployment.client.get(info["url"], headers=deployment.h("agent"))
    assert got.status_code == 200 and got.headers["content-type"] == "application/zip"
    path = tmp_path_factory.mktemp("ev") / "bundle.zip"
    path.write_bytes(got.content)
    return path


def test_bundle_contents(deployment, bundle) -> None:
    with zipfile.ZipFile(bundle) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read(layout.MANIFEST))
    assert sum(n.startswith(layout.CLIPS) for n in names) == 3
    assert any(n.startswith(layout.stream_segments("s1")) for n in names)
    first = manifest["items"][0]
    assert first["quote"] == "下单送一片面膜" and first["claim"]["type"] == "gift"
    assert [w["text"] for w in first["words"]] == list("下单送一片面膜")
    assert first["at"].startswith("2026-11-20T12:00:0")
    assert first["clip_t0"] == pytest.approx(max(0, first["t0"] - 2))
    assert manifest["items"][2]["quote"] == "七天无理由退货"  # a span: the transcript of it
    chain = manifest["streams"][0]
    assert chain["head"] == chain["links"][-1]["chain"] and chain["stream"]["id"] == "s1"
    key_file = deployment.services.settings.data_dir / "keys" / "evidence-ed25519.pem"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert legal_hold(deployment.services.store, "s1") is not None


def test_bundle_verifies_offline(bundle, deployment) -> None:
    check = verify_bundle(bundle)
    assert check.ok, check.failures
    assert check.items == 3 and any("signature valid" in c for c in check.checks)
    assert not verify_bundle(bundle, trusted_signer="00" * 32).ok


def _rewrite(src: Path, dst: Path, change) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        files = {n: zin.read(n) for n in zin.namelist()}
        change(files)
        for name, data in files.items():
            zout.writestr(name, data)
    return dst


def _flip(data: bytes, at: int = 2000) -> bytes:
    b = bytearray(data)
    b[at] ^= 0x01
    return bytes(b)


def _segment(files: dict[str, bytes]) -> str:
    return next(n for n in files if n.startswith(layout.SEGMENTS))


def _clip(files: dict[str, bytes]) -> str:
    return next(n for n in files if n.startswith(layout.CLIPS))


def _edit_manifest(files: dict[str, bytes]) -> None:
    m = json.loads(files[layout.MANIFEST])
    m["items"][0]["quote"] = "下单送十片面膜"
    files[layout.MANIFEST] = json.dumps(m).encode()


def _resign_altered_segment(files: dict[str, bytes]) -> None:
    # an attacker with their own key alters a segment and re-signs: the chain still catches it
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    name = _segment(files)
    files[name] = _flip(files[name])
    m = json.loads(files[layout.MANIFEST])
    import hashlib

    m["files"][name] = hashlib.sha256(files[name]).hexdigest()
    key = Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    m["public_key"], m["signer"] = base64.b64encode(raw).decode(), hashlib.sha256(raw).hexdigest()
    files[layout.MANIFEST] = json.dumps(m).encode()
    files[layout.SIGNATURE] = base64.b64encode(key.sign(files[layout.MANIFEST]))


@pytest.mark.parametrize(
    ("change", "expect"),
    [
        (lambda f: f.__setitem__(_clip(f), _flip(f[_clip(f)])), "content hash mismatch"),
        (lambda f: f.__setitem__(_segment(f), _flip(f[_segment(f)])), "content hash mismatch"),
        (_edit_manifest, "signature does not match"),
        (lambda f: f.__setitem__("extra.txt", b"hi"), "extra.txt: not listed"),
        (lambda f: f.pop(_clip(f)), "missing"),
        (_resign_altered_segment, "does not match the chain"),
    ],
    ids=["clip", "segment", "manifest", "added-file", "removed-clip", "resigned"],
)
def test_tampering_is_named(bundle, tmp_path, change, expect) -> None:
    check = verify_bundle(_rewrite(bundle, tmp_path / "t.zip", change))
    assert not check.ok
    assert any(expect in f for f in check.failures), check.failures


def test_resigned_bundle_fails_against_the_trusted_key(bundle, tmp_path) -> None:
    good = verify_bundle(bundle)
    forged = _rewrite(bundle, tmp_path / "f.zip", _resign_altered_segment)
    assert any("not the trusted key" in f for f in verify_bundle(forged, good.signer).failures)


def test_not_a_zip(tmp_path) -> None:
    p = tmp_path / "x.zip"
    p.write_bytes(b"not a zip")
    assert not verify_bundle(p).ok


def test_cli_evidence_for_a_ticket_and_verify(deployment, tmp_path, monkeypatch) -> None:
    from pipeline.cli import app

    monkeypatch.setenv("ONRECORD_DATA_DIR", str(deployment.services.settings.data_dir))
    monkeypatch.setenv("ONRECORD_MERCHANT", "shop-a")
    ticket = tmp_path / "ticket.json"
    ticket.write_text(
        json.dumps(
            {
                "id": "T-cli",
                "text": "说好送面膜，没收到",
                "product": "mask",
                "order_time": "2026-11-20T12:00:26Z",
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "bundle.zip"
    runner = CliRunner()
    r = runner.invoke(app, ["evidence", "--ticket", str(ticket), "-o", str(out)])
    assert r.exit_code == 0, r.output
    m = json.loads(zipfile.ZipFile(out).read(layout.MANIFEST))
    assert m["ticket_id"] == "T-cli" and m["items"][0]["claim"]["type"] == "gift"
    assert all(i["t0"] < 26 for i in m["items"])  # only what was said before the order
    r = runner.invoke(app, ["verify", str(out)])
    assert r.exit_code == 0, r.output
    bad = _rewrite(out, tmp_path / "bad.zip", lambda f: f.__setitem__(_clip(f), _flip(f[_clip(f)])))
    r = runner.invoke(app, ["verify", str(bad), "--json"])
    assert r.exit_code == 1 and "content hash mismatch" in r.output
