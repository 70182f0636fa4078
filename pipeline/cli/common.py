"""What every `onrecord` command shares: the Typer app, consoles, option types, Services, JSON output."""


from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from models import InputError
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


def make_services() -> Services:
    return Services(Settings())


def emit(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def submitted(
    source: str,
    stream: str,
    products: Path | None,
    merchant: str | None,
    duration: float | None,
    started_at: datetime | None,
) -> bool:
    """In distributed mode (ONRECORD_BROKER_URL set) queue the work for the capture workers."""
    services = make_services()
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


def parse_time(value: str | None) -> datetime | None:
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
