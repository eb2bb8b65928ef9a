"""A real `chroma run` server on a free 127.0.0.1 port, for the server-mode and deploy tests."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.env import clean_env

CHROMA = Path(sys.executable).with_name("chroma")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ChromaServer:
    """One `chroma run` process; `stop()` and `start()` again keep the same path and port."""

    def __init__(self, path: Path, log_path: Path):
        self.path = path
        self.port = free_port()
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> float:
        """Start and wait for the heartbeat; returns the seconds it took."""
        began = time.monotonic()
        args = [
            "chroma",
            "run",
            "--path",
            str(self.path),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        # What the venv's `chroma` script runs, minus its import of the whole chromadb package
        # (seconds on a busy machine, paid at every restart).
        cmd = [sys.executable, "-c", f"import chromadb_rust_bindings as b; b.cli({args!r})"]
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                cmd,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                env=clean_env(),
            )
        while time.monotonic() - began < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chroma exited with {self.proc.returncode}: {self._tail()}")
            if self.alive():
                return time.monotonic() - began
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"chroma did not answer its heartbeat in {timeout}s: {self._tail()}")

    def alive(self) -> bool:
        try:
            return httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1.0).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self, kill: bool = False) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def _tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-2000:]
