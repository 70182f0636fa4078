"""Comments on record: an import is all or nothing, the chat is on the stream's chain (a deleted or altered
comment fails verify, named), searchable with the kind filter, and in an evidence bundle beside the clip."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from capture.archive import StreamArchive, manifest_key
from capture.segmenter import PyAVSegmenter, SegmentData, open_input
from evidence import layout
from evidence.verifier import verify_bundle
from models import ChatKind, InputError, Moment, SearchFilters, Stream, StreamStatus
from pipeline.chat import import_comments, list_comments
from pipeline.services import Services
from pipeline.settings import Settings
from storage.chat import chat_events
from tests.index.conftest import HashingEmbedder

STARTED = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
CHAT = [
    {"id": "c1", "t": 3.0, "user": "小王", "text": "敏感肌能用吗"},
    {"id": "c2", "t": 6.5, "user": "阿花", "text": "发什么快递"},
    {"id": "g1", "t": 7.0, "user": "老李", "kind": "gift", "gift_name": "小心心", "gift_count": 2},
]


@pytest.fixture
def services(tmp_path: Path, tone_video: Path) -> Services:
    """Services on a fresh data dir, with stream s1 recorded from a 12-s test video (finished)."""
    services = Services(Settings(data_dir=tmp_path / "data"))
    services.__dict__["embedder"] = HashingEmbedder()  # a real Embedder without a model to load
    stream = Stream(id="s1", merchant="m", started_at=STARTED, status=StreamStatus.FINISHED)
    archive = StreamArchive.open(services.store, stream)
    with open_input(str(tone_video)) as c:
        for ev in PyAVSegmenter("s1", 4.0).run(c):
            if isinstance(ev, SegmentData):
                archive.append_segment(ev.data, ev.t0, ev.t1)
    archive.finish()
    services.catalog.upsert_stream(stream)
    return services


def _file(tmp_path: Path, rows: list[object], name: str = "chat.jsonl") -> Path:
    path = tmp_path / name
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows)
    )
    return path


def _state(services: Services) -> tuple[bytes, list[str]]:
    return services.store.get(manifest_key("s1")), [e.id for e in services.chat.events("s1")]


def test_import_counts_added_and_repeated_and_lists_by_kind(services: Services, tmp_path: Path) -> None:
    first = import_comments(services, _file(tmp_path, CHAT), "s1")
    assert (first.added, first.repeated, first.refused) == (3, 0, 0)
    again = import_comments(services, _file(tmp_path, CHAT), "s1")
    assert (again.added, again.repeated) == (0, 3)
    csv = tmp_path / "more.csv"
    csv.write_text("message_id,time_in_seconds,author.name,message\nc9,9.5,小张,有赠品吗\n", encoding="utf-8")
    assert import_comments(services, csv, "s1").added == 1
    assert [e.id for e in list_comments(services, "s1")] == ["c1", "c2", "g1", "c9"]
    assert [e.id for e in list_comments(services, "s1", "gift")] == ["g1"]
    manifest = services.archive.manifest("s1")
    assert manifest is not None and [b.count for b in manifest.chat] == [3, 1]  # a repeat adds no batch
    assert services.archive.verify("s1").ok


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("{broken", r"chat.jsonl line 3: not JSON"),
        ({"id": "x", "t": 4, "kind": "shout"}, r"line 3: unknown kind 'shout'"),
        ({"id": "x", "t": 600, "text": "晚到的"}, r"line 3: at 600.000s .*after the stream's record ends"),
        ({"id": "x", "t": 4, "text": "长" * (1 << 20)}, r"line 3: a comment of 1048576 characters"),
        ({"id": "c1", "t": 3.0, "user": "小王", "text": "改过的问题"}, r"line 3: .*'c1'.*different content"),
    ],
)
def test_a_bad_file_changes_nothing(services: Services, tmp_path: Path, row: object, message: str) -> None:
    import_comments(services, _file(tmp_path, CHAT[:1], "old.jsonl"), "s1")
    before = _state(services)
    bad = _file(
        tmp_path, [{"id": "n1", "t": 1.0, "text": "新的"}, {"id": "n2", "t": 2.0, "text": "新的2"}, row]
    )
    with pytest.raises(InputError, match=message):
        import_comments(services, bad, "s1")
    assert _state(services) == before  # nothing stored changed: no rows, no batch
    assert services.archive.verify("s1").ok


def test_an_unknown_stream_or_a_stream_being_recorded_is_refused(services: Services, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown stream 'nope'"):
        import_comments(services, _file(tmp_path, CHAT), "nope")
    services.catalog.set_status("s1", StreamStatus.RECORDING)
    with pytest.raises(InputError, match="being recorded"):
        import_comments(services, _file(tmp_path, CHAT), "s1")


def test_a_deleted_or_altered_comment_fails_verify_by_name(services: Services, tmp_path: Path) -> None:
    import_comments(services, _file(tmp_path, CHAT), "s1")
    assert services.archive.verify("s1").ok
    engine = services.catalog.engine
    with engine.begin() as conn:  # someone edits the catalog's copy of a comment
        conn.execute(
            update(chat_events)
            .where(chat_events.c.id == "c2")
            .values(doc={**services.chat.events("s1")[1].model_dump(mode="json"), "text": "不发快递"})
        )
    report = services.archive.verify("s1")
    assert not report.ok
    assert any("comment 'c2'" in f and "altered" in f for f in report.failures), report.failures
    with engine.begin() as conn:
        conn.execute(chat_events.delete().where(chat_events.c.id == "c1"))
    failures = services.archive.verify("s1").failures
    assert any("comment 'c1'" in f and "missing from the catalog" in f for f in failures), failures


def test_an_altered_chat_object_breaks_its_batch_and_names_the_comment(
    services: Services, tmp_path: Path
) -> None:
    import_comments(services, _file(tmp_path, CHAT), "s1")
    manifest = services.archive.manifest("s1")
    assert manifest is not None
    batch = manifest.chat[0]
    path = services.store.local_path(batch.path)  # type: ignore[union-attr]
    assert path is not None
    path.write_bytes(path.read_bytes().replace("敏感肌".encode(), "孕妇".encode()))
    failures = services.archive.verify("s1").failures
    assert any(f"chat batch {batch.seq:06d}: content hash mismatch" in f for f in failures), failures
    assert any("comment 'c1'" in f and "differs" in f for f in failures), failures
    path.unlink()
    failures = services.archive.verify("s1").failures
    assert any(f"chat batch {batch.seq:06d}: missing from the store" in f for f in failures), failures


def test_search_finds_a_comment_by_its_text_with_the_kind_filter(services: Services, tmp_path: Path) -> None:
    services.index.add_texts("s1", [("u1", "敏感肌也可以用，放心")], merchant="m")
    import_comments(services, _file(tmp_path, CHAT), "s1")
    hits = services.index.search("敏感肌能用吗", SearchFilters(stream="s1", kind="comment"), k=5)
    assert hits and hits[0].id == "c1" and hits[0].kind == "comment" and hits[0].t0 == 3.0
    assert all(h.kind == "comment" for h in hits)
    said = services.index.search("敏感肌能用吗", SearchFilters(stream="s1", kind="utterance"), k=5)
    assert [h.id for h in said] == ["u1"]
    both = {h.id for h in services.index.search("敏感肌", SearchFilters(stream="s1"), k=5)}
    assert {"c1", "u1"} <= both
    assert not any(h.id == "g1" for h in services.index.search("小心心", SearchFilters(stream="s1"), k=5))
    with pytest.raises(InputError, match="unknown kind"):
        services.index.search("敏感肌", SearchFilters(kind="gift"), k=5)


def test_a_bundle_holds_the_comments_around_its_moment_and_verifies(
    services: Services, tmp_path: Path
) -> None:
    import_comments(services, _file(tmp_path, [*CHAT, {"id": "late", "t": 11.9, "text": "太晚了"}]), "s1")
    data, bundle = services.evidence.build("m", [Moment("s1", 5.0, 6.0)])
    comments = bundle.items[0].comments
    assert [c.id for c in comments] == ["c1", "c2"]  # 30 s before to 5 s after; comments only, no gift
    assert comments[0].text == "敏感肌能用吗" and comments[0].kind is ChatKind.COMMENT
    assert {link.kind for link in bundle.streams[0].links} >= {"segment", "chat"}
    path = tmp_path / "bundle.zip"
    path.write_bytes(data)
    check = verify_bundle(path)
    assert check.ok, check.failures
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
    assert layout.chat_name("s1", services.archive.manifest("s1").chat[0].seq) in names  # type: ignore[union-attr]


def test_a_bundle_whose_comment_was_changed_fails_naming_it(services: Services, tmp_path: Path) -> None:
    import_comments(services, _file(tmp_path, CHAT), "s1")
    with services.catalog.engine.begin() as conn:  # the catalog lies about what a viewer asked
        conn.execute(
            update(chat_events)
            .where(chat_events.c.id == "c1")
            .values(doc={**services.chat.events("s1")[0].model_dump(mode="json"), "text": "孕妇能用吗"})
        )
    data, _ = services.evidence.build("m", [Moment("s1", 5.0, 6.0)])
    path = tmp_path / "bundle.zip"
    path.write_bytes(data)
    check = verify_bundle(path)
    assert not check.ok
    assert any("comment 'c1' is not, as shown, in a chained chat batch" in f for f in check.failures), (
        check.failures
    )
