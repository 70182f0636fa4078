"""Recognise media a source sends again, so that nothing is archived twice.

A reconnect can land in content already recorded: an HLS live playlist whose window still holds
segments the last connection read, a server's GOP cache re-sending the last seconds, a source
that loops a file from its start. Such media comes back with the same timestamps *and the same
bytes*. `ReplayGuard` follows one connection series (one recorder run): it remembers each track's
last decode timestamp and a fingerprint (timestamp, hash of the payload) of recently recorded packets.
When a packet's timestamp goes back to or before what its track has recorded, the guard holds
the packets and compares them with the fingerprints:

- all of the first `confirm` packets that fall inside the recorded range match: a replay. Every
  packet at or before its track's last recorded timestamp is dropped; recording continues with
  the first new packet, on the same source timeline (`continues_at`).
- any differs: new content on a new timeline (an RTMP publisher that restarted at pts 0, an
  encoder restart): nothing is dropped.

Timestamps alone cannot tell these apart; identical bytes at identical timestamps can.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator

import av

_EPS = 1e-4  # seconds: the same timestamp after float conversion


def src_time(packet: av.Packet) -> float:
    """A timestamped packet's time in seconds on its source's clock."""
    assert packet.pts is not None and packet.time_base is not None
    return float(packet.pts * packet.time_base)


def _order(packet: av.Packet) -> float:
    """Where a packet is in its track's order: its decode time (pts goes back at every B-frame)."""
    assert packet.dts is not None and packet.time_base is not None
    return float(packet.dts * packet.time_base)


def _key(packet: av.Packet) -> tuple[str, int]:
    return packet.stream.type, round(_order(packet) * 1000)


def _digest(packet: av.Packet) -> bytes:
    return hashlib.blake2b(bytes(packet), digest_size=16).digest()


class ReplayGuard:
    """Drops packets of one connection series that repeat what it has already recorded."""

    def __init__(self, confirm: int = 24, remember: int = 30_000) -> None:
        """`confirm`: recorded-range packets that must match before media counts as a replay;
        `remember`: fingerprints kept (about 7 minutes of a video + audio stream)."""
        self.confirm = confirm
        self.remember = remember
        self.last: dict[str, float] = {}  # track type → last recorded decode timestamp (s)
        self.src_end: float | None = None  # source time where recorded media ends (last ts + duration)
        self.dropped = 0  # packets dropped as replays, over the series
        self.replayed = False  # the current connection began with a replay
        self.kept = 0  # packets kept from the current connection
        self._prints: OrderedDict[tuple[str, int], bytes] = OrderedDict()

    def seed(self, packets: Iterable[av.Packet]) -> None:
        """Remember packets an earlier run recorded (read back from the archive), as if recorded now."""
        for packet in packets:
            if packet.dts is not None and packet.pts is not None:
                self._keep(packet)
        self.kept = 0

    def connection(self, packets: Iterable[av.Packet]) -> Iterator[av.Packet]:
        """The packets of one connection (flush packets removed), replays dropped."""
        self.replayed, self.kept = False, 0
        held: list[av.Packet] = []
        checked, replay = 0, False
        for packet in packets:
            if packet.dts is None or packet.pts is None:
                continue
            if not self._recorded(packet):
                if not held:
                    yield self._keep(packet)
                else:
                    held.append(packet)
            elif not self._repeats(packet):  # new media at old timestamps: a new timeline
                self._new_timeline()
                replay = False
                yield from self._release([*held, packet], replay=False)
                held, checked = [], 0
                continue
            elif replay:
                self.dropped += 1
            else:
                held.append(packet)
                checked += 1
            if held and (checked >= self.confirm or len(held) >= 4 * self.confirm):
                replay = checked > 0
                yield from self._release(held, replay)
                held, checked = [], 0
        yield from self._release(held, replay=checked > 0)

    def _release(self, held: list[av.Packet], replay: bool) -> Iterator[av.Packet]:
        self.replayed = self.replayed or replay
        for packet in held:
            if replay and self._recorded(packet):
                self.dropped += 1
                continue
            yield self._keep(packet)

    def _recorded(self, packet: av.Packet) -> bool:
        last = self.last.get(packet.stream.type)
        return last is not None and _order(packet) <= last + _EPS

    def _repeats(self, packet: av.Packet) -> bool:
        return self._prints.get(_key(packet)) == _digest(packet)

    def _new_timeline(self) -> None:
        self.last.clear()
        self.src_end = None

    def _keep(self, packet: av.Packet) -> av.Packet:
        self.kept += 1
        self.last[packet.stream.type] = _order(packet)
        end = src_time(packet) + float((packet.duration or 0) * packet.time_base)
        self.src_end = end if self.src_end is None else max(self.src_end, end)
        key = _key(packet)
        self._prints[key] = _digest(packet)
        self._prints.move_to_end(key)
        if len(self._prints) > self.remember:
            self._prints.popitem(last=False)
        return packet
