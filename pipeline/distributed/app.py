"""The Celery app of the distributed mode: queues `capture`, `asr`, `index` on the broker in
ONRECORD_BROKER_URL (Redis). Built by `make_celery(settings)`, never at import time.

Delivery: tasks are acknowledged after they finish (a worker killed mid-task leaves its message
to be delivered again, to another worker, once the broker's visibility timeout has passed) and
each worker process holds one message at a time. `asr` and `index` are idempotent (storage/work.py),
so a second delivery rewrites the same rows. `capture` is acknowledged when it starts: a recording
is not something to start twice; a capture worker that dies leaves its stream to `onrecord record`
(which continues the same chain after a gap). Broker and database outages: workers reconnect to
the broker without limit; a task whose database or store fails is retried with backoff.
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from kombu import Exchange, Queue

from models import ConfigError
from pipeline.distributed.queues import QUEUES, ROUTES
from pipeline.distributed.tasks import register
from pipeline.settings import Settings


def make_celery(settings: Settings) -> Celery:
    """The Celery app for `settings.broker_url`, with the OnRecord tasks registered.
    Raises ConfigError when no broker is configured (the embedded mode needs none)."""
    if not settings.broker_url:
        raise ConfigError("distributed mode needs ONRECORD_BROKER_URL (e.g. redis://host:6379/0)")
    app = Celery("onrecord", broker=settings.broker_url, set_as_current=False)
    app.conf.update(_config(settings))
    register(app, settings, settings.sweep_s)
    return app


def _config(settings: Settings) -> dict[str, Any]:
    return {
        "task_queues": [Queue(q, Exchange(q, type="direct"), routing_key=q) for q in QUEUES],
        "task_default_queue": "asr",
        "task_routes": {name: {"queue": q, "exchange": q, "routing_key": q} for name, q in ROUTES.items()},
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_ignore_result": True,
        "task_serializer": "json",
        "accept_content": ["json"],
        "worker_prefetch_multiplier": 1,
        "worker_send_task_events": True,
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": None,  # a broker outage: wait for it, however long
        # a task running when the broker goes away finishes (its window commits in the database);
        # the redelivered message then finds the cursor moved on, so nothing is done twice
        "worker_cancel_long_running_tasks_on_connection_loss": False,
        "broker_transport_options": {"visibility_timeout": settings.visibility_timeout_s},
        "task_publish_retry_policy": {
            "max_retries": None,
            "interval_start": 0.5,
            "interval_step": 1.0,
            "interval_max": 10.0,
        },
        "worker_hijack_root_logger": False,
    }
