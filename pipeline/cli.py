"""The `onrecord` command line: thin commands over library calls (contract in ARCHITECTURE.md)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from models import InputError, OnRecordError
from pipeline import commands
from pipeline.services import Services
from pipeline.settings import Settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="OnRecord: keep every promise a live-commerce host makes on record.",
)
out = Console()
err = Console(stderr=True)

StreamOpt = Annotated[str, typer.Option("--stream", help="stream id (letters, digits, . _ -)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON lines instead of a table")]
ProductsOpt = Annotated[Path | None, typer.Option("--products", help="products file (names, aliases, links)")]


def _services() -> Services:
    return Services(Settings())


def _emit(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


@app.command()
def ingest(
    file: Path,
    stream: StreamOpt,
    started_at: Annotated[
        str | None, typer.Option("--started-at", help="ISO time the recording began")
    ] = None,
    products: ProductsOpt = None,
    merchant: Annotated[str | None, typer.Option(help="merchant/shop the stream belongs to")] = None,
    append: Annotated[bool, typer.Option(help="add a different file to an existing stream's chain")] = False,
    resume: Annotated[
        bool, typer.Option(help="continue this file's ingest where it stopped (killed, or failed on a full disk)")
    ] = False,
) -> None:
    """Archive, transcribe, extract claims from and index a recorded file (backfill).

    A killed ingest is resumed with the same FILE, --stream and --resume: nothing is archived,
    transcribed or indexed twice, and nothing is skipped."""
    at = _parse_time(started_at)
    if _submitted(str(file.resolve()), stream, products, merchant, None, at):
        return
    result = commands.ingest(
        _services(),
        file,
        stream,
        started_at=at,
        products_file=products,
        merchant=merchant,
        append=append,
        resume=resume,
        console=err,
    )
    if result.resumed_from is not None:
        out.print(
            f"resumed stream [bold]{stream}[/bold] where it stopped: archived segments kept, transcription "
            f"continued at {result.resumed_from:.1f}s, index reconciled with the catalog (counts below: this run)"
        )
    out.print(
        f"[green]ingested[/green] {file} as stream [bold]{stream}[/bold]: {result.segments} segments, "
        f"{result.duration:.1f}s, {result.utterances} utterances, {len(result.claims)} claims"
    )


@app.command()
def demo(fresh: Annotated[bool, typer.Option(help="re-ingest the sample even if present")] = False) -> None:
    """Run the whole pipeline on the bundled sample stream and show its claims and a few searches."""
    from pipeline.demo import run_demo

    run_demo(_services(), out, err, fresh=fresh)


@app.command()
def claims(
    stream: StreamOpt,
    type: Annotated[str | None, typer.Option("--type", help="claim type, e.g. shipping")] = None,
    risky: Annotated[bool, typer.Option("--risky", help="only claims with risk flags")] = False,
    json_: JsonOpt = False,
) -> None:
    """List a stream's claims."""
    rows = commands.list_claims(_services(), stream, type, risky)
    if json_:
        for row in rows:
            _emit(row)
    else:
        commands.print_claims(out, rows)


@app.command()
def search(
    query: Annotated[str | None, typer.Argument(help="what to look for, in any words")] = None,
    stream: Annotated[str | None, typer.Option("--stream")] = None,
    type: Annotated[str | None, typer.Option("--type")] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=200)] = 5,
    batch: Annotated[Path | None, typer.Option("--batch", help="file with one query per line")] = None,
    mode: Annotated[str, typer.Option(help="hybrid, lexical or semantic")] = "hybrid",
    risky: Annotated[bool, typer.Option("--risky")] = False,
    product: Annotated[str | None, typer.Option("--product")] = None,
    merchant: Annotated[str | None, typer.Option("--merchant")] = None,
    json_: JsonOpt = False,
) -> None:
    """Hybrid search over everything the hosts said."""
    services = _services()
    filters = commands.make_filters(services, stream, type, risky, product, merchant)
    if batch is not None:
        for hits in commands.search_batch(services, list(commands.read_queries(batch)), filters, k, mode):
            _emit(hits)
        return
    if query is None:
        raise InputError("give a QUERY or --batch FILE")
    hits = commands.search(services, query, filters, k, mode)
    if json_:
        for h in hits:
            _emit(h)
    else:
        commands.print_hits(out, query, hits)


@app.command("index-jsonl")
def index_jsonl(file: Path, stream: StreamOpt) -> None:
    """Index {"id","text"} lines as utterances of a text-only stream; hits carry each line's id."""
    n = commands.index_jsonl(_services(), file, stream)
    out.print(f"indexed {n} lines into stream {stream}")


