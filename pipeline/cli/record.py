"""`onrecord` commands that put media on record and prove it: ingest, record, demo, clip, verify, evidence, retention."""


from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from models import InputError
from pipeline import commands
from pipeline.cli.common import (
    JsonOpt,
    ProductsOpt,
    StreamOpt,
    app,
    emit,
    err,
    make_services,
    out,
    parse_time,
    submitted,
)


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
    at = parse_time(started_at)
    if submitted(str(file.resolve()), stream, products, merchant, None, at):
        return
    result = commands.ingest(
        make_services(),
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

    run_demo(make_services(), out, err, fresh=fresh)


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
    comments: Annotated[
        str | None,
        typer.Option(
            "--comments",
            help="live chat beside the video: a ws:// or http(s):// feed of JSON lines, or a .jsonl/.csv file "
            "(its failure never stops the video)",
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Record a live stream (gaps recorded, reconnecting) and run the pipeline on it live.

    An existing --stream continues after a "recorder restarted" gap; audio the last run archived
    but did not transcribe is transcribed first. A write that fails (disk full) ends it: one
    `error:` line, exit 2, the stream failed with a gap from its last good segment."""
    from pipeline.live import record_stream
    from pipeline.services import load_products

    if comments is not None and make_services().settings.broker_url:
        raise InputError("--comments runs in the recording process: not in distributed mode (unset ONRECORD_BROKER_URL)")
    if submitted(url, stream, products, merchant, duration, None):
        return
    result = record_stream(
        make_services(),
        url,
        stream,
        products=load_products(products),
        merchant=merchant,
        duration_s=duration,
        transcribe=transcribe,
        give_up_s=give_up,
        comments=comments,
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
    if result.chat is not None:
        chat = result.chat
        summary |= {"comments": chat.added, "comment_repeats": chat.repeated, "chat_gaps": chat.gaps}
        summary["chat_error"] = chat.error
    if json_:
        emit(summary)
    else:
        out.print(" ".join(f"{k}={v}" for k, v in summary.items() if v is not None))


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

    cut_clip(make_services().store, stream, start, end, output, reencode=reencode)
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
            emit(check.model_dump())
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
    report = make_services().archive.verify(stream)
    if json_:
        emit(report.model_dump())
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
    info = commands.evidence_for_ticket(make_services(), ticket, output)
    out.print(
        f"wrote {output}: {len(info.manifest.items)} moments, bundle {info.bundle_id}, sha256 {info.sha256}"
    )


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

    services = make_services()
    report = apply_retention(services.store, days or services.settings.retention_days, dry_run=dry_run)
    if not dry_run and report.deleted:
        for sid in report.deleted:
            services.catalog.delete_stream_content(sid, with_stream=True)
            services.chat.delete_stream(sid)
            services.index.remove_stream(sid)
        services.index.save()
    if json_:
        emit(report.model_dump(mode="json"))
    else:
        verb = "would delete" if dry_run else "deleted"
        out.print(f"{verb} {len(report.deleted)} streams, kept {report.kept}, held {len(report.held)}")
        for line in report.errors:
            err.print(f"[red]error:[/red] {line}")
    if report.errors:
        raise typer.Exit(1)
