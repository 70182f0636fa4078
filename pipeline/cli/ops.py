"""`onrecord` commands that run a deployment: serve, worker, status."""


from __future__ import annotations

from typing import Annotated

import typer

from models import InputError, Role
from pipeline.cli.common import (
    JsonOpt,
    app,
    emit,
    make_services,
    out,
)
from pipeline.settings import Settings


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(help="worker processes")] = 1,
) -> None:
    """Serve the API (OpenAPI docs at /docs) and the web page for agents and reviewers."""
    import uvicorn

    # by import string (the API sits above pipeline and reads the same ONRECORD_* settings)
    uvicorn.run("api.app:app_from_env", factory=True, host=host, port=port, workers=workers)


@app.command()
def worker(
    queues: Annotated[str, typer.Option("--queues", "-Q", help="comma-separated: capture, asr, index")] = (
        "capture,asr,index"
    ),
    concurrency: Annotated[int, typer.Option(help="tasks at once in this worker")] = 1,
    pool: Annotated[
        str | None, typer.Option(help="solo, prefork or threads (default: threads for 1, else prefork)")
    ] = None,
    loglevel: Annotated[str, typer.Option(help="celery log level")] = "info",
) -> None:
    """Run a distributed worker (needs ONRECORD_BROKER_URL; run exactly one worker on the index queue)."""
    import os

    from pipeline.distributed import tasks
    from pipeline.distributed.app import make_celery
    from pipeline.distributed.queues import QUEUES

    names = [q.strip() for q in queues.split(",") if q.strip()]
    if not names or any(q not in QUEUES for q in names):
        raise InputError(f"--queues {queues!r}: expected a comma-separated subset of {', '.join(QUEUES)}")
    settings = Settings()
    celery = make_celery(settings)
    # one task at a time on a thread, not solo: the worker keeps answering `onrecord status` and
    # tending its broker connection while a long window is transcribed
    pool = pool or ("threads" if concurrency == 1 else "prefork")
    tasks.warm_on_start(names)
    if pool != "prefork":  # no child processes: load the models here, once
        tasks.context(settings).warm(names)
    celery.worker_main(
        [
            "worker",
            f"--queues={','.join(names)}",
            f"--concurrency={concurrency}",
            f"--pool={pool}",
            f"--loglevel={loglevel}",
            f"--hostname=onrecord-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
        ]
    )


@app.command()
def status(json_: JsonOpt = False) -> None:
    """Streams with their lag, queue depths and workers (workers and queues need ONRECORD_BROKER_URL)."""
    from pipeline.distributed.status import gather

    services = make_services()
    celery = None
    if services.settings.broker_url:
        from pipeline.distributed.app import make_celery

        celery = make_celery(services.settings)
    st = gather(services, celery)
    if json_:
        emit(st.as_dict())
        return
    for s in st.streams:
        state = "captured" if s.capture_done else "recording"
        out.print(
            f"{s.stream}: {state}, audio {s.audio_s:.1f}s, transcribed {s.transcribed_s:.1f}s, "
            f"indexed {s.indexed_s:.1f}s, lag {s.lag_s:.1f}s, windows {s.windows}"
        )
    out.print("queues: " + (", ".join(f"{q} {n}" for q, n in st.queues.items()) or "(no broker)"))
    for name, running in st.workers.items():
        out.print(f"worker {name}: {len(running)} running")
    for r in st.running:
        out.print(f"  transcribing {r['stream']} window {r['window']} at {r['t0']:.1f}s on {r['worker']}")


keys_app = typer.Typer(
    no_args_is_help=True,
    help="API keys: the first admin key of a merchant is made here (the admin route needs a key to start with).",
)
app.add_typer(keys_app, name="keys")
RoleOpt = Annotated[Role, typer.Option("--role", help="agent, compliance or admin")]
MerchantOpt = Annotated[str, typer.Option("--merchant", help="the merchant (shop) the key belongs to")]


@keys_app.command("create")
def keys_create(role: RoleOpt, merchant: MerchantOpt, name: Annotated[str, typer.Option()] = "") -> None:
    """Make a key; its secret is printed once (JSON), only its hash is stored."""
    accounts = make_services().accounts
    made = accounts.create_key(role, merchant, name)
    accounts.audit("cli", merchant, "key.created", made.info.id, {"role": role.value})
    emit(made.model_dump(mode="json"))


@keys_app.command("list")
def keys_list(merchant: MerchantOpt) -> None:
    """The merchant's keys, one JSON line each (no secrets)."""
    for key in make_services().accounts.list_keys(merchant):
        emit(key.model_dump(mode="json"))


@keys_app.command("revoke")
def keys_revoke(key_id: str, merchant: MerchantOpt) -> None:
    """Revoke a key by id (revoking it again changes nothing; the last admin key is kept)."""
    outcome = make_services().accounts.revoke_key(key_id, merchant, "cli")
    if outcome == "unknown":
        raise InputError(f"unknown key {key_id!r} for merchant {merchant!r}")
    if outcome == "last_admin":
        raise InputError(f"{key_id!r} is {merchant!r}'s last active admin key; create another first")
    out.print(f"revoked {key_id}" if outcome == "revoked" else f"{key_id} was already revoked")
