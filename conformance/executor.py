"""Run adapter calls in a child process, so a framework that kills its process does not end the run.

A target adapter is a module-level function; the worker receives its module and name, the arrays and
the parameters, calls it and sends back what it returned. Each target has a long-lived worker process:
frameworks are imported once, each call costs a pipe round trip (~0.1 ms). If the worker dies from a
signal or hangs, the call reports that outcome and the next call starts a fresh worker.

A message is pickle protocol 5 with its arrays' memory out of band: the pickle, then each array's bytes
written straight from the array and read straight into the buffer the other side's array is built on
(writable, as the adapter's own input would be), never copied into the pickle.
"""

from __future__ import annotations

import atexit
import importlib
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from typing import IO, Any, Literal

import numpy as np

_COUNT = struct.Struct("<Q")  # a message starts with how many out-of-band buffers follow its pickle
CALL_TIMEOUT_S = 300.0  # the first call also pays for importing the framework (TF: ~3 s)


OutcomeKind = Literal["ok", "raised", "crashed", "timeout"]


@dataclass(frozen=True)
class Request:
    """One call for a worker: `module.function(**arrays, **params)`, its result named `outputs` (a tuple
    result unpacks into several names, e.g. Keras' output and compute_output_shape's claim)."""

    module: str
    function: str
    params: dict[str, Any]
    outputs: tuple[str, ...] = ("actual",)


@dataclass
class Outcome:
    """What one program did: returned values, raised an exception, crashed its process, or hung."""

    kind: OutcomeKind
    values: dict[str, Any] = field(default_factory=dict)
    exc_type: str = ""
    message: str = ""
    frames: str = ""  # raised: the traceback through code outside the suite and installed packages

    def describe(self) -> str:
        if self.kind == "raised":
            return f"raised {self.exc_type}: {self.message}"
        if self.kind in ("crashed", "timeout"):
            return self.message
        return "returned"


class Worker:
    def __init__(self, name: str, env: dict[str, str] | None = None):
        self.name = name
        self.env = env or {}
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        env = dict(os.environ)
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        # OpenMP's default wait policy spins and then sleeps: on a small VM a tiny torch backward call then
        # waits ~16 ms for its second thread to wake (max_pool_backward: 0.05 ms passive, 16 ms active), and
        # spinning threads steal the cores that pytest-xdist's other workers run on. Results do not change.
        env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        env["PYTHONPATH"] = os.pathsep.join([os.getcwd(), *[p for p in sys.path if p]])
        env.update(self.env)
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the worker; closed with it)
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "conformance.executor"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
        )
        return self._proc

    def run(
        self, request: Request, arrays: dict[str, np.ndarray], timeout: float = CALL_TIMEOUT_S
    ) -> Outcome:
        proc = self._proc if self._proc and self._proc.poll() is None else self._start()
        assert proc.stdin is not None and proc.stdout is not None
        try:
            _send(proc.stdin, (request, arrays))
            reply = _read_message(proc.stdout.fileno(), timeout)
        except BrokenPipeError:
            reply = None
        except TimeoutError:
            proc.kill()
            proc.wait()
            self._proc = None
            return Outcome(
                "timeout", message=f"hung: no answer within {timeout:.0f} s; the worker was killed"
            )
        if reply is None:
            return self._crash_outcome(proc)
        kind, values, exc_type, message, frames = reply
        return Outcome(kind, values, exc_type, message, frames)

    def _crash_outcome(self, proc: subprocess.Popen[bytes]) -> Outcome:
        code = proc.wait()
        self._proc = None
        if code < 0:
            try:
                what = f"killed by signal {signal.Signals(-code).name} ({-code})"
            except ValueError:
                what = f"killed by signal {-code}"
        else:
            what = f"exited with status {code}"
        assert self._stderr is not None
        self._stderr.seek(0)
        tail = self._stderr.read()[-1500:].decode(errors="replace").strip()
        detail = f"\nits last stderr output:\n{tail}" if tail else ""
        return Outcome("crashed", message=f"crashed the {self.name} worker process: {what}{detail}")

    def close(self) -> None:
        if self._proc and self._proc.poll() is None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        self._proc = None


