"""The distributed mode: the Celery app (app.py) over the queues in queues.py, its tasks
(tasks.py), the stages they run (stages.py), the sweeper that re-kicks stalled streams
(sweeper.py) and `onrecord status` (status.py)."""
