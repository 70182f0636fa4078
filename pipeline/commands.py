"""What the CLI commands do, as plain functions over Services (the CLI only parses and prints)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from models import (
    Claim,
    EvidenceInfo,
    InputError,
    SearchFilters,
    SearchHit,
    Ticket,
    Utterance,
    VerifyReport,
)
from pipeline.services import Services, load_products
from pipeline.session import SessionResult, SessionRunner, new_stream


def media_duration(path: Path) -> float:
    from capture.segmenter import open_input

    with open_input(str(path)) as container:
        return float(container.duration or 0) / 1_000_000


def ingest(
    services: Services,
    file: Path,
    stream_id: str,
    *,
    started_at: datetime | None = None,
    products_file: Path | None = None,
    merchant: str | None = None,
    append: bool = False,
    resume: bool = False,
    console: Console | None = None,
) -> SessionResult:
    """`onrecord ingest`: a new stream from a file, another file `append`ed to a stream, or the `resume`
    of an ingest that did not finish (killed, or failed on a full disk) where it stopped."""
    products = load_products(products_file)
    stream = new_stream(
        stream_id, source=str(file), merchant=merchant or services.settings.merchant, started_at=started_at
    )
    runner = SessionRunner(services, stream, products)
    if not Path(file).exists():
        raise InputError(f"{file}: no such file")
    total = media_duration(Path(file)) or None
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f}s"),
        TimeElapsedColumn(),
        console=console or Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task(f"transcribing {stream_id}", total=total)
        runner.on_progress = lambda t: progress.update(task, completed=t)
        return runner.ingest_file(Path(file), append=append, resume=resume)


def claim_row(services: Services, c: Claim) -> dict[str, Any]:
    """The `onrecord claims --json` shape (ARCHITECTURE.md)."""
    return {
        "id": c.id,
        "stream": c.stream_id,
        "type": c.type.value,
        "value": c.value,
        "quote": c.quote,
        "t0": round(c.t0, 3),
        "t1": round(c.t1, 3),
        "at": c.at.isoformat() if c.at else None,
        "product": c.product,
        "risks": [r.model_dump(mode="json") for r in c.risks],
        "confidence": round(c.confidence, 3),
    }


def require_stream(services: Services, stream_id: str) -> None:
    if services.catalog.get_stream(stream_id) is None:
        raise InputError(
            f"unknown stream {stream_id!r} (see the streams you recorded with `onrecord search`)"
        )


def list_claims(services: Services, stream_id: str, type_: str | None, risky: bool) -> list[dict[str, Any]]:
    require_stream(services, stream_id)
    if type_ is not None:
        from models import ClaimType

        if type_ not in {t.value for t in ClaimType}:
            raise InputError(f"unknown claim type {type_!r}; one of: {', '.join(t.value for t in ClaimType)}")
    return [
        claim_row(services, c) for c in services.catalog.claims(stream_id=stream_id, type_=type_, risky=risky)
    ]


def print_claims(console: Console, rows: list[dict[str, Any]]) -> None:
    table = Table(show_lines=False)
    for col in ("time", "type", "value", "quote", "product", "risks"):
        table.add_column(col, overflow="fold")
    for r in rows:
        m, s = divmod(r["t0"], 60)
        value = ", ".join(f"{k}={v}" for k, v in r["value"].items())
        risks = ", ".join(x["rule"] for x in r["risks"])
        table.add_row(
            f"{int(m):02d}:{s:04.1f}",
            r["type"],
            value,
            r["quote"],
            r["product"] or "",
            f"[red]{risks}[/red]" if risks else "",
        )
    console.print(table)


def make_filters(
    services: Services,
    stream: str | None,
    type_: str | None,
    risky: bool,
    product: str | None,
    merchant: str | None,
    kind: str = "utterance",
) -> SearchFilters:
    """The filters of a search; `kind` utterance (the host's words, the default), comment (viewers'), or all."""
    if stream is not None:
        require_stream(services, stream)
    if kind not in ("utterance", "comment", "all"):
        raise InputError(f"unknown kind {kind!r}: utterance (what the host said), comment (what viewers wrote) or all")
    return SearchFilters(
        stream=stream,
        type=type_,
        risky=risky,
        product=product,
        merchant=merchant,
        kind=None if kind == "all" else kind,
    )


def search(
    services: Services, query: str, filters: SearchFilters, k: int, mode: str = "hybrid"
) -> list[dict[str, Any]]:
    """Hybrid search; each hit as the `search --json` shape, with a clip URL."""
    if not query or not query.strip():
        raise InputError("empty query: type what you are looking for")
    _check_search(services, [query], filters, mode)
    return _rows(services, services.index.search(query, filters, k=k, mode=mode))  # type: ignore[arg-type]


def search_batch(
    services: Services, queries: list[str], filters: SearchFilters, k: int, mode: str = "hybrid"
) -> list[list[dict[str, Any]]]:
    """Many queries with the models loaded once and the queries embedded in one batch."""
    if not queries:
        raise InputError("the batch file has no queries")
    _check_search(services, queries, filters, mode)
    results = services.index.search_batch(queries, filters, k=k, mode=mode)  # type: ignore[arg-type]
    return [_rows(services, hits) for hits in results]


def _check_search(services: Services, queries: list[str], filters: SearchFilters, mode: str) -> None:
    """Refuse bad queries, modes and claim types before any model is assembled or loaded."""
    from index.hybrid import check_query
    from models import ClaimType

    for q in queries:
        check_query(q)
    if mode not in ("hybrid", "lexical", "semantic"):
        raise InputError(f"unknown search mode {mode!r}: hybrid, lexical or semantic")
    if filters.type is not None and filters.type not in {t.value for t in ClaimType}:
        raise InputError(
            f"unknown claim type {filters.type!r}; one of: {', '.join(t.value for t in ClaimType)}"
        )


def _rows(services: Services, hits: list[SearchHit]) -> list[dict[str, Any]]:
    rows = []
    for h in hits:
        row = h.model_dump(mode="json", exclude={"clip_url"})
        row["claim"] = (
            {
                "type": h.claim.type.value,
                "value": h.claim.value,
                "id": h.claim.id,
                "risks": [r.rule.value for r in h.claim.risks],
            }
            if h.claim
            else None
        )
        row["clip"] = services.clip_url(h.stream, h.t0, h.t1)
        rows.append(row)
    return rows


def read_queries(path: Path) -> Iterator[str]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read queries ({exc.strerror})") from exc
    return (line.strip() for line in lines if line.strip())


def print_hits(console: Console, query: str, hits: list[dict[str, Any]]) -> None:
    console.print(f"[bold]{query}[/bold]")
    if not hits:
        console.print("  (no results)")
    for i, h in enumerate(hits, 1):
        m, s = divmod(h["t0"], 60)
        claim = f" [magenta]{h['claim']['type']} {h['claim']['value']}[/magenta]" if h["claim"] else ""
        console.print(f"  {i}. [cyan]{h['stream']} {int(m):02d}:{s:04.1f}[/cyan] {h['quote']}{claim}")
        console.print(f"     clip: {h['clip']}", style="dim")


def index_jsonl(services: Services, file: Path, stream_id: str) -> int:
    """Index `{"id","text"}` lines as utterances of `stream_id`, each with the claims the rules find in
    it (so a shipping question can prefer the lines that promise shipping); returns the lines read."""
    rows = list(iter_jsonl(file))
    items = [(str(r["id"]), str(r["text"])) for r in rows]
    from pipeline.session import new_stream as _new

    if services.catalog.get_stream(stream_id) is None:
        services.catalog.upsert_stream(_new(stream_id, source=str(file), merchant=services.settings.merchant))
    found = services.extractor(learned=False).extract_texts([text for _, text in items])
    claims = {
        doc_id: [
            c.model_copy(
                update={"id": f"{stream_id}-{doc_id}-c{n}", "stream_id": stream_id, "utterance_id": doc_id}
            )
            for n, c in enumerate(doc_claims)
        ]
        for (doc_id, _), (doc_claims, _) in zip(items, found, strict=True)
        if doc_claims
    }
    services.index.add_texts(stream_id, items, claims=claims)
    services.index.save()
    return len(items)


def iter_jsonl(file: Path | str) -> Iterator[dict[str, Any]]:
    """{"id","text"} lines from a file or '-' (stdin); InputError naming the first bad line."""
    fh = sys.stdin if str(file) == "-" else _open(Path(file))
    for n, line in enumerate(fh, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{file}:{n}: not JSON ({exc.msg})") from exc
        if not isinstance(row, dict) or "id" not in row or not isinstance(row.get("text"), str):
            raise InputError(f'{file}:{n}: expected {{"id", "text"}}')
        yield row


def _open(path: Path) -> Any:
    try:
        return path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc


def extract(
    services: Services, text: str | None, jsonl: Path | None, learned: bool = True
) -> Iterator[dict[str, Any]]:
    if (text is None) == (jsonl is None):
        raise InputError("give exactly one of --text or --jsonl")
    # read (and validate) all input before paying for any model
    rows = [{"id": None, "text": text}] if jsonl is None else list(iter_jsonl(jsonl))
    from claims.jsonl import extract_rows

    return extract_rows(((r["id"], str(r["text"])) for r in rows), services.extractor(learned=learned))


def print_verify(console: Console, report: VerifyReport) -> None:
    mark = "[green]OK[/green]" if report.ok else "[red]FAILED[/red]"
    console.print(
        f"stream {report.stream}: {mark}  {report.segments} segments, {len(report.gaps)} gaps, "
        f"recorded {report.recorded_s:.1f}s of {report.span_s:.1f}s (coverage {report.coverage:.1%})"
    )
    for g in report.gaps:
        console.print(f"  gap {g.t0:.1f}–{g.t1:.1f}s ({g.duration}s): {g.reason}")
    for f in report.failures:
        console.print(f"  [red]✗[/red] {f}")
    console.print(f"  chain head {report.head}")


def transcribe(services: Services, file: Path, products_file: Path | None) -> Iterator[Utterance]:
    from transcribe.protocol import transcribe_file

    transcriber = services.transcriber(load_products(products_file))
    return transcribe_file(transcriber, Path(file), stream_id=Path(file).stem or "file")


def describe_models(services: Services) -> dict[str, dict[str, Any]]:
    from index.e5_assets import describe_e5_model
    from transcribe.whisper_assets import describe_whisper_model

    s = services.settings
    return {
        "whisper (speech)": describe_whisper_model(s.whisper_model, s.models_dir),
        "embedding (search, claims classifier)": describe_e5_model(s.embed_model, s.models_dir),
    }


def reindex(services: Services) -> int:
    """Rebuild the search index from the catalog (every recorded stream); returns the documents indexed.

    Text-only corpora added with `index-jsonl` live only in the index: add them again afterwards. Each
    stream's comments are indexed after its utterances."""
    catalog = services.catalog
    merchants: dict[str, str] = {}

    def batches() -> Iterator[tuple[list[Utterance], list[Claim], str, datetime]]:
        for stream, utts, claims in catalog.iter_streams_content():
            merchants[stream.id] = stream.merchant
            yield utts, claims, stream.merchant, stream.started_at

    services.index.rebuild(batches())
    for stream_id, merchant in merchants.items():
        services.index.add_comments(services.chat.events(stream_id), merchant=merchant)
    services.index.save()
    return len(services.index)


def evidence_for_ticket(services: Services, ticket_file: Path, output: Path) -> EvidenceInfo:
    """`onrecord evidence --ticket T -o Z`: bundle the claims in force for a ticket file and write it to Z."""
    try:
        ticket = Ticket.model_validate_json(Path(ticket_file).read_bytes())
    except OSError as exc:
        raise InputError(f"{ticket_file}: cannot read ({exc.strerror})") from exc
    except ValidationError as exc:
        raise InputError(
            f'{ticket_file}: not a ticket (expected {{"id", "text", "product", "order_time", '
            f'"merchant"?, "stream"?}}): {exc}'
        ) from exc
    data, info = services.tickets().bundle_for(ticket, ticket.merchant or services.settings.merchant, "cli")
    Path(output).write_bytes(data)
    return info