def _send(stream: IO[bytes], message: Any) -> None:
    """Write `message` as: the buffer count, the lengths of the pickle and of each buffer, the pickle, then
    the buffers themselves (the arrays' own memory)."""
    buffers: list[pickle.PickleBuffer] = []
    data = pickle.dumps(message, protocol=5, buffer_callback=buffers.append)
    views = [b.raw() for b in buffers]
    stream.write(_COUNT.pack(len(views)) + struct.pack(f"<{len(views) + 1}Q", len(data), *map(len, views)))
    stream.write(data)
    for view in views:
        stream.write(view)
    stream.flush()


def _read_into(fd: int, buffer: bytearray, timeout: float | None) -> bool:
    """Fill `buffer` from `fd`; False at end of file (the writer died). A timeout raises TimeoutError."""
    view, filled = memoryview(buffer), 0
    while filled < len(buffer):
        if timeout is not None and not select.select([fd], [], [], timeout)[0]:
            raise TimeoutError
        got = os.readv(fd, [view[filled:]])
        if not got:
            return False
        filled += got
    return True


def _read_message(fd: int, timeout: float | None) -> Any:
    """The next message sent by `_send`, or None at end of file."""
    count = bytearray(_COUNT.size)
    if not _read_into(fd, count, timeout):
        return None
    n = _COUNT.unpack(count)[0]
    sizes = bytearray(8 * (n + 1))
    if not _read_into(fd, sizes, timeout):
        return None
    parts = [bytearray(size) for size in struct.unpack(f"<{n + 1}Q", sizes)]
    for part in parts:
        if not _read_into(fd, part, timeout):
            return None
    return pickle.loads(parts[0], buffers=parts[1:])


_WORKERS: dict[str, Worker] = {}


def worker_for(name: str, env: dict[str, str] | None = None) -> Worker:
    if name not in _WORKERS:
        _WORKERS[name] = Worker(name, env)
    return _WORKERS[name]


@atexit.register
def close_all() -> None:
    for worker in _WORKERS.values():
        worker.close()


def execute(request: Request, arrays: dict[str, np.ndarray]) -> tuple[str, dict[str, Any], str, str, str]:
    """Make one call and pack its outputs as (kind, values, exc_type, message, the raising frames of code
    outside this package and the installed packages: a user's own)."""
    try:
        fn = getattr(importlib.import_module(request.module), request.function)
        result = fn(**arrays, **request.params)
    except Exception as err:  # the call's own failure is data: the error contract records it
        frames = [f for f in traceback.extract_tb(err.__traceback__)
                  if _HERE not in f.filename and "site-packages" not in f.filename]
        where = "".join(traceback.format_list(frames))[-3000:]
        return ("raised", {}, f"{type(err).__module__}.{type(err).__qualname__}", str(err)[:2000], where)
    if len(request.outputs) == 1:
        return ("ok", {request.outputs[0]: result}, "", "", "")
    return ("ok", dict(zip(request.outputs, result)), "", "", "")


_HERE = os.path.dirname(os.path.abspath(__file__))


def _serve() -> None:
    # The protocol owns the original stdout; anything the frameworks print goes to stderr.
    channel_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    while True:
        message = _read_message(sys.stdin.fileno(), None)
        if message is None:
            return
        request, arrays = message
        try:  # _send pickles before it writes: an unpicklable reply leaves nothing half-sent
            _send(channel_out, execute(request, arrays))
        except Exception as err:  # an unpicklable result: report it instead of dying
            unsent = f"could not return the result: {err}"
            _send(channel_out, ("raised", {}, type(err).__qualname__, unsent, ""))


if __name__ == "__main__":
    _serve()
