"""One stream's corrupt manifest never takes the merchant's stream list down: the list (and the
stream's own page) show it with the problem; the routes that need its manifest (chain check, clip)
answer with a JSON reason naming the file, never a 500."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from capture.archive import StreamArchive
from models import Stream
from tests.api.conftest import STARTED


@pytest.fixture
def corrupt_stream(deployment) -> Iterator[str]:
    services = deployment.services
    stream = Stream(id="broken1", merchant="shop-a", started_at=STARTED)
    services.catalog.upsert_stream(stream)
    StreamArchive.open(services.store, stream).finish()
    path = services.store.local_path("streams/broken1/manifest.json")
    assert path is not None
    with path.open("ab") as fh:
        fh.write(b"junk\n")
    yield stream.id
    services.catalog.delete_stream_content(stream.id, with_stream=True)
    services.store.delete_prefix("streams/broken1")


def test_list_shows_every_stream_and_names_the_corrupt_one(deployment, corrupt_stream) -> None:
    r = deployment.client.get("/v1/streams", headers=deployment.h("agent"))
    assert r.status_code == 200, r.text
    rows = {s["stream"]["id"]: s for s in r.json()}
    assert rows["s1"]["segments"] > 0 and rows["s1"]["stream"]["error"] is None
    broken = rows[corrupt_stream]
    assert "streams/broken1/manifest.json: corrupt manifest (not valid JSON" in broken["stream"]["error"]
    assert broken["segments"] == 0

    one = deployment.client.get(f"/v1/streams/{corrupt_stream}", headers=deployment.h("agent"))
    assert one.status_code == 200 and "corrupt manifest" in one.json()["stream"]["error"]

    for route in ("verify", "clip?start=0&end=1"):
        r = deployment.client.get(f"/v1/streams/{corrupt_stream}/{route}", headers=deployment.h("agent"))
        assert 400 <= r.status_code < 600 and r.status_code != 500, (route, r.status_code)
        assert "streams/broken1/manifest.json: corrupt manifest" in r.json()["detail"], route
