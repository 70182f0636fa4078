"""Real services for the distributed tests: Redis (DB 15, flushed), a fresh PostgreSQL database,
moto S3, nginx-rtmp, `onrecord worker` subprocesses, and private Redis / PostgreSQL servers that a
test may stop and start (outages)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipeline.sample import SAMPLE_DIR
from pipeline.services import Services
from pipeline.settings import Settings
from storage.work import WorkLedger
from tests.capture.conftest import nginx_rtmp, publish  # noqa: F401  (fixtures)
from tests.distributed.servers import PostgresServer, RedisServer
from tests.storage.conftest import s3_endpoint  # noqa: F401  (fixture)

REDIS_URL = "redis://127.0.0.1:6379/15"
ONRECORD = str(Path(sys.executable).with_name("onrecord"))
SAMPLES = SAMPLE_DIR
STREAM = "room-1"  # the stream the single-clip tests submit


def cut_sample(out: Path, start: float, seconds: float) -> Path:
    """`seconds` of the sample stream from `start` on, stream-copied into `out`."""
    sample = str(SAMPLES / "sample_stream.mp4")
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-ss", str(start), "-t", str(seconds), "-i", sample, "-c", "copy", str(out)],
        check=True,
    )  # fmt: skip
    return out


@pytest.fixture(scope="session")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """50 s of the sample stream from 60 s on: several pause-cut windows, several promises."""
    return cut_sample(tmp_path_factory.mktemp("media") / "clip.mp4", 60, 50)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A redis-server of this test's own (append-only), to stop and start."""
    server = RedisServer()
    server.start()
    yield server
    server.close()


@pytest.fixture
def pg_server() -> Iterator[PostgresServer]:
    """A PostgreSQL cluster of this test's own, to stop and start."""
    server = PostgresServer()
    try:
        server.init()
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot run a private PostgreSQL cluster here: {exc}")
    server.start()
    yield server
    server.close()


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
def base_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Settings every distributed test shares (also set in this process)."""
    env = {
        "ONRECORD_DATA_DIR": str(tmp_path / "data"),
        "ONRECORD_WHISPER_THREADS": "1",
        "ONRECORD_SEGMENT_SECONDS": "2",
        "ONRECORD_VISIBILITY_TIMEOUT_S": "20",
        "HF_HUB_OFFLINE": "1",
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


@pytest.fixture
def dist_env(
    base_env: dict[str, str],
    redis_url: str,
    pg_url: str,
    s3_endpoint: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, str]:
    """The environment of a distributed deployment on the shared services (also set in this process)."""
    env = {
        **base_env,
        "ONRECORD_BROKER_URL": redis_url,
        "ONRECORD_DATABASE_URL": pg_url,
        "ONRECORD_STORE_URL": f"s3://onrecord-{uuid.uuid4().hex[:12]}?endpoint={s3_endpoint}&region=us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


@pytest.fixture
def workers(base_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start `onrecord worker` subprocesses with this process's environment (plus `env`), logging to
    tmp_path/worker-NAME.log; all are ended (by their own pid) after the test."""
    started: list[subprocess.Popen[bytes]] = []

    def start(
        queues: str, *extra: str, name: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        log = open(tmp_path / f"worker-{name or queues}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [ONRECORD, "worker", "--queues", queues, "--loglevel", "warning", *extra],
            env={**os.environ, **base_env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
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


def deploy(
    redis_server: RedisServer,
    database_url: str,
    tmp_path: Path,
    workers: Callable[..., object],
    monkeypatch: pytest.MonkeyPatch,
    *,
    asr: bool = True,
    extra: dict[str, str] | None = None,
) -> tuple[Services, WorkLedger]:
    """Point this process and two workers (capture+index, and asr unless `asr` is False; info logs)
    at these services and a local-folder store; returns this process's services and ledger."""
    env = {
        "ONRECORD_BROKER_URL": redis_server.url,
        "ONRECORD_DATABASE_URL": database_url,
        "ONRECORD_STORE_URL": f"file://{tmp_path / 'store'}",
        **(extra or {}),
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    services = Services(Settings())
    ledger = WorkLedger(services.catalog.engine).load()
    workers("capture,index", "--loglevel", "info", name="capture-index", env=env)
    if asr:
        workers("asr", "--loglevel", "info", name="asr", env=env)
    return services, ledger


def in_flight(ledger: WorkLedger) -> bool:
    """The file is captured and a window is being transcribed."""
    done = any(p.capture_done for p in ledger.progress())
    return done and any(w["status"] == "running" for w in ledger.windows(STREAM))


def complete(ledger: WorkLedger, services: Services) -> bool:
    with services.catalog.engine.connect() as c:
        cur = {
            r[0]: (r[1], r[2])
            for r in c.exec_driver_sql(
                f"select stage, state, done from work_cursors where stream_id = '{STREAM}'"
            )
        }
    asr, idx = cur.get("asr"), cur.get("index")
    return bool(asr and asr[1] and idx and idx[0].get("window") == asr[0].get("window"))
