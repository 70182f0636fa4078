"""Offline verification of an evidence bundle ZIP; every failure names the file, stream or item.

Checks, in order: the ZIP can be read, holds each name once and declares sizes within
`BundleLimits`, and its manifest parses; the Ed25519 signature over the manifest is valid (and,
when the verifier is given the deployment's key, made by that key); every listed file is present
with the listed SHA-256 and nothing is unlisted; each stream's chain recomputes from its genesis to
its head; each item's source segments hash to the chain's payload hashes and cover the moment; the
wall-clock time agrees with the recorder clock; word times lie in the clip.

Entries are hashed as a stream (never held whole in memory) and only those the manifest lists are
decompressed, so a zip bomb costs at most the limits' bytes of reading, not memory. An entry that
fails its CRC, is truncated or does not decompress is reported by name. The names inside a bundle
come from `evidence.layout`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import lzma
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import ValidationError

from capture import hash_chain
from evidence import layout
from models import BundleCheck, ChainLink, ChatEvent, EvidenceBundle, EvidenceItem, StreamChain

_TOLERANCE = 0.05  # seconds
_CHAT_BYTES = 64 << 20  # one archived chat batch (1000 events of at most 2000 characters each, and their fields)
_CHUNK = 1 << 20
_SIG_BYTES = 4096  # base64 of a 64-byte signature, with room to spare


@dataclass(frozen=True)
class BundleLimits:
    """What a bundle may declare before anything is decompressed (a clip is at most 15 min of video)."""

    entry_bytes: int = 4 << 30  # one entry, uncompressed
    total_bytes: int = 32 << 30  # every entry together, uncompressed
    manifest_bytes: int = 64 << 20
    entries: int = 100_000


class _CorruptEntryError(Exception):
    """An entry that cannot be read back as it was written (internal: becomes a failure line)."""


def verify_bundle(
    path: Path, trusted_signer: str | None = None, limits: BundleLimits | None = None
) -> BundleCheck:
    """Check a bundle offline. `trusted_signer` is the deployment's key fingerprint, if known.

    Never raises for a damaged bundle: a ZIP that cannot be read, an ambiguous or oversized one, or a
    corrupt entry is a failed check naming `path` and the entry.
    """
    limits = limits or BundleLimits()
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, EOFError, ValueError, zipfile.BadZipFile) as exc:
        return BundleCheck(ok=False, failures=[f"{path}: not a readable ZIP ({exc})"])
    with zf:
        problem = _layout(zf, limits)
        if problem:
            return BundleCheck(ok=False, failures=[f"{path}: {problem}"])
        entries = _Entries(zf)
        names = set(entries.infos)
        missing = layout.SIGNED - names
        if missing:
            return BundleCheck(ok=False, failures=[f"{', '.join(sorted(missing))} missing from the bundle"])
        try:
            raw = entries.read(layout.MANIFEST, limits.manifest_bytes)
            sig = entries.read(layout.SIGNATURE, _SIG_BYTES)
        except _CorruptEntryError as exc:
            return BundleCheck(ok=False, failures=[f"{path}: {exc}"])
        try:
            bundle = EvidenceBundle.model_validate_json(raw)
        except ValidationError as exc:
            return BundleCheck(ok=False, failures=[f"{layout.MANIFEST} is not a bundle manifest: {exc}"])
        checks: list[str] = []
        failures = _signature(bundle, raw, sig, trusted_signer, checks)
        failures += _files(entries, bundle, checks)
        chains = {c.stream.id: c for c in bundle.streams}
        for chain in bundle.streams:
            failures += _chain(chain, checks)
        for n, item in enumerate(bundle.items):
            failures += _item(entries, n, item, chains.get(item.stream_id), checks)
        failures[:0] = [f"{path}: {c}" for c in entries.corrupt]
    return BundleCheck(
        bundle_id=bundle.bundle_id,
        ok=not failures,
        signer=bundle.signer,
        items=len(bundle.items),
        checks=checks,
        failures=failures,
    )


def _layout(zf: zipfile.ZipFile, limits: BundleLimits) -> str | None:
    """What makes the ZIP unverifiable as a whole: too many entries, a name twice, sizes past the limits."""
    infos = zf.infolist()
    if len(infos) > limits.entries:
        return f"{len(infos)} entries, more than the {limits.entries} a bundle may hold"
    twice = sorted(name for name, k in Counter(i.filename for i in infos).items() if k > 1)
    if twice:
        # zipfile reads the last copy, unzip extracts the first: which one was verified is ambiguous
        return f"entry {twice[0]} appears more than once ({len(twice)} duplicated names)"
    for info in infos:
        if info.file_size > limits.entry_bytes:
            return (
                f"entry {info.filename} declares {info.file_size} bytes uncompressed, "
                f"more than the limit of {limits.entry_bytes}"
            )
    total = sum(i.file_size for i in infos)
    if total > limits.total_bytes:
        return (
            f"entries declare {total} bytes uncompressed in all, more than the limit of {limits.total_bytes}"
        )
    return None


class _Entries:
    """The ZIP's entries, each read (or hashed) at most once, streamed and capped at its declared size."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        self.infos = {i.filename: i for i in zf.infolist()}
        self.corrupt: list[str] = []
        self._digests: dict[str, str | None] = {}

    def read(self, name: str, cap: int) -> bytes:
        """The whole entry (a small one: the manifest, the signature); _CorruptEntryError when it cannot be."""
        if self.infos[name].file_size > cap:
            raise _CorruptEntryError(
                f"entry {name} declares {self.infos[name].file_size} bytes, more than {cap}"
            )
        parts: list[bytes] = []
        self._stream(name, parts.append)
        return b"".join(parts)

    def digest(self, name: str) -> str | None:
        """SHA-256 of the entry, or None when it is corrupt (then named once in `corrupt`)."""
        if name not in self._digests:
            h = hashlib.sha256()
            try:
                self._stream(name, h.update)
                self._digests[name] = h.hexdigest()
            except _CorruptEntryError as exc:
                self.corrupt.append(str(exc))
                self._digests[name] = None
        return self._digests[name]

    def _stream(self, name: str, sink: Callable[[bytes], object]) -> None:
        info = self.infos[name]
        if info.flag_bits & 0x1:
            raise _CorruptEntryError(f"entry {name} is encrypted")
        got = 0
        try:
            with self.zf.open(info) as fh:
                while chunk := fh.read(_CHUNK):
                    got += len(chunk)
                    if got > info.file_size:  # zipfile stops at the declared size; never trust that alone
                        raise _CorruptEntryError(f"entry {name} is corrupt (longer than its declared size)")
                    sink(chunk)
        except zipfile.BadZipFile as exc:
            reason = "CRC mismatch" if "CRC" in str(exc) else str(exc)
            raise _CorruptEntryError(f"entry {name} is corrupt ({reason})") from exc
        except EOFError as exc:
            raise _CorruptEntryError(f"entry {name} is corrupt (truncated)") from exc
        except (zlib.error, lzma.LZMAError, OSError) as exc:
            raise _CorruptEntryError(f"entry {name} is corrupt (does not decompress: {exc})") from exc
        except NotImplementedError as exc:
            raise _CorruptEntryError(f"entry {name} cannot be read ({exc})") from exc
        if got != info.file_size:
            raise _CorruptEntryError(f"entry {name} is corrupt ({got} bytes, {info.file_size} declared)")


