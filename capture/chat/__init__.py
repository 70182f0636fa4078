"""Live chat: sources behind one `ChatSource` interface (a file, a WebSocket or HTTP JSON-lines feed, Bilibili
danmaku) and the check of the chat archived on a stream's chain."""

from capture.chat.bilibili import BilibiliDanmakuFeed
from capture.chat.feed import FeedStats, JsonLinesFeed, is_feed_url
from capture.chat.files import (
    ChatFileError,
    FileChatSource,
    is_chat_file,
    read_chat_file,
    read_chat_lines,
    since,
)
from capture.chat.records import ChatRecordError
from capture.chat.source import ChatSource, open_chat_source
from capture.chat.verify import check_chat

__all__ = [
    "BilibiliDanmakuFeed",
    "ChatFileError",
    "ChatRecordError",
    "ChatSource",
    "FeedStats",
    "FileChatSource",
    "JsonLinesFeed",
    "check_chat",
    "is_chat_file",
    "is_feed_url",
    "open_chat_source",
    "read_chat_file",
    "read_chat_lines",
    "since",
]
