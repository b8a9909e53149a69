"""Run adapter calls in a child process, so a framework that kills its process does not end the run.

A target adapter is a module-level function; the worker receives its module and name, the arrays and
the parameters, calls it and sends back what it returned. Each target has a long-lived worker process:
frameworks are imported once, each call costs a pipe round trip (~0.1 ms). If the worker dies from a
signal or hangs, the call reports that outcome and the next call starts a fresh worker.
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

_HEADER = struct.Struct("<Q")
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
        payload = pickle.dumps((request, arrays), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            proc.stdin.write(_HEADER.pack(len(payload)) + payload)
            proc.stdin.flush()
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
        kind, values, exc_type, message, frames = pickle.loads(reply)
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


def _read_exact(fd: int, n: int, timeout: float) -> bytes | None:
    chunks: list[bytes] = []
    remaining = n
    while remaining:
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            raise TimeoutError
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _read_message(fd: int, timeout: float) -> bytes | None:
    header = _read_exact(fd, _HEADER.size, timeout)
    if header is None:
        return None
    return _read_exact(fd, _HEADER.unpack(header)[0], timeout)


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
    channel_in = sys.stdin.buffer
    while True:
        header = channel_in.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        request, arrays = pickle.loads(channel_in.read(_HEADER.unpack(header)[0]))
        try:
            reply = pickle.dumps(execute(request, arrays), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as err:  # unpicklable output: report it instead of dying
            reply = pickle.dumps(
                ("raised", {}, type(err).__qualname__, f"could not return the result: {err}", "")
            )
        channel_out.write(_HEADER.pack(len(reply)) + reply)
        channel_out.flush()


if __name__ == "__main__":
    _serve()
