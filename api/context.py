"""What the API's routes share, composed once from Services in the app's lifespan (cheap to build)."""

from __future__ import annotations

from fastapi import HTTPException, Request

from models import Manifest, Stream
from pipeline.api_services import ApiServices


class ApiContext(ApiServices):
    """The composed services plus what answers in HTTP terms (404 for another merchant's stream)."""

    def stream_of(self, stream_id: str, merchant: str) -> Stream:
        """The merchant's stream, or 404: another merchant's stream looks exactly like a missing one."""
        stream = self.services.catalog.get_stream(stream_id)
        if stream is None or stream.merchant != merchant:
            raise HTTPException(404, f"unknown stream {stream_id!r}")
        return stream

    def manifest_of(self, stream_id: str, merchant: str) -> Manifest:
        self.stream_of(stream_id, merchant)
        manifest = self.services.archive.manifest(stream_id)
        if manifest is None:
            raise HTTPException(404, f"stream {stream_id!r} has nothing recorded yet")
        return manifest


async def context(request: Request) -> ApiContext:  # no I/O: spares a worker-thread hop per request
    ctx: ApiContext = request.app.state.ctx
    return ctx
