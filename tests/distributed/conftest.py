"""Real services for the distributed tests: Redis (DB 15, flushed), a fresh PostgreSQL database,
moto S3, nginx-rtmp, and `onrecord worker` subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.capture.conftest import nginx_rtmp, publish  # noqa: F401  (fixtures)
from tests.storage.conftest import s3_endpoint  # noqa: F401  (fixture)

REDIS_URL = "redis://127.0.0.1:6379/15"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ONRECORD = str(Path(sys.executable).with_name("onrecord"))


@pytest.fixture
def redis_url() -> str:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return REDIS_URL


@pytest.fixture
def pg_url() -> Iterator[str]:
    sqlalchemy = pytest.importorskip("sqlalchemy")
    name = f"onrecord_test_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.exec_driver_sql(f"CREATE DATABASE {name}")
    except sqlalchemy.exc.OperationalError:
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with admin.connect() as c:
        c.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


@pytest.fixture
def dist_env(redis_url: str, pg_url: str, s3_endpoint: str, tmp_path: Path,  # noqa: F811
             monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment of a distributed deployment (also set in this process)."""
    env = {
        "ONRECORD_BROKER_URL": redis_url,
        "ONRECORD_DATABASE_URL": pg_url,
        "ONRECORD_STORE_URL": f"s3://onrecord-{uuid.uuid4().hex[:12]}?endpoint={s3_endpoint}&region=us-east-1",
        "ONRECORD_DATA_DIR": str(tmp_path / "data"),
        "ONRECORD_WHISPER_THREADS": "1",
        "ONRECORD_SEGMENT_SECONDS": "2",
        "ONRECORD_VISIBILITY_TIMEOUT_S": "20",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "HF_HUB_OFFLINE": "1",
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


@pytest.fixture
def workers(dist_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start `onrecord worker` subprocesses; all are ended (by their own pid) after the test."""
    started: list[subprocess.Popen[bytes]] = []

    def start(queues: str, *extra: str, name: str | None = None) -> subprocess.Popen[bytes]:
        log = open(tmp_path / f"worker-{name or queues}-{len(started)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [ONRECORD, "worker", "--queues", queues, "--loglevel", "warning", *extra],
            env={**os.environ, **dist_env}, stdout=log, stderr=subprocess.STDOUT,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in started:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
