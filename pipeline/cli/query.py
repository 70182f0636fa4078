"""`onrecord` commands that read what was said: claims, search, index-jsonl, reindex, extract, transcribe, models."""


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
    make_services,
    out,
)


@app.command()
def claims(
    stream: StreamOpt,
    type: Annotated[str | None, typer.Option("--type", help="claim type, e.g. shipping")] = None,
    risky: Annotated[bool, typer.Option("--risky", help="only claims with risk flags")] = False,
    json_: JsonOpt = False,
) -> None:
    """List a stream's claims."""
    rows = commands.list_claims(make_services(), stream, type, risky)
    if json_:
        for row in rows:
            emit(row)
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
    kind: Annotated[
        str, typer.Option("--kind", help="utterance (what the host said), comment (what viewers wrote) or all")
    ] = "utterance",
    json_: JsonOpt = False,
) -> None:
    """Hybrid search over everything the hosts said and the viewers wrote."""
    services = make_services()
    filters = commands.make_filters(services, stream, type, risky, product, merchant, kind)
    if batch is not None:
        for hits in commands.search_batch(services, list(commands.read_queries(batch)), filters, k, mode):
            emit(hits)
        return
    if query is None:
        raise InputError("give a QUERY or --batch FILE")
    hits = commands.search(services, query, filters, k, mode)
    if json_:
        for h in hits:
            emit(h)
    else:
        commands.print_hits(out, query, hits)


@app.command("index-jsonl")
def index_jsonl(file: Path, stream: StreamOpt) -> None:
    """Index {"id","text"} lines as utterances of a text-only stream; hits carry each line's id."""
    n = commands.index_jsonl(make_services(), file, stream)
    out.print(f"indexed {n} lines into stream {stream}")


@app.command()
def reindex() -> None:
    """Rebuild the search index from the catalog (after a model change or a lost index folder)."""
    n = commands.reindex(make_services())
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
    for row in commands.extract(make_services(), text, jsonl, learned):
        emit(row)


@app.command()
def transcribe(file: Path, products: ProductsOpt = None, json_: JsonOpt = False) -> None:
    """Print the utterances (start, end, text, words) of any audio or video file."""
    for utt in commands.transcribe(make_services(), file, products):
        if json_:
            emit(
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
    info = commands.describe_models(make_services())
    if json_:
        emit(info)
    else:
        for name, desc in info.items():
            out.print(f"[bold]{name}[/bold]")
            for key, value in desc.items():
                out.print(f"  {key}: {value}")
