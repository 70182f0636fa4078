"""The room decides how far the classifier is trusted: a chat stream stays quiet, a selling room
gets open phrasings, and a line alone is read as selling (the guide: when in doubt in a
live-commerce room, it is selling talk)."""

from __future__ import annotations

import json

from claims import ClaimExtractor, extract_jsonl
from claims.extractor import ROOM_SELLING, Room
from evals.claims.datasets import load_streamer_chat


def _run(texts: list[str], ex: ClaimExtractor) -> list[dict]:
    return list(extract_jsonl((json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in enumerate(texts)), ex))


def test_room_share_is_smoothed_by_its_prior() -> None:
    room = Room()
    assert room.selling == Room.PRIOR_SELLING
    room.add(1, 0)
    assert room.selling > ROOM_SELLING  # one quiet line does not make a chat room
    room.add(200, 3)
    assert room.selling < ROOM_SELLING


def test_chat_stream_adds_nothing_to_what_the_rules_say() -> None:
    texts = [r["text"] for r in load_streamer_chat()]  # 1,560 lines of non-selling streamer talk
    learned = _run(texts, ClaimExtractor())
    rules = _run(texts, ClaimExtractor(learned=False))
    n_learned = sum(len(o["claims"]) + len(o["risks"]) for o in learned)
    n_rules = sum(len(o["claims"]) + len(o["risks"]) for o in rules)
    assert n_learned <= n_rules + len(texts) // 200, (n_learned, n_rules)


SELLING = ["三号链接今天到手价九十九，拍一发二", "库存不多了家人们抓紧拍", "这款洗洁精泡沫丰富，很容易冲洗干净",
           "下单就送一个沥水篮", "一瓶五百毫升，厨房台面都能用", "直播间专属价，比日常便宜二十"]


def test_selling_room_gets_open_phrasings() -> None:
    out = _run(SELLING, ClaimExtractor())
    assert "efficacy" in {c["type"] for c in out[2]["claims"]}


def test_a_line_alone_is_read_as_selling() -> None:
    claims, _ = ClaimExtractor().extract_text("泡沫丰富，很容易冲洗干净")
    assert "efficacy" in {c.type.value for c in claims}
