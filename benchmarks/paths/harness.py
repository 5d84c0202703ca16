"""Fresh subprocesses with timeouts, the reference, the tolerance search and its cache.

Every measurement runs ``python -m benchmarks.paths.run_one ...`` in a new
process (thread counts fixed through the environment) and reads its JSON
lines; a child that reports nothing for ``timeout`` seconds (one path call,
or the import + load + warm-up before the first) is killed and reported as
``> timeout``.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import objective, problems
from .runners import EXPORTED_COMMIT, EXPORTED_SRC, LADDER, LIBRARIES

REPO = Path(__file__).resolve().parents[2]
TUNING_CACHE = problems.CACHE / "tuning.json"
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "NUMBA_NUM_THREADS")
REFERENCE = ("shrinkage", 1e-12)  # library and tol of the reference paths
REFERENCE_TIMEOUT = 3600.0


class ChildTimeout(Exception):
    """The child reported nothing for ``timeout`` seconds (it was killed)."""


class ChildError(Exception):
    """The child failed (its message, or the tail of its stderr)."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def child_env(threads: int) -> dict[str, str]:
    """Thread limits; ``benchmarks`` importable; an exported shrinkage before the installed."""
    env = dict(os.environ)
    env.update({name: str(threads) for name in THREAD_VARIABLES})
    path = [env.get(EXPORTED_SRC), str(REPO), env.get("PYTHONPATH")]
    env["PYTHONPATH"] = os.pathsep.join(filter(None, path))
    return env


def export_shrinkage(rev: str) -> None:
    """Measure shrinkage as committed at ``rev``: ``git archive`` its ``src/`` into the cache.

    Children then import it ahead of the installed (editable) shrinkage, so
    uncommitted changes in the working tree do not leak into the numbers.
    """
    def git(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, check=True)

    commit = git("rev-parse", "--short", f"{rev}^{{commit}}").stdout.decode().strip()
    dest = problems.CACHE / f"shrinkage-{commit}"
    if not (dest / "src" / "shrinkage" / "__init__.py").exists():
        dest.mkdir(parents=True, exist_ok=True)
        archive = git("archive", "--format=tar", commit, "src").stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    os.environ[EXPORTED_SRC] = str(dest / "src")
    os.environ[EXPORTED_COMMIT] = commit
    log(f"shrinkage: the export of commit {commit} in {dest}")


def child(args: list[str], *, timeout: float, threads: int) -> Iterator[dict[str, Any]]:
    """Run ``run_one`` with ``args``; yield its events; kill it on ``timeout`` of silence."""
    cmd = [sys.executable, "-m", "benchmarks.paths.run_one", *args]
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, cwd=REPO, env=child_env(threads), stdout=subprocess.PIPE,
                                stderr=err, text=True)
        lines: queue.Queue[str | None] = queue.Queue()

        def pump() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        finished = False
        try:
            while True:
                try:
                    line = lines.get(timeout=timeout)
                except queue.Empty:
                    raise ChildTimeout(f"no report for {timeout:g} s") from None
                if line is None:
                    finished = True
                    break
                if line.startswith("{"):
                    event = json.loads(line)
                    if event["event"] == "error":
                        raise ChildError(event["message"])
                    yield event
        finally:
            if not finished and proc.poll() is None:  # timed out, failed, or abandoned
                proc.kill()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read().strip().splitlines()[-3:]
            raise ChildError(f"exit {proc.returncode}: {' | '.join(tail)}")


def last(events: Iterator[dict[str, Any]]) -> dict[str, Any]:
    """The ``done`` event."""
    for event in events:
        if event["event"] == "done":
            return event
    raise ChildError("the child ended without a result")


# -- problems and references --------------------------------------------------------
def ensure_reference(name: str, *, threads: int, redo: bool = False) -> dict[str, Any]:
    """Generate the problem and its reference path unless cached; the reference summary."""
    problems.generate(name)
    path = objective.reference_file(name)
    if path.exists() and not redo:
        return {"cached": True, "max_relative_gap": objective.reference_gap(name)}
    library, tol = REFERENCE
    log(f"[{name}] reference: {library} at tol {tol:g} ...")
    start = time.perf_counter()
    done = last(child(["--library", library, "--problem", name, "--mode", "reference",
                       "--tol", str(tol)], timeout=REFERENCE_TIMEOUT, threads=threads))
    log(f"[{name}] reference done in {time.perf_counter() - start:.1f} s, independent "
        f"duality gap / P(0) <= {done['max_relative_gap']:.1e}")
    if done["max_relative_gap"] > 1e-3 * objective.TARGET:
        log(f"[{name}] warning: the reference is certified to {done['max_relative_gap']:.1e} "
            f"only; suboptimalities are exact to that much")
    return done


# -- tuning ---------------------------------------------------------------------
@dataclass
class Tuning:
    """The outcome of a tolerance search: ``status`` ok, unreached, timeout or error."""

    status: str
    tol: float | None = None
    subopt: float | None = None
    timeout: float | None = None
    message: str = ""
    trials: list[dict[str, Any]] = field(default_factory=list)


def _cache() -> dict[str, Any]:
    return json.loads(TUNING_CACHE.read_text()) if TUNING_CACHE.exists() else {}


