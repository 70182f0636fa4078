"""The bundle builder: a signed ZIP that lets anyone check, offline, that a clip and quote are what was recorded.

A bundle holds, for each moment, the clip (MP4), the quote with word times, both clocks, the raw
archive segments the clip was cut from, and each stream's whole hash chain up to its head. Its
manifest (`layout.MANIFEST`) lists every file's SHA-256 and is signed with the deployment's Ed25519
key (`layout.SIGNATURE`, base64). `evidence.verifier` checks all of it; every stream a bundle cites
is put under legal hold so retention never deletes what a dispute depends on.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import secrets
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from capture import hash_chain
from capture.archive import load_manifest
from capture.clip import cut_clip, segments_for_span
from capture.legal_hold import place_legal_hold
from evidence import layout
from evidence.signer import Ed25519Signer
from models import (
    BundleTooLargeError,
    ChainLink,
    ChatBatch,
    ChatEvent,
    ChatGap,
    ChatKind,
    EvidenceBundle,
    EvidenceInfo,
    EvidenceItem,
    Gap,
    InputError,
    Manifest,
    Moment,
    StreamChain,
    Word,
)
from storage import ChatCatalog
from storage.catalog import Catalog
from storage.objects import ObjectStore

COMMENTS_BEFORE_S, COMMENTS_AFTER_S = 30.0, 5.0  # the comments a bundle shows around each moment


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def chain_of(manifest: Manifest) -> StreamChain:
    links = [
        ChainLink(
            seq=e.seq,
            t0=e.t0,
            t1=e.t1,
            kind=e.kind,
            sha256=hash_chain.payload_hash(e.reason.encode()) if isinstance(e, Gap | ChatGap) else e.sha256,
            chain=e.chain,
        )
        for e in manifest.chain_entries  # the live chat's batches are links of the same chain
    ]
    return StreamChain(
        stream=manifest.stream,
        genesis=hash_chain.genesis(manifest.stream.id),
        head=manifest.head,
        links=links,
    )


@dataclass(frozen=True)
class EvidenceLimits:
    """How much one bundle may hold (pipeline builds it from Settings.evidence_max_*): a bundle is kept
    forever, under legal hold."""

    max_items: int = 20
    max_span_s: float = 300.0  # one clip, padding included
    max_total_s: float = 900.0  # all clips, padding included
    max_bytes: int = 128 << 20  # the ZIP


class EvidenceBuilder:
    """Builds, signs, stores and records bundles; places legal hold on every stream they cite."""

    def __init__(
        self,
        store: ObjectStore,
        catalog: Catalog,
        signer: Ed25519Signer,
        limits: EvidenceLimits | None = None,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.signer = signer
        self.limits = limits or EvidenceLimits()

    def fit(self, moments: list[Moment], *, pad: float = 2.0) -> list[Moment]:
        """The longest prefix of `moments` (best first) that a bundle may hold; [] if not even the first."""
        for n in range(min(len(moments), self.limits.max_items), 0, -1):
            try:
                self.check(moments[:n], pad=pad)
            except InputError:
                continue
            return moments[:n]
        return []

    def check(self, moments: list[Moment], *, pad: float = 2.0) -> float:
        """The seconds of media the bundle's clips will hold; InputError over a bound of `limits` (items,
        seconds per clip or in all), BundleTooLargeError when the segments and clips it would hold exceed
        `max_bytes`. Reads only manifests: call it before any clip is cut."""
        lim = self.limits
        if len(moments) > lim.max_items:
            raise InputError(
                f"a bundle may hold at most {lim.max_items} claims and spans; this asks for {len(moments)}"
            )
        manifests: dict[str, Manifest] = {}
        total, clip_bytes, segments = 0.0, 0, dict[tuple[str, int], int]()
        for m in moments:
            if m.stream_id not in manifests:
                found = load_manifest(self.store, m.stream_id)
                if found is None:
                    raise InputError(f"unknown stream {m.stream_id!r}: nothing recorded")
                manifests[m.stream_id] = found
            manifest = manifests[m.stream_id]
            t0, t1 = max(0.0, m.t0 - pad), min(manifest.duration, m.t1 + pad)
            if t1 - t0 > lim.max_span_s:
                raise InputError(
                    f"a clip in evidence may be at most {lim.max_span_s:g} s with its padding; "
                    f"{m.stream_id} {t0:.2f}–{t1:.2f}s is {t1 - t0:.0f} s"
                )
            total += max(0.0, t1 - t0)
            segs = segments_for_span(manifest, t0, t1)
            clip_bytes += sum(s.size for s in segs)  # a clip is about the size of what it is cut from
            segments |= {(m.stream_id, s.seq): s.size for s in segs}
        if total > lim.max_total_s:
            raise InputError(
                f"a bundle's clips may hold at most {lim.max_total_s:g} s in all, padding included; "
                f"this asks for {total:.0f} s"
            )
        estimate = clip_bytes + sum(segments.values())
        if estimate > lim.max_bytes:
            raise BundleTooLargeError(
                f"the bundle would hold about {estimate >> 20} MiB of clips and segments; "
                f"at most {lim.max_bytes >> 20} MiB (ask for fewer or shorter spans)"
            )
        return total

    def build(
        self,
        merchant: str,
        moments: list[Moment],
        *,
        ticket_id: str | None = None,
        pad: float = 2.0,
        exact: bool = False,
    ) -> tuple[bytes, EvidenceBundle]:
        """The bundle's ZIP bytes and its manifest; InputError for an empty request or a span outside a
        recording (nothing is stored until every clip is cut)."""
        if not moments:
            raise InputError("nothing to put in evidence: give at least one claim or span")
        self.check(moments, pad=pad)
        bundle_id = f"ev-{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"
        files: dict[str, bytes] = {}
        items: list[EvidenceItem] = []
        manifests: dict[str, Manifest] = {}
        for n, moment in enumerate(moments):
            if moment.stream_id not in manifests:
                m = load_manifest(self.store, moment.stream_id)
                if m is None:
                    raise InputError(f"unknown stream {moment.stream_id!r}: nothing recorded")
                manifests[moment.stream_id] = m
            items.append(self._item(manifests[moment.stream_id], moment, n, files, pad, exact))
        head = {
            "version": 1,
            "bundle_id": bundle_id,
            "created_at": datetime.now(UTC),
            "merchant": merchant,
            "ticket_id": ticket_id,
            "items": items,
            "streams": [chain_of(m) for m in manifests.values()],
            "signer": self.signer.fingerprint,
            "public_key": base64.b64encode(self.signer.public_raw).decode(),
        }
        files[layout.README] = layout.README_TEXT.format(bundle_id=bundle_id).encode()
        bundle = EvidenceBundle.model_validate(head | {"files": {k: _sha(v) for k, v in files.items()}})
        manifest_bytes = bundle.model_dump_json(indent=1).encode()
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(layout.MANIFEST, manifest_bytes, zipfile.ZIP_DEFLATED)
            zf.writestr(layout.SIGNATURE, base64.b64encode(self.signer.sign(manifest_bytes)))
            for name, data in files.items():
                method = zipfile.ZIP_STORED if name.endswith(layout.MEDIA_SUFFIXES) else zipfile.ZIP_DEFLATED
                zf.writestr(name, data, method)
        if buf.tell() > self.limits.max_bytes:  # the estimate missed (re-encoded clips grew): keep nothing
            raise BundleTooLargeError(
                f"the bundle came to {buf.tell() >> 20} MiB; at most {self.limits.max_bytes >> 20} MiB"
            )
        return buf.getvalue(), bundle

    def _item(
        self, manifest: Manifest, m: Moment, n: int, files: dict[str, bytes], pad: float, exact: bool
    ) -> EvidenceItem:
        stream = manifest.stream
        clip_t0, clip_t1 = max(0.0, m.t0 - pad), min(manifest.duration, m.t1 + pad)
        segs = segments_for_span(manifest, clip_t0, clip_t1)
        if not segs:
            raise InputError(f"{stream.id} {m.t0:.2f}–{m.t1:.2f}s falls in a gap: nothing was recorded")
        with tempfile.TemporaryDirectory(prefix="onrecord-ev-") as tmp:
            cut = cut_clip(
                self.store,
                stream.id,
                clip_t0,
                clip_t1,
                Path(tmp) / "clip.mp4",
                reencode=exact,
                manifest=manifest,
            )
            clip_name = layout.clip_name(n, stream.id, m.t0, m.t1)
            files[clip_name] = cut.path.read_bytes()
        for seg in segs:
            files[layout.segment_name(stream.id, seg.seq)] = self.store.get(seg.path)
        first = next((s for s in segs if s.t0 <= m.t0 < s.t1), segs[0])
        base = first.wall_clock or stream.started_at + timedelta(seconds=first.t0)
        at = base + timedelta(seconds=m.t0 - first.t0)
        quote, words = self._quote(m)
        return EvidenceItem(
            stream_id=stream.id,
            claim=m.claim,
            quote=quote,
            words=words,
            t0=m.t0,
            t1=m.t1,
            clip_t0=clip_t0,
            clip_t1=clip_t1,
            at=at,
            at_end=at + timedelta(seconds=m.t1 - m.t0),
            clock_source=first.clock_source,
            clip=clip_name,
            segments=[s.seq for s in segs],
            comments=self._comments(manifest, m, files),
        )

    def _comments(self, manifest: Manifest, m: Moment, files: dict[str, bytes]) -> list[ChatEvent]:
        """Viewers' comments around the moment (a question is asked before the host answers it), with the
        archived chat batches that hold them, so the bundle proves them against the chain."""
        t0, t1 = max(0.0, m.t0 - COMMENTS_BEFORE_S), m.t1 + COMMENTS_AFTER_S
        comments = ChatCatalog(self.catalog).events(m.stream_id, kind=ChatKind.COMMENT, t0=t0, t1=t1)
        wanted = {c.id for c in comments}
        for batch in manifest.chat:
            if isinstance(batch, ChatBatch) and wanted and batch.t0 < t1 and batch.t1 >= t0:
                data = self.store.get(batch.path)
                held = {json.loads(line)["id"] for line in data.splitlines()} & wanted
                if held:
                    files[layout.chat_name(m.stream_id, batch.seq)] = data
                    wanted -= held
        return comments

    def _quote(self, m: Moment) -> tuple[str, list[Word]]:
        """The claim's quote (or the transcript of the span) with the words that fall in the span."""
        utts = [u for u in self.catalog.utterances(m.stream_id) if u.t1 > m.t0 and u.t0 < m.t1]
        if m.claim is not None:
            utts = [u for u in utts if u.id == m.claim.utterance_id] or utts
        words = [w for u in utts for w in u.words if w.end > m.t0 and w.start < m.t1]
        if not words:  # a claim whose span is the whole utterance: all of its words
            words = [w for u in utts for w in u.words]
        quote = m.claim.quote if m.claim is not None else "".join(u.text for u in utts)
        return quote, words

    def load(self, bundle_id: str) -> bytes:
        """The stored ZIP of bundle `bundle_id`; StorageError when it is not (or no longer) in the store."""
        return self.store.get(layout.store_key(bundle_id))

    def save(self, data: bytes, bundle: EvidenceBundle) -> EvidenceInfo:
        """Store the ZIP (at `layout.store_key`) and hold every stream it cites."""
        self.store.put(layout.store_key(bundle.bundle_id), data, overwrite=False)
        for chain in bundle.streams:
            place_legal_hold(self.store, chain.stream.id, f"evidence bundle {bundle.bundle_id}")
        return EvidenceInfo(
            bundle_id=bundle.bundle_id,
            url=f"/v1/evidence/{bundle.bundle_id}",
            size=len(data),
            sha256=_sha(data),
            manifest=bundle,
        )
