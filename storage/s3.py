"""`S3Store`: the object store on S3 or MinIO (the `minio` client), with object-lock legal holds.

URL: ``s3://[ACCESS:SECRET@]bucket[/prefix]?endpoint=host:port[&secure=1][&region=R][&lock=0]``.
Credentials not in the URL come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. The bucket is
created on first use, with object lock (which also turns on versioning) unless ``lock=0``.

``put(..., overwrite=False)`` checks before writing; S3 has no atomic create-only put that every
server supports, so two writers racing on one key could both succeed. OnRecord has one recorder
per stream, and on a versioned (object-lock) bucket an overwritten version is still kept.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from minio import Minio
from minio.error import MinioException, S3Error

from models import ConfigError, StorageError
from storage.objects import check_key

_MISSING = ("NoSuchKey", "NoSuchObject", "NoSuchVersion")


class S3Store:
    """Objects in one S3 bucket (optionally under a key prefix)."""

    def __init__(self, client: Minio, bucket: str, prefix: str = "", *, lock: bool = True) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.lock = lock
        self._ready = False

    @classmethod
    def from_url(cls, url: str) -> S3Store:
        """Build from an ``s3://`` URL; ConfigError names what is missing."""
        parsed = urlparse(url)
        query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        bucket = parsed.hostname or ""
        endpoint = query.get("endpoint")
        if not bucket or not endpoint:
            raise ConfigError(f"S3 store URL {url!r}: expected s3://bucket?endpoint=host:port")
        access = unquote(parsed.username or "") or os.environ.get("AWS_ACCESS_KEY_ID", "")
        secret = unquote(parsed.password or "") or os.environ.get("AWS_SECRET_ACCESS_KEY", "")
        secure = query.get("secure", "0").lower() in ("1", "true", "yes")
        client = Minio(
            endpoint, access_key=access, secret_key=secret, secure=secure, region=query.get("region")
        )
        lock = query.get("lock", "1").lower() not in ("0", "false", "no")
        return cls(client, bucket, parsed.path, lock=lock)

    def _key(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _ensure_bucket(self) -> None:
        if self._ready:
            return
        try:
            if not self.client.bucket_exists(self.bucket):
                self.client.make_bucket(self.bucket, object_lock=self.lock)
        except (MinioException, OSError) as exc:
            raise StorageError(f"S3 bucket {self.bucket!r} is not usable: {exc}") from exc
        self._ready = True

    def put(self, key: str, data: bytes, *, overwrite: bool = True) -> None:
        name = self._key(key)
        self._ensure_bucket()
        if not overwrite and self.exists(key):
            raise StorageError(f"refusing to overwrite existing object {key!r}")
        try:
            self.client.put_object(self.bucket, name, io.BytesIO(data), len(data))
        except (MinioException, OSError) as exc:
            raise StorageError(f"cannot write {key!r} to s3://{self.bucket}: {exc}") from exc

    def get(self, key: str) -> bytes:
        name = self._key(key)
        self._ensure_bucket()
        try:
            resp = self.client.get_object(self.bucket, name)
            try:
                return resp.read()
            finally:
                resp.close()
                resp.release_conn()
        except S3Error as exc:
            if exc.code in _MISSING:
                raise StorageError(f"no object {key!r} in s3://{self.bucket}") from exc
            raise StorageError(f"cannot read {key!r} from s3://{self.bucket}: {exc}") from exc
        except (MinioException, OSError) as exc:
            raise StorageError(f"cannot read {key!r} from s3://{self.bucket}: {exc}") from exc

    def exists(self, key: str) -> bool:
        name = self._key(key)
        self._ensure_bucket()
        try:
            self.client.stat_object(self.bucket, name)
        except S3Error as exc:
            if exc.code in _MISSING:
                return False
            raise StorageError(f"cannot check {key!r} in s3://{self.bucket}: {exc}") from exc
        except (MinioException, OSError) as exc:
            raise StorageError(f"cannot check {key!r} in s3://{self.bucket}: {exc}") from exc
        return True

    def list(self, prefix: str) -> Iterator[str]:
        self._ensure_bucket()
        full = f"{self.prefix}/{prefix}" if self.prefix else prefix
        strip = len(self.prefix) + 1 if self.prefix else 0
        try:
            names = [o.object_name for o in self.client.list_objects(self.bucket, full, recursive=True)]
        except (MinioException, OSError) as exc:
            raise StorageError(f"cannot list {prefix!r} in s3://{self.bucket}: {exc}") from exc
        yield from sorted(n[strip:] for n in names if n)

    def delete(self, key: str) -> None:
        """Delete every version of the key; StorageError if one is under legal hold."""
        name = self._key(key)
        self._ensure_bucket()
        try:
            versions = [
                o.version_id
                for o in self.client.list_objects(self.bucket, name, include_version=True)
                if o.object_name == name
            ]
            for version in versions or [None]:
                self.client.remove_object(self.bucket, name, version_id=version)
        except S3Error as exc:
            raise StorageError(f"cannot delete {key!r} from s3://{self.bucket} (legal hold?): {exc}") from exc
        except (MinioException, OSError) as exc:
            raise StorageError(f"cannot delete {key!r} from s3://{self.bucket}: {exc}") from exc

    def set_legal_hold(self, key: str, on: bool) -> None:
        """Place (or lift) an object-lock legal hold on the key's current version."""
        name = self._key(key)
        self._ensure_bucket()
        try:
            if on:
                self.client.enable_object_legal_hold(self.bucket, name)
            else:
                self.client.disable_object_legal_hold(self.bucket, name)
        except (MinioException, OSError) as exc:
            raise StorageError(
                f"cannot {'place' if on else 'lift'} the legal hold on {key!r} in s3://{self.bucket} "
                f"(is object lock enabled on the bucket?): {exc}"
            ) from exc

    def legal_hold_on(self, key: str) -> bool:
        self._ensure_bucket()
        try:
            return bool(self.client.is_object_legal_hold_enabled(self.bucket, self._key(key)))
        except (MinioException, OSError) as exc:
            raise StorageError(f"cannot read the legal hold of {key!r}: {exc}") from exc

    def local_path(self, key: str) -> Path | None:
        return None
