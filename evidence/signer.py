"""The deployment's Ed25519 signing key, kept in a 0600 file and generated on first use."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from models import InputError


def write_secret_file(path: Path, data: bytes) -> bytes:
    """Create `path` with mode 0600 holding `data`, unless it already exists; return its contents."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()  # made by another process first: use theirs
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return data


class Ed25519Signer:
    """The deployment's signing key at `keys_dir/evidence-ed25519.pem` (0600), generated on first use."""

    def __init__(self, keys_dir: Path) -> None:
        self.path = Path(keys_dir) / "evidence-ed25519.pem"
        self._key: Ed25519PrivateKey | None = None

    def load(self) -> Ed25519PrivateKey:
        if self._key is None:
            fresh = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            pem = write_secret_file(self.path, fresh)
            key = serialization.load_pem_private_key(pem, password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise InputError(f"{self.path}: not an Ed25519 private key")
            self._key = key
        return self._key

    @property
    def public_raw(self) -> bytes:
        return (
            self.load().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        )

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.public_raw).hexdigest()

    def sign(self, data: bytes) -> bytes:
        return self.load().sign(data)
