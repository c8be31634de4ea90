"""A TCP proxy on 127.0.0.1 that can cut or hold connections: network faults for sync tests."""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from dataclasses import dataclass


@dataclass
class _Budget:
    """Bytes that may still pass in one direction before the fault; None = unlimited."""

    remaining: int | None = None


class FaultyProxy:
    """Forwards 127.0.0.1:<port> to a target port; faults apply to every connection.

    - `cut_after(up=…, down=…)`: once that many bytes went client→server (up) or
      server→client (down), counted over all connections since the call, every connection
      is torn down (the client sees the connection drop mid-conversation).
    - `hold_after(up=…)`: once reached, stop forwarding (the connection hangs) until
      `release()`, which then tears the connections down.
    - `cut_now()`: tear every open connection down.
    """

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self._target = (target_host, target_port)
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._up = _Budget()
        self._down = _Budget()
        self._hold = False
        self._held = threading.Event()
        self._connections: list[tuple[socket.socket, socket.socket]] = []
        self.cuts = 0
        self._closed = False
        self._thread = threading.Thread(target=self._accept_loop, name="faulty-proxy", daemon=True)
        self._thread.start()

    # -- control ----------------------------------------------------------------------------

    def cut_after(self, *, up: int | None = None, down: int | None = None) -> None:
        with self._lock:
            self._up, self._down, self._hold = _Budget(up), _Budget(down), False

    def hold_after(self, *, up: int) -> None:
        with self._lock:
            self._up, self._down, self._hold = _Budget(up), _Budget(), True
            self._held.clear()

    def wait_held(self, timeout: float) -> bool:
        """Whether the hold point was reached within `timeout` seconds."""
        return self._held.wait(timeout)

    def release(self) -> None:
        """End a hold: the held connections are torn down, new ones pass freely."""
        with self._lock:
            self._up, self._down, self._hold = _Budget(), _Budget(), False
        self.cut_now()

    def heal(self) -> None:
        """No more faults."""
        with self._lock:
            self._up, self._down, self._hold = _Budget(), _Budget(), False

    def cut_now(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
            if connections:
                self.cuts += 1
        for client, server in connections:
            for sock in (client, server):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self._listener.close()
        self.cut_now()

    # -- forwarding ---------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self._target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._connections.append((client, server))
            threading.Thread(
                target=self._pump, args=(client, server), name="faulty-proxy-pump", daemon=True
            ).start()

    def _allowance(self, budget: _Budget, wanted: int) -> tuple[int, bool]:
        """(bytes to forward now, whether the fault point is reached)."""
        with self._lock:
            if budget.remaining is None:
                return wanted, False
            allowed = min(wanted, budget.remaining)
            budget.remaining -= allowed
            return allowed, budget.remaining <= 0

    def _pump(self, client: socket.socket, server: socket.socket) -> None:
        peers = {client: server, server: client}
        try:
            while True:
                readable, _, _ = select.select(list(peers), [], [], 0.5)
                with self._lock:
                    alive = any(client is pair[0] for pair in self._connections)
                if not alive:
                    return
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    budget = self._up if sock is client else self._down
                    allowed, reached = self._allowance(budget, len(data))
                    if allowed:
                        peers[sock].sendall(data[:allowed])
                    if reached:
                        if self._hold:
                            self._held.set()
                            self._wait_for_release(client)  # release() tears it down
                        else:
                            self.cut_now()
                        return
        except OSError:
            return
        finally:
            self._forget(client, server)

    def _wait_for_release(self, client: socket.socket) -> None:
        while True:
            with self._lock:
                if not self._hold or not any(client is pair[0] for pair in self._connections):
                    return
            threading.Event().wait(0.05)

    def _forget(self, client: socket.socket, server: socket.socket) -> None:
        with self._lock:
            self._connections = [pair for pair in self._connections if pair[0] is not client]
        for sock in (client, server):
            with contextlib.suppress(OSError):
                sock.close()
