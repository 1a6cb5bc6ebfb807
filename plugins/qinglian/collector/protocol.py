"""uvicorn's HTTP/1.1 protocol with a deadline for each request's line and headers.

uvicorn closes a keep-alive connection that stays silent (``timeout_keep_alive``)
but gives no deadline to a client that is slow to send a request's head: it
starts no timer on a new connection, and stops the keep-alive timer at the
first byte of the next request. A client that sends nothing, or a header line
every few seconds, keeps its connection for ever, and ``limit_concurrency`` of
them make uvicorn answer 503 to everyone (slowloris). nginx's
``client_header_timeout`` guards the documented setup; this guards the
collector itself. A slow body is the app's to bound (``Settings.body_timeout``).
"""

from __future__ import annotations

from uvicorn.protocols.http.h11_impl import H11Protocol


def head_timeout_protocol(seconds: float) -> type[H11Protocol]:
    """Return uvicorn's h11 protocol closing a connection whose next request head has not
    arrived ``seconds`` after the connection opened or the previous response ended."""
    return type("HeadTimeoutProtocol", (_HeadTimeout,), {"head_timeout": seconds})


class _HeadTimeout(H11Protocol):
    head_timeout = 10.0
    _deadline = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._await_head()

    def connection_lost(self, exc) -> None:
        self._forget_deadline()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._await_head()

    def _await_head(self) -> None:
        self._forget_deadline()
        if not self.transport.is_closing():
            self._deadline = self.loop.call_later(self.head_timeout, self._head_late, self.cycle)

    def _forget_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _head_late(self, cycle) -> None:
        # A new request (a new cycle) means its head arrived in time; a request still
        # being answered (pipelined behind the last one) is not late either
        waiting = cycle is None or cycle.response_complete
        if self.cycle is cycle and waiting and not self.transport.is_closing():
            self.transport.close()
