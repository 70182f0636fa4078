"""The distributed mode's queues and which task goes to which: a leaf, imported by the app,
the tasks and `onrecord status` alike."""

from __future__ import annotations

QUEUES = ("capture", "asr", "index")
ROUTES = {"onrecord.capture": "capture", "onrecord.asr": "asr", "onrecord.index": "index"}