@app.command()
def reindex() -> None:
    """Rebuild the search index from the catalog (after a model change or a lost index folder)."""
    n = commands.reindex(_services())
    out.print(f"indexed {n} utterances")


@app.command()
def extract(
    text: Annotated[str | None, typer.Option("--text", help="one text to analyse")] = None,
    jsonl: Annotated[
        Path | None, typer.Option("--jsonl", help='file of {"id","text"} lines ("-" = stdin)')
    ] = None,
    learned: Annotated[
        bool, typer.Option("--learned/--rules-only", help="rules and the learned classifier, or the rules alone")
    ] = True,
) -> None:
    """Text → claims and risks, no audio (JSON lines)."""
    for row in commands.extract(_services(), text, jsonl, learned):
        _emit(row)


@app.command()
def clip(
    stream: StreamOpt,
    start: Annotated[float, typer.Option("--start", help="seconds on the stream clock")],
    end: Annotated[float, typer.Option("--end", help="seconds on the stream clock")],
    output: Annotated[Path, typer.Option("-o", "--output", help="output .mp4")],
    reencode: Annotated[bool, typer.Option(help="frame-exact re-encode instead of stream copy")] = False,
) -> None:
    """Cut a clip from the archive."""
    from capture.clip import cut_clip

    cut_clip(_services().store, stream, start, end, output, reencode=reencode)
    out.print(f"wrote {output}")


@app.command()
def verify(
    bundle: Annotated[Path | None, typer.Argument(help="an evidence bundle .zip")] = None,
    stream: Annotated[str | None, typer.Option("--stream")] = None,
    signer: Annotated[
        str | None, typer.Option("--signer", help="trusted key fingerprint the bundle must be signed with")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Verify a stream's hash chain and segments, or an evidence bundle, offline (non-zero exit naming what fails)."""
    if bundle is not None:
        from evidence.verifier import verify_bundle

        if not bundle.is_file():  # bad input (exit 2), not a bundle that failed its checks (exit 1)
            raise InputError(f"{bundle}: no such bundle file")
        check = verify_bundle(bundle, signer)
        if json_:
            _emit(check.model_dump())
        else:
            out.print(f"bundle {bundle}: {'[green]OK[/green]' if check.ok else '[red]FAILED[/red]'}")
            for line in check.checks:
                out.print(f"  [green]✓[/green] {line}")
            for line in check.failures:
                out.print(f"  [red]✗[/red] {line}")
        if not check.ok:
            raise typer.Exit(1)
        return
    if stream is None:
        raise InputError("give --stream ID or a BUNDLE.zip")
    from capture.verify import verify_stream

    report = verify_stream(_services().store, stream)
    if json_:
        _emit(report.model_dump())
    else:
        commands.print_verify(out, report)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def evidence(
    ticket: Annotated[
        Path, typer.Option("--ticket", help='ticket JSON: {"id","text","product","order_time",...}')
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="output bundle .zip")],
) -> None:
    """Signed evidence bundle of the claims in force for a ticket (their streams go under legal hold)."""
    info = commands.evidence_for_ticket(_services(), ticket, output)
    out.print(
        f"wrote {output}: {len(info.manifest.items)} moments, bundle {info.bundle_id}, sha256 {info.sha256}"
    )


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

    services = _services()
    celery = None
    if services.settings.broker_url:
        from pipeline.distributed.app import make_celery

        celery = make_celery(services.settings)
    st = gather(services, celery)
    if json_:
        _emit(st.as_dict())
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


@app.command()
def transcribe(file: Path, products: ProductsOpt = None, json_: JsonOpt = False) -> None:
    """Print the utterances (start, end, text, words) of any audio or video file."""
    for utt in commands.transcribe(_services(), file, products):
        if json_:
            _emit(
                {
                    "start": utt.t0,
                    "end": utt.t1,
                    "text": utt.text,
                    "raw_text": utt.raw_text,
                    "confidence": utt.confidence,
                    "words": [w.model_dump() for w in utt.words],
                    "corrections": [c.model_dump() for c in utt.corrections],
                }
            )
        else:
            out.print(f"[cyan]{utt.t0:8.2f}–{utt.t1:8.2f}[/cyan]  {utt.text}")


@app.command()
def models(json_: JsonOpt = False) -> None:
    """Which models are used, where they are, and their checks."""
    info = commands.describe_models(_services())
    if json_:
        _emit(info)
    else:
        for name, desc in info.items():
            out.print(f"[bold]{name}[/bold]")
            for key, value in desc.items():
                out.print(f"  {key}: {value}")


@app.command()
def record(
    url: Annotated[
        str,
        typer.Argument(
            help="rtmp://, srt://, http(s):// (HLS .m3u8, FLV), or a recording (a file, an mp4 over HTTP, "
            "an HLS VOD), which is recorded once in real time, never looped (`ingest` archives it at once)"
        ),
    ],
    stream: StreamOpt,
    products: ProductsOpt = None,
    duration: Annotated[float | None, typer.Option("--duration", help="stop after S seconds")] = None,
    merchant: Annotated[str | None, typer.Option(help="merchant/shop the stream belongs to")] = None,
    transcribe: Annotated[bool, typer.Option(help="transcribe, extract and index while recording")] = True,
    give_up: Annotated[float, typer.Option("--give-up", help="seconds a lost source may stay away")] = 120.0,
    json_: JsonOpt = False,
) -> None:
    """Record a live stream (gaps recorded, reconnecting) and run the pipeline on it live.

    An existing --stream continues after a "recorder restarted" gap; audio the last run archived
    but did not transcribe is transcribed first. A write that fails (disk full) ends it: one
    `error:` line, exit 2, the stream failed with a gap from its last good segment."""
    from pipeline.live import record_stream
    from pipeline.services import load_products

    if _submitted(url, stream, products, merchant, duration, None):
        return
    result = record_stream(
        _services(),
        url,
        stream,
        products=load_products(products),
        merchant=merchant,
        duration_s=duration,
        transcribe=transcribe,
        give_up_s=give_up,
    )
    summary = {
        "stream": stream,
        "status": result.status.value,
        "error": result.error,
        "segments": result.segments,
        "gaps": result.gaps,
        "duration": round(result.duration, 3),
        "utterances": result.utterances,
        "claims": len(result.claims),
        "asr_dropped_s": round(result.asr_dropped_s, 1),
        "resumed_s": round(result.resumed_s, 1),  # archived by the last run, transcribed now
        "untranscribed_s": round(result.untranscribed_s, 1),
        "resume_error": result.resume_error,
    }
    if json_:
        _emit(summary)
    else:
        out.print(" ".join(f"{k}={v}" for k, v in summary.items() if v is not None))


retention_app = typer.Typer(no_args_is_help=True, help="Retention of recordings.")
app.add_typer(retention_app, name="retention")


@retention_app.command("apply")
def retention_apply(
    days: Annotated[int | None, typer.Option("--days", help="default: ONRECORD_RETENTION_DAYS")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="only report what would go")] = False,
    json_: JsonOpt = False,
) -> None:
    """Delete streams older than the retention period, except those under legal hold."""
    from capture.retention import apply_retention

    services = _services()
    report = apply_retention(services.store, days or services.settings.retention_days, dry_run=dry_run)
    if not dry_run and report.deleted:
        for sid in report.deleted:
            services.catalog.delete_stream_content(sid, with_stream=True)
            services.index.remove_stream(sid)
        services.index.save()
    if json_:
        _emit(report.model_dump(mode="json"))
    else:
        verb = "would delete" if dry_run else "deleted"
        out.print(f"{verb} {len(report.deleted)} streams, kept {report.kept}, held {len(report.held)}")
        for line in report.errors:
            err.print(f"[red]error:[/red] {line}")
    if report.errors:
        raise typer.Exit(1)


