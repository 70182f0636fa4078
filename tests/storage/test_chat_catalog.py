"""The catalog's chat rows: idempotent adds, no overwrite, order and filters."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import CatalogError, ChatEvent, ChatKind
from storage import Catalog, ChatCatalog


def _chat(tmp_path: Path) -> ChatCatalog:
    return ChatCatalog(Catalog(f"sqlite:///{tmp_path / 'c.db'}").load())


def _event(i: str, t: float, text: str = "敏感肌能用吗", kind: ChatKind = ChatKind.COMMENT) -> ChatEvent:
    return ChatEvent(id=i, stream_id="s1", t=t, kind=kind, user_name="小王", text=text)


def test_events_come_back_in_stream_order_and_filter(tmp_path: Path) -> None:
    chat = _chat(tmp_path)
    added = chat.add([_event("b", 5.0), _event("a", 1.0), _event("g", 3.0, "", ChatKind.GIFT)])
    assert (added.added, added.repeated) == (3, 0)
    assert [e.id for e in chat.events("s1")] == ["a", "g", "b"]
    assert [e.id for e in chat.events("s1", kind=ChatKind.GIFT)] == ["g"]
    assert [e.id for e in chat.events("s1", t0=2.0, t1=5.0)] == ["g"]
    assert chat.events("other") == []
    assert chat.events("s1")[0] == _event("a", 1.0)


def test_a_repeat_is_skipped_and_a_conflicting_id_is_refused(tmp_path: Path) -> None:
    chat = _chat(tmp_path)
    chat.add([_event("a", 1.0)])
    again = chat.add([_event("a", 1.0), _event("c", 2.0)])
    assert (again.added, again.repeated) == (1, 1)
    with pytest.raises(CatalogError, match="'a'.*different content"):
        chat.add([_event("d", 4.0), _event("a", 1.0, "改过的评论")])
    assert [e.id for e in chat.events("s1")] == ["a", "c"]  # all or none: d was not written either
    assert chat.events("s1")[0].text == "敏感肌能用吗"


def test_mixed_streams_and_duplicate_ids_in_one_batch_are_refused(tmp_path: Path) -> None:
    chat = _chat(tmp_path)
    other = ChatEvent(id="x", stream_id="s2", t=1.0, text="hi")
    with pytest.raises(CatalogError, match="several streams"):
        chat.add([_event("a", 1.0), other])
    with pytest.raises(CatalogError, match="used twice"):
        chat.add([_event("a", 1.0), _event("a", 2.0)])
    assert chat.delete_stream("s1") == 0


def test_bad_events_are_refused_by_the_model() -> None:
    with pytest.raises(ValueError, match="non-empty id"):
        ChatEvent(id=" ", stream_id="s1", t=0.0)
    with pytest.raises(ValueError):
        ChatEvent(id="a", stream_id="s1", t=-1.0)
    with pytest.raises(ValueError):
        ChatEvent(id="a", stream_id="s1", t=0.0, text="长" * 2001)