def _signature(
    bundle: EvidenceBundle, raw: bytes, sig: bytes, trusted: str | None, checks: list[str]
) -> list[str]:
    try:
        public = base64.b64decode(bundle.public_key, validate=True)
        key = Ed25519PublicKey.from_public_bytes(public)
        key.verify(base64.b64decode(sig, validate=True), raw)
    except (binascii.Error, ValueError):
        return [f"{layout.SIGNATURE} or the public key is malformed"]
    except InvalidSignature:
        return [
            f"{layout.MANIFEST}: signature does not match (the manifest was altered or signed by another key)"
        ]
    failures = []
    if hashlib.sha256(public).hexdigest() != bundle.signer:
        failures.append("signer fingerprint does not match the public key in the manifest")
    if trusted is not None and trusted.lower() != bundle.signer:
        failures.append(f"signed by key {bundle.signer[:16]}…, not the trusted key {trusted[:16]}…")
    checks.append(f"signature valid (Ed25519 key {bundle.signer[:16]}…)")
    return failures


def _files(entries: _Entries, bundle: EvidenceBundle, checks: list[str]) -> list[str]:
    failures = []
    for name, digest in bundle.files.items():
        if name not in entries.infos:
            failures.append(f"{name}: listed in the manifest but missing from the bundle")
            continue
        got = entries.digest(name)
        if got is not None and got != digest:
            failures.append(f"{name}: content hash mismatch (the file was altered)")
    for name in sorted(set(entries.infos) - set(bundle.files) - layout.SIGNED):
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
    entries: _Entries,
    n: int,
    item: EvidenceItem,
    chain: StreamChain | None,
    checks: list[str],
) -> list[str]:
    label = f"item {n} ({item.stream_id} {item.t0:.2f}–{item.t1:.2f}s)"
    if chain is None:
        return [f"{label}: its stream's chain is not in the bundle"]
    if item.clip not in entries.infos:
        return [f"{label}: clip {item.clip} missing"]
    links: dict[int, ChainLink] = {e.seq: e for e in chain.links if e.kind == "segment"}
    failures = []
    covered: list[tuple[float, float]] = []
    for seq in item.segments:
        name = layout.segment_name(item.stream_id, seq)
        link = links.get(seq)
        if link is None:
            failures.append(f"{label}: segment {seq:06d} is not in the stream's chain")
        elif name not in entries.infos:
            failures.append(f"{label}: {name} missing")
        elif (digest := entries.digest(name)) is None:
            failures.append(f"{label}: {name} is corrupt")
        elif digest != link.sha256:
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
    failures += _comments(entries, item, chain, label)
    if not failures:
        checks.append(f"{label}: clip, {len(item.segments)} source segments and times check out")
    return failures


def _comments(entries: _Entries, item: EvidenceItem, chain: StreamChain, label: str) -> list[str]:
    """Each comment the item shows must be, unchanged, in a chat batch of the bundle that the chain holds."""
    if not item.comments:
        return []
    links = {e.seq: e for e in chain.links if e.kind == "chat"}
    prefix, archived, failures = layout.stream_chat(item.stream_id), dict[str, ChatEvent](), []
    for name in (n for n in entries.infos if n.startswith(prefix)):
        stem = name[len(prefix) :].removesuffix(".jsonl")
        link = links.get(int(stem)) if stem.isdigit() else None
        if link is None or entries.digest(name) != link.sha256:
            failures.append(f"{label}: {name} does not match a chat batch of the stream's chain (altered or foreign)")
            continue
        for line in entries.read(name, _CHAT_BYTES).splitlines():
            event = ChatEvent.model_validate_json(line)
            archived[event.id] = event
    failures += [
        f"{label}: comment {c.id!r} is not, as shown, in a chained chat batch of the bundle"
        for c in item.comments
        if archived.get(c.id) != c
    ]
    return failures
