"""`onrecord demo`: the whole pipeline on the bundled sample stream, with embedded defaults."""

from __future__ import annotations

from rich.console import Console

from capture.archive import load_manifest
from models import InputError, SearchFilters, StreamStatus
from pipeline import commands
from pipeline.sample import SAMPLE_PRODUCTS, SAMPLE_STREAM
from pipeline.services import Services

SAMPLE_ID = "sample"
QUESTIONS = ("多久发货", "赠品是什么", "敏感肌能用吗")


def run_demo(services: Services, out: Console, err: Console, *, fresh: bool = False) -> None:
    media, products = SAMPLE_STREAM, SAMPLE_PRODUCTS
    if not media.exists():
        raise InputError(f"the sample stream is missing ({media}); run scripts/make_sample_stream.py")
    manifest = load_manifest(services.store, SAMPLE_ID)
    done = manifest is not None and manifest.stream.status == StreamStatus.FINISHED
    if manifest is not None and (fresh or not done):
        _forget(services)
        manifest = None
    if manifest is None:
        err.print(f"Ingesting the sample stream {media.name} (first run also assembles the bundled models)…")
        result = commands.ingest(
            services, media, SAMPLE_ID, products_file=products, merchant="demo-shop", console=err
        )
        err.print(f"{result.segments} segments, {result.utterances} utterances, {len(result.claims)} claims")
    else:
        err.print(f"The sample is already ingested in {services.settings.data_dir} (use --fresh to redo it).")
    out.rule("Claims the host made")
    commands.print_claims(out, commands.list_claims(services, SAMPLE_ID, None, False))
    out.rule("Questions an after-sales agent might ask")
    for q in QUESTIONS:
        commands.print_hits(out, q, commands.search(services, q, SearchFilters(stream=SAMPLE_ID), k=3))
    out.rule("Next")
    out.print('Search further:   .venv/bin/onrecord search "包邮吗" --stream sample')
    out.print("Risky promises:   .venv/bin/onrecord claims --stream sample --risky")
    out.print("Cut a clip:       .venv/bin/onrecord clip --stream sample --start 10 --end 20 -o clip.mp4")
    out.print("Verify the chain: .venv/bin/onrecord verify --stream sample")


def _forget(services: Services) -> None:
    """Drop an unfinished or to-be-redone demo stream so it can be ingested again."""
    from storage.objects import LocalStore

    store = services.store
    for key in list(store.list(f"streams/{SAMPLE_ID}/")):
        store.delete(key)
    if isinstance(store, LocalStore):
        store.delete_prefix(f"streams/{SAMPLE_ID}")
    services.catalog.delete_stream_content(SAMPLE_ID)
    services.index.remove_stream(SAMPLE_ID)
