"""`onrecord comments`: a stream's live chat (list it, import it from a file)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from models import InputError
from pipeline.chat import chat_gaps, comment_row, import_comments, list_comments
from pipeline.cli.common import JsonOpt, StreamOpt, app, emit, make_services, out

comments_app = typer.Typer(help="A stream's live chat: list it, or import it from a file.")
app.add_typer(comments_app, name="comments")

KindOpt = Annotated[str | None, typer.Option("--kind", help="comment, gift, like, join, follow or control")]


@comments_app.callback(invoke_without_command=True)
def comments(
    ctx: typer.Context,
    stream: Annotated[str | None, typer.Option("--stream", help="stream id")] = None,
    kind: KindOpt = None,
    json_: JsonOpt = False,
) -> None:
    """List a stream's chat in time order (JSON lines {"id","stream","kind","t","at","user","user_id","text"})."""
    if ctx.invoked_subcommand is not None:
        return
    if stream is None:
        raise InputError("give --stream ID (or `onrecord comments import FILE --stream ID`)")
    services = make_services()
    known = services.catalog.get_stream(stream)
    events = list_comments(services, stream, kind)
    if json_:
        for event in events:
            emit(comment_row(event, known))
        return
    for event in events:
        m, s = divmod(event.t, 60)
        what = event.text or (f"{event.gift_name} ×{event.gift_count}" if event.gift_name else "")
        out.print(
            f"[cyan]{int(m):02d}:{s:05.2f}[/cyan] [dim]{event.kind.value}[/dim] {event.user_name}: {what}"
        )
    for gap in chat_gaps(services, stream):
        out.print(f"[yellow]chat gap {gap.t0:.1f}–{gap.t1:.1f}s[/yellow]: {gap.reason}")
    out.print(f"{len(events)} chat events")


@comments_app.command("import")
def comments_import(file: Path, stream: StreamOpt) -> None:
    """Import a chat file (JSONL or CSV; see README) into a stream: all or nothing, one error naming the line."""
    result = import_comments(make_services(), file, stream)
    out.print(
        f"comments import {file} into stream {stream}: added {result.added}, repeated {result.repeated}, "
        f"refused {result.refused}"
    )
