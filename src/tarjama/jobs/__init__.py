"""Background work: the jobs table is the queue, and a worker runs what it holds.

``inprocess.Worker`` (the embedded default) polls the table from a few threads inside the
service. The table being the queue makes it durable: a job survives a restart, and one left
``running`` by a killed server goes back to ``queued`` when the next worker starts.
"""

from tarjama.jobs.inprocess import Worker

__all__ = ["Worker"]
