"""Background work: one task per (article version, language), run by one of two runners.

    table.py      the jobs table as the queue: claim, heartbeat, finish, take over
    tasks.py      the task function both runners call: claim, run under a lease, end
    embedded.py   the default runner: threads of the service's process, dispatched at once
    distributed.py  Celery with Redis as broker (``[queue] url``): ``tarjama worker``
    webhooks.py   events for a CMS, written with what made them, POSTed signed, retried

The jobs table is the truth of every job, whichever runner: a job survives a restart, a job
whose runner died is taken over once its lease runs out, and a job is stored once however many
times it is delivered.
"""

from tarjama.jobs.embedded import Worker

__all__ = ["Worker"]
