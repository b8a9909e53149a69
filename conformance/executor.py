"""Run target programs in a child process, so a framework that kills its process does not end the run.

A target adapter turns a case into a small Python program (the same text the repro prints). The
program runs in a long-lived worker process per target: frameworks are imported once, each call costs a
pipe round trip (~0.1 ms). If the worker dies from a signal or hangs, the call reports that outcome and
the next call starts a fresh worker.
"""

from __future__ import annotations

import atexit
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Any

import numpy as np

_HEADER = struct.Struct("<Q")
CALL_TIMEOUT_S = 300.0  # the first call also pays for importing the framework (TF: ~3 s)


@dataclass
class Outcome:
    """What one program did: returned values, raised an exception, crashed its process, or hung."""

    kind: str  # "ok" | "raised" | "crashed" | "timeout"
    values: dict[str, Any] = field(default_factory=dict)
    exc_type: str = ""
    message: str = ""

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
        self._proc: subprocess.Popen | None = None
        self._stderr = None

    def _start(self) -> subprocess.Popen:
        env = dict(os.environ)
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        env["PYTHONPATH"] = os.pathsep.join([os.getcwd(), *[p for p in sys.path if p]])
        env.update(self.env)
        self._stderr = tempfile.TemporaryFile()
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "conformance.executor"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, env=env,
        )
        return self._proc

    def run(self, source: str, arrays: dict[str, np.ndarray], timeout: float = CALL_TIMEOUT_S) -> Outcome:
        proc = self._proc if self._proc and self._proc.poll() is None else self._start()
        payload = pickle.dumps((source, arrays), protocol=pickle.HIGHEST_PROTOCOL)
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
            return Outcome("timeout", message=f"hung: no answer within {timeout:.0f} s; the worker was killed")
        if reply is None:
            return self._crash_outcome(proc)
        kind, values, exc_type, message = pickle.loads(reply)
        return Outcome(kind, values, exc_type, message)

    def _crash_outcome(self, proc: subprocess.Popen) -> Outcome:
        code = proc.wait()
        self._proc = None
        if code < 0:
            try:
                what = f"killed by signal {signal.Signals(-code).name} ({-code})"
            except ValueError:
                what = f"killed by signal {-code}"
        else:
            what = f"exited with status {code}"
        self._stderr.seek(0)
        tail = self._stderr.read()[-1500:].decode(errors="replace").strip()
        detail = f"\nits last stderr output:\n{tail}" if tail else ""
        return Outcome("crashed", message=f"crashed the {self.name} worker process: {what}{detail}")

    def close(self) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.stdin.close()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        self._proc = None


def _read_exact(fd: int, n: int, timeout: float) -> bytes | None:
    chunks, remaining = [], n
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


OUTPUT_NAMES = ("actual", "claimed_shape")


def execute(source: str, arrays: dict[str, np.ndarray], namespace_cache: dict[str, Any]) -> tuple:
    """Run one program and pack its outputs as (kind, values, exc_type, message)."""
    code = namespace_cache.get(source) or compile(source, "<target program>", "exec")
    namespace_cache[source] = code
    namespace: dict[str, Any] = {"np": np, **arrays}
    try:
        exec(code, namespace)
    except Exception as err:  # the program's own failure is data: the error contract records it
        return ("raised", {}, f"{type(err).__module__}.{type(err).__qualname__}", str(err)[:2000], )
    return ("ok", {k: namespace[k] for k in OUTPUT_NAMES if k in namespace}, "", "")


def _serve() -> None:
    # The protocol owns the original stdout; anything the frameworks print goes to stderr.
    channel_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    channel_in = sys.stdin.buffer
    cache: dict[str, Any] = {}
    while True:
        header = channel_in.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        source, arrays = pickle.loads(channel_in.read(_HEADER.unpack(header)[0]))
        try:
            reply = pickle.dumps(execute(source, arrays, cache), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as err:  # unpicklable output: report it instead of dying
            reply = pickle.dumps(("raised", {}, type(err).__qualname__, f"could not return the result: {err}"))
        channel_out.write(_HEADER.pack(len(reply)) + reply)
        channel_out.flush()


if __name__ == "__main__":
    _serve()
