"""The archive's hash chain.

    h_i = sha256(h_{i-1} ‖ seq ‖ t0 ‖ t1 ‖ kind ‖ sha256(payload))

encoded as the UTF-8 bytes of the fields joined by '|', times with 6 decimals. h_{-1} is
sha256("onrecord-genesis|" + stream_id). A segment's payload is its bytes; a gap's payload is
its reason. A missing, altered or reordered entry, or an unrecorded gap, breaks the chain.
"""

from __future__ import annotations

import hashlib


def genesis(stream_id: str) -> str:
    return hashlib.sha256(f"onrecord-genesis|{stream_id}".encode()).hexdigest()


def payload_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def link(prev: str, seq: int, t0: float, t1: float, kind: str, payload_sha256: str) -> str:
    """The chain value of one entry given the previous chain value."""
    msg = f"{prev}|{seq}|{t0:.6f}|{t1:.6f}|{kind}|{payload_sha256}"
    return hashlib.sha256(msg.encode()).hexdigest()
