"""The bundle format's names: every file and folder inside an evidence ZIP, and where the ZIP is stored.

The builder writes these names and the verifier reads them; no other module spells them out.
"""

from __future__ import annotations

MANIFEST = "manifest.json"  # what the bundle shows and the SHA-256 of every other file
SIGNATURE = "manifest.sig"  # Ed25519 signature over MANIFEST, base64
README = "README.txt"
CLIPS = "clips/"  # the clips, MP4
SEGMENTS = "segments/"  # the archive segments each clip was cut from, byte for byte
CHAT = "chat/"  # the archived chat batches holding the comments an item shows, byte for byte
MEDIA_SUFFIXES = (".mp4", ".ts")  # already compressed: stored in the ZIP as they are
SIGNED = frozenset({MANIFEST, SIGNATURE})  # the entries the manifest cannot list
STORE_PREFIX = "evidence/"  # where bundles live in the object store

README_TEXT = f"""OnRecord evidence bundle {{bundle_id}}

{MANIFEST}   what this bundle shows (quotes, word times, stream and wall-clock times) and the
                SHA-256 of every other file; signed with the deployment's Ed25519 key
{SIGNATURE}    the signature over {MANIFEST} (base64); the public key is in {MANIFEST}
{CLIPS}          the clips, MP4 (H.264/AAC), playable in any browser
{SEGMENTS}       the archive segments each clip was cut from, byte for byte as recorded
{CHAT}           the archived chat batches (JSON lines) holding the viewers' comments each item shows
streams' chains in {MANIFEST} tie each segment to its stream's chain head:
  h_i = sha256(h_(i-1) | seq | t0 | t1 | kind | sha256(payload)), h_(-1) = sha256("onrecord-genesis|" + stream)

Check it offline with: onrecord verify {{bundle_id}}.zip
"""


def clip_name(n: int, stream_id: str, t0: float, t1: float) -> str:
    """The entry of the bundle's `n`-th clip, of `stream_id` from `t0` to `t1` (stream clock)."""
    return f"{CLIPS}{n:02d}-{stream_id}-{t0:.2f}-{t1:.2f}{MEDIA_SUFFIXES[0]}"


def segment_name(stream_id: str, seq: int) -> str:
    """The entry holding archive segment `seq` of `stream_id`."""
    return f"{stream_segments(stream_id)}{seq:06d}{MEDIA_SUFFIXES[1]}"


def stream_segments(stream_id: str) -> str:
    """The folder of `stream_id`'s segments inside a bundle."""
    return f"{SEGMENTS}{stream_id}/"


def chat_name(stream_id: str, seq: int) -> str:
    """The entry holding archived chat batch `seq` of `stream_id`."""
    return f"{stream_chat(stream_id)}{seq:06d}.jsonl"


def stream_chat(stream_id: str) -> str:
    """The folder of `stream_id`'s chat batches inside a bundle."""
    return f"{CHAT}{stream_id}/"


def store_key(bundle_id: str) -> str:
    """The object-store key of bundle `bundle_id`'s ZIP."""
    return f"{STORE_PREFIX}{bundle_id}.zip"
