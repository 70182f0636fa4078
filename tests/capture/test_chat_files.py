"""Chat files: JSONL and CSV as exporters write them, on the stream clock; every bad record refused by line."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from capture.chat import ChatFileError, read_chat_file, read_chat_lines, since
from models import ChatKind

STARTED = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows)
    )
    return path


def test_jsonl_with_stream_seconds_and_wall_clock_times(tmp_path: Path) -> None:
    at = (STARTED + timedelta(seconds=65.5)).astimezone(UTC).isoformat()
    f = _jsonl(
        tmp_path / "chat.jsonl",
        [
            {"id": "c1", "t": 3.25, "user": "小王", "text": "敏感肌能用吗", "kind": "comment"},
            {"id": "c2", "at": at, "user": "阿花", "user_id": "u9", "text": "包邮吗"},
            "",
            {"id": "g1", "t": 70, "user": "老李", "kind": "gift", "gift_name": "小心心", "gift_count": 3},
        ],
    )
    events = read_chat_file(f, "s1", STARTED)
    assert [(e.id, e.t, e.kind) for e in events] == [
        ("c1", 3.25, ChatKind.COMMENT),
        ("c2", 65.5, ChatKind.COMMENT),
        ("g1", 70.0, ChatKind.GIFT),
    ]
    assert events[1].sent_at == STARTED + timedelta(seconds=65.5) and events[1].user_id == "u9"
    assert events[2].gift_name == "小心心" and events[2].gift_count == 3


def test_csv_as_chat_downloader_writes_it_with_stable_ids_when_there_are_none(tmp_path: Path) -> None:
    f = tmp_path / "chat.csv"
    f.write_text(
        "\ufefftime_in_seconds,author.name,message,message_type\n"
        "1.5,小王,敏感肌能用吗,text_message\n"
        '2,阿花,"包邮吗, 发什么快递",text_message\n'
        '2,阿花,"包邮吗, 发什么快递",text_message\n',
        encoding="utf-8",
    )
    events = read_chat_file(f, "s1", STARTED)
    assert [e.text for e in events] == ["敏感肌能用吗", "包邮吗, 发什么快递", "包邮吗, 发什么快递"]
    assert events[0].user_name == "小王" and events[0].t == 1.5
    ids = [e.id for e in events]
    assert len(set(ids)) == 3  # two identical lines are two comments
    assert ids == [e.id for e in read_chat_file(f, "s1", STARTED)]  # the same file gives the same ids


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("{not json", r"line 2: not JSON"),
        ("[1, 2]", r"line 2: expected a JSON object"),
        ({"id": "x", "t": 1, "text": "hi", "kind": "shout"}, r"line 2: unknown kind 'shout'"),
        (
            {"id": "x", "at": "2026-11-25T11:59:00+00:00", "text": "hi"},
            r"line 2: .*before the stream started",
        ),
        ({"id": "x", "t": 9999, "text": "hi"}, r"line 2: at 9999.000s .*after the stream's record ends"),
        (
            {"id": "c1", "t": 1, "text": "改过的"},
            r"line 2: id 'c1' was given on line 1 with different content",
        ),
        (
            {"id": "x", "t": 1, "text": "长" * (1 << 20)},
            r"line 2: a comment of 1048576 characters; at most 2000",
        ),
        ({"id": "x", "text": "hi"}, r"line 2: no time"),
        ({"id": "x", "at": "2026-11-25T12:00:00", "text": "hi"}, r"line 2: .*no time zone"),
        ({"id": "x", "t": 1, "kind": "gift", "gift_count": -2}, r"line 2: gift_count"),
    ],
)
def test_a_bad_record_is_refused_naming_its_line(tmp_path: Path, row: object, message: str) -> None:
    f = _jsonl(tmp_path / "chat.jsonl", [{"id": "c1", "t": 1, "text": "敏感肌能用吗"}, row])
    with pytest.raises(ChatFileError, match=message):
        read_chat_lines(f, "s1", since(STARTED), end_s=600.0)


def test_a_csv_row_with_more_fields_than_the_header_and_a_file_that_is_not_text(tmp_path: Path) -> None:
    f = tmp_path / "chat.csv"
    f.write_text("id,t,text\nc1,1,hi\nc2,2,hi,extra\n", encoding="utf-8")
    with pytest.raises(ChatFileError, match="line 3: more fields than the header"):
        read_chat_file(f, "s1", STARTED)
    g = tmp_path / "chat.jsonl"
    g.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ChatFileError, match="cannot read it as UTF-8"):
        read_chat_file(g, "s1", STARTED)
