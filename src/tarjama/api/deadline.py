"""A deadline for a request's headers, which uvicorn does not have.

uvicorn's ``timeout_keep_alive`` only closes a connection that sends nothing at all, and it is
disarmed by every byte: a client that sends a request line and then one header byte now and
then holds its connection, and a task of the server, for as long as it likes (slowloris). No
ASGI code can help, since the app is only called once the headers are complete.

:func:`with_header_deadline` wraps uvicorn's HTTP protocol class (httptools or h11: both keep
the request being served in ``cycle`` and call ``on_response_complete``) so that a connection
must complete a request's headers within ``seconds`` of opening, and the next request's within
``seconds`` of the previous answer's end; else it is closed. A request whose headers are in is
left alone (its body has its own deadline, ``api/limits.py``; its answer may take as long as
translation takes).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

log = logging.getLogger(__name__)


def with_header_deadline(base: type[asyncio.Protocol], seconds: float) -> type[asyncio.Protocol]:
    """A subclass of uvicorn's protocol ``base`` that closes connections slow with headers."""
    protocol: Any = base  # uvicorn's protocol classes, whose attributes asyncio's do not declare

    class HeaderDeadline(protocol):  # type: ignore[misc]
        _deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self._deadline = self.loop.call_later(seconds, self._expire, self.cycle)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _expire(self, waiting_after: Any) -> None:
            self._deadline = None
            cycle = self.cycle
            # A new request's headers came in (its cycle is another), or the answer to the one
            # before is still going out (a pipelined request waits for it): not late.
            if cycle is not waiting_after or (cycle is not None and not cycle.response_complete):
                return
            if not self.transport.is_closing():
                client = self.client[0] if self.client else "unknown"
                log.info(
                    "closed a connection from %s: no complete headers in %g s", client, seconds
                )
                self.transport.close()

    HeaderDeadline.__name__ = f"HeaderDeadline{base.__name__}"
    return HeaderDeadline