def _submitted(
    source: str,
    stream: str,
    products: Path | None,
    merchant: str | None,
    duration: float | None,
    started_at: datetime | None,
) -> bool:
    """In distributed mode (ONRECORD_BROKER_URL set) queue the work for the capture workers."""
    services = _services()
    if not services.settings.broker_url:
        return False
    from pipeline.distributed.app import make_celery
    from pipeline.distributed.tasks import submit

    task = submit(
        make_celery(services.settings),
        stream,
        source,
        products_file=products,
        merchant=merchant,
        duration_s=duration,
        started_at=started_at,
    )
    out.print(
        f"queued stream {stream} for the capture workers (task {task}); follow it with `onrecord status`"
    )
    return True


def _parse_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InputError(
            f"--started-at {value!r}: expected an ISO time such as 2026-11-25T20:00:00+08:00"
        ) from exc
    if at.tzinfo is None:
        raise InputError(f"--started-at {value!r}: give a time zone, e.g. +08:00 or Z")
    return at


def main() -> None:
    """Entry point: OnRecord errors become one line on stderr and exit status 2."""
    try:
        rc = app(standalone_mode=False)  # non-standalone click returns typer.Exit's code instead of raising
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except OnRecordError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except (typer.Exit, SystemExit) as exc:
        sys.exit(getattr(exc, "exit_code", getattr(exc, "code", 0)))
    except typer.Abort:
        sys.exit(130)
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise


if __name__ == "__main__":
    main()
