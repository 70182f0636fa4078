"""Offline verification of an evidence bundle ZIP; every failure names the file, stream or item.

Checks, in order: the ZIP and its manifest can be read; the Ed25519 signature over manifest.json
is valid (and, when the verifier is given the deployment's key, made by that key); every listed
file is present with the listed SHA-256 and nothing is unlisted; each stream's chain recomputes
from its genesis to its head; each item's source segments hash to the chain's payload hashes and
cover the moment; the wall-clock time agrees with the recorder clock; word times lie in the clip.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import zipfile
from datetime import timedelta
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import ValidationError

from capture import hash_chain
from models import BundleCheck, ChainLink, EvidenceBundle, EvidenceItem, StreamChain

_SIGNED = {"manifest.json", "manifest.sig"}
_TOLERANCE = 0.05  # seconds


def verify_bundle(path: Path, trusted_signer: str | None = None) -> BundleCheck:
    """Check a bundle offline. `trusted_signer` is the deployment's key fingerprint, if known."""
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return BundleCheck(ok=False, failures=[f"{path}: not a readable ZIP ({exc})"])
    with zf:
        names = set(zf.namelist())
        missing = _SIGNED - names
        if missing:
            return BundleCheck(ok=False, failures=[f"{', '.join(sorted(missing))} missing from the bundle"])
        raw, sig = zf.read("manifest.json"), zf.read("manifest.sig")
        try:
            bundle = EvidenceBundle.model_validate_json(raw)
        except ValidationError as exc:
            return BundleCheck(ok=False, failures=[f"manifest.json is not a bundle manifest: {exc}"])
        checks: list[str] = []
        failures = _signature(bundle, raw, sig, trusted_signer, checks)
        failures += _files(zf, bundle, names, checks)
        chains = {c.stream.id: c for c in bundle.streams}
        for chain in bundle.streams:
            failures += _chain(chain, checks)
        for n, item in enumerate(bundle.items):
            failures += _item(zf, names, n, item, chains.get(item.stream_id), checks)
    return BundleCheck(
        bundle_id=bundle.bundle_id,
        ok=not failures,
        signer=bundle.signer,
        items=len(bundle.items),
        checks=checks,
        failures=failures,
    )


def _signature(
    bundle: EvidenceBundle, raw: bytes, sig: bytes, trusted: str | None, checks: list[str]
) -> list[str]:
    try:
        public = base64.b64decode(bundle.public_key, validate=True)
        key = Ed25519PublicKey.from_public_bytes(public)
        key.verify(base64.b64decode(sig, validate=True), raw)
    except (binascii.Error, ValueError):
        return ["manifest.sig or the public key is malformed"]
    except InvalidSignature:
        return ["manifest.json: signature does not match (the manifest was altered or signed by another key)"]
    failures = []
    if hashlib.sha256(public).hexdigest() != bundle.signer:
        failures.append("signer fingerprint does not match the public key in the manifest")
    if trusted is not None and trusted.lower() != bundle.signer:
        failures.append(f"signed by key {bundle.signer[:16]}…, not the trusted key {trusted[:16]}…")
    checks.append(f"signature valid (Ed25519 key {bundle.signer[:16]}…)")
    return failures


def _files(zf: zipfile.ZipFile, bundle: EvidenceBundle, names: set[str], checks: list[str]) -> list[str]:
    failures = []
    for name, digest in bundle.files.items():
        if name not in names:
            failures.append(f"{name}: listed in the manifest but missing from the bundle")
        elif hashlib.sha256(zf.read(name)).hexdigest() != digest:
            failures.append(f"{name}: content hash mismatch (the file was altered)")
    for name in sorted(names - set(bundle.files) - _SIGNED):
        failures.append(f"{name}: not listed in the signed manifest (added after signing)")
    checks.append(f"{len(bundle.files)} files hashed")
    return failures


def _chain(chain: StreamChain, checks: list[str]) -> list[str]:
    sid = chain.stream.id
    if chain.genesis != hash_chain.genesis(sid):
        return [f"stream {sid}: chain genesis does not belong to this stream"]
    prev, failures = chain.genesis, []
    for i, e in enumerate(chain.links):
        if i and e.seq <= chain.links[i - 1].seq:
            failures.append(f"stream {sid} entry {e.seq}: out of order")
        if hash_chain.link(prev, e.seq, e.t0, e.t1, e.kind, e.sha256) != e.chain:
            failures.append(f"stream {sid} {e.kind} {e.seq:06d}: chain link broken")
        prev = e.chain
    if prev != chain.head:
        failures.append(f"stream {sid}: chain does not end at the stated head")
    checks.append(f"stream {sid}: {len(chain.links)} chain links recomputed to head {chain.head[:16]}…")
    return failures


def _item(
    zf: zipfile.ZipFile,
    names: set[str],
    n: int,
    item: EvidenceItem,
    chain: StreamChain | None,
    checks: list[str],
) -> list[str]:
    label = f"item {n} ({item.stream_id} {item.t0:.2f}–{item.t1:.2f}s)"
    if chain is None:
        return [f"{label}: its stream's chain is not in the bundle"]
    if item.clip not in names:
        return [f"{label}: clip {item.clip} missing"]
    links: dict[int, ChainLink] = {e.seq: e for e in chain.links if e.kind == "segment"}
    failures = []
    covered: list[tuple[float, float]] = []
    for seq in item.segments:
        name = f"segments/{item.stream_id}/{seq:06d}.ts"
        link = links.get(seq)
        if link is None:
            failures.append(f"{label}: segment {seq:06d} is not in the stream's chain")
        elif name not in names:
            failures.append(f"{label}: {name} missing")
        elif hashlib.sha256(zf.read(name)).hexdigest() != link.sha256:
            failures.append(f"{label}: {name} does not match the chain (the segment was altered)")
        else:
            covered.append((link.t0, link.t1))
    if covered and not (
        min(a for a, _ in covered) <= item.t0 + _TOLERANCE
        and max(b for _, b in covered) >= item.t1 - _TOLERANCE
    ):
        failures.append(f"{label}: the source segments do not cover the quoted moment")
    if item.clock_source == "recorder":
        expected = chain.stream.started_at + timedelta(seconds=item.t0)
        if abs((item.at - expected).total_seconds()) > 0.01:
            failures.append(f"{label}: wall-clock time {item.at.isoformat()} disagrees with the stream clock")
    if any(w.end < item.clip_t0 - _TOLERANCE or w.start > item.clip_t1 + _TOLERANCE for w in item.words):
        failures.append(f"{label}: word times fall outside the clip")
    if not failures:
        checks.append(f"{label}: clip, {len(item.segments)} source segments and times check out")
    return failures