def _store(key: str, tuning: Tuning) -> None:
    cache = _cache()
    cache[key] = asdict(tuning)
    TUNING_CACHE.parent.mkdir(parents=True, exist_ok=True)
    TUNING_CACHE.write_text(json.dumps(cache, indent=1, sort_keys=True))


def tuning_key(name: str, library: str) -> str:
    return f"{name}|{library}|{LIBRARIES[library].version()}"


def tune(name: str, library: str, *, timeout: float, threads: int, redo: bool = False
         ) -> Tuning:
    """The loosest tol of :data:`LADDER` reaching the target (cached per library version)."""
    key = tuning_key(name, library)
    cached = _cache().get(key)
    if cached and not redo:
        hit = Tuning(**cached)
        if hit.status in ("ok", "unreached") or (
            hit.status == "timeout" and (hit.timeout or 0) >= timeout
        ):
            log(f"[{name}] {library}: tuned tol from cache: {hit.status} {hit.tol}")
            return hit
    tuning = Tuning(status="unreached", timeout=timeout)
    args = ["--library", library, "--problem", name, "--mode", "tune",
            "--tols", ",".join(f"{t:.0e}" for t in LADDER)]
    try:
        for event in child(args, timeout=timeout, threads=threads):
            if event["event"] == "trial":
                tuning.trials.append(event)
                log(f"[{name}] {library}: tol {event['tol']:.0e}: {event['seconds']:.3g} s, "
                    f"subopt {_fmt_subopt(event['subopt'])}")
            elif event["event"] == "done" and event["tol"] is not None:
                tuning.status, tuning.tol, tuning.subopt = "ok", event["tol"], event["subopt"]
    except ChildTimeout as exc:
        tuning.status, tuning.message = "timeout", str(exc)
        log(f"[{name}] {library}: timed out while tuning ({exc})")
    except ChildError as exc:
        tuning.status, tuning.message = "error", str(exc)
        log(f"[{name}] {library}: failed: {exc}")
    if tuning.status == "unreached":
        tuning.message = f"no tol down to {LADDER[-1]:.0e} reached {objective.TARGET:g}"
        early = tuning.trials[-1]["info"].get("stopped_early") if tuning.trials else None
        if early:
            tuning.message += f" (path stopped early: {early})"
        log(f"[{name}] {library}: {tuning.message}")
    if tuning.status != "error":
        _store(key, tuning)
    return tuning


def _fmt_subopt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1e}"


# -- timing ---------------------------------------------------------------------
@dataclass
class Timing:
    """A timed path (``status`` ok, timeout, error or skipped) with its tuning."""

    library: str
    status: str
    tuning: Tuning
    median: float | None = None
    times: list[float] = field(default_factory=list)
    subopt: float | None = None
    warmup: float | None = None
    import_seconds: float | None = None
    info: dict[str, Any] = field(default_factory=dict)
    message: str = ""


def time_path(name: str, library: str, tuning: Tuning, *, repeats: int, budget: float,
              timeout: float, threads: int) -> Timing:
    """Median time of the path at the tuned tol, in a fresh process."""
    if tuning.status != "ok":
        return Timing(library, tuning.status, tuning, message=tuning.message)
    timing = Timing(library, "ok", tuning)
    args = ["--library", library, "--problem", name, "--tol", repr(tuning.tol),
            "--repeats", str(repeats), "--budget", str(budget)]
    try:
        for event in child(args, timeout=timeout, threads=threads):
            if event["event"] == "imported":
                timing.import_seconds = event["seconds"]
            elif event["event"] == "warmup":
                timing.warmup = event["seconds"]
            elif event["event"] == "done":
                timing.median, timing.times = event["median"], event["times"]
                timing.subopt, timing.info = event["subopt"], event["info"]
    except ChildTimeout as exc:
        timing.status, timing.message = "timeout", str(exc)
    except ChildError as exc:
        timing.status, timing.message = "error", str(exc)
    median = "-" if timing.median is None else f"{timing.median:.4g} s"
    log(f"[{name}] {library}: {timing.status}, median {median} over {len(timing.times)} runs "
        f"at tol {tuning.tol:.0e}, subopt {_fmt_subopt(timing.subopt)}"
        + (f" ({timing.message})" if timing.message else ""))
    return timing


def first_call(library: str, loss: str, *, threads: int, timeout: float) -> dict[str, Any]:
    """Import + first path in a fresh process, twice (the second sees warm disk caches)."""
    runs = []
    for _ in range(2):
        start = time.perf_counter()
        try:
            done = last(child(["--library", library, "--mode", "first-call", "--loss", loss],
                              timeout=timeout, threads=threads))
        except (ChildTimeout, ChildError) as exc:
            return {"status": "error", "message": str(exc)}
        done["process_seconds"] = time.perf_counter() - start
        runs.append(done)
    log(f"first call {library} {loss}: import {runs[-1]['import_seconds']:.2f} s + first path "
        f"{runs[-1]['first_call_seconds']:.2f} s (first process: {runs[0]['total_seconds']:.2f} s)")
    return {"status": "ok", **runs[-1], "cold": runs[0]}
