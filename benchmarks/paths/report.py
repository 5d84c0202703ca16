"""Markdown tables of a run: times and tols, ratios, precision reached, first-call costs."""

from __future__ import annotations

import statistics
from typing import Any

from . import problems
from .harness import Timing
from .objective import TARGET
from .runners import LIBRARIES

OURS = "shrinkage"


def fmt_time(seconds: float) -> str:
    if seconds < 0.01:
        return f"{seconds * 1e3:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1e3:.0f} ms"
    if seconds < 10:
        return f"{seconds:.2f} s"
    return f"{seconds:.1f} s"


def cell(t: Timing, timeout: float) -> str:
    if t.status == "ok" and t.median is not None:
        flag = "" if t.subopt is not None and t.subopt <= TARGET else " !"
        return f"{fmt_time(t.median)} ({t.tuning.tol:.0e}){flag}"
    if t.status == "timeout":
        return f"> {timeout:g} s"
    if t.status == "unreached":
        return "target not reached"
    return t.status


def ratio(row: dict[str, Timing], timeout: float) -> tuple[str, float | None]:
    """``shrinkage / fastest peer`` as text, and as a number when both are measured."""
    ours = row.get(OURS)
    peers = {k: t for k, t in row.items() if k != OURS}
    if ours is None or ours.status != "ok" or ours.median is None or not peers:
        return "-", None
    measured = {k: t.median for k, t in peers.items() if t.status == "ok" and t.median}
    if measured:
        best = min(measured, key=lambda k: measured[k])
        value = ours.median / measured[best]
        return f"{value:.2f} ({LIBRARIES[best].label})", value
    if all(t.status == "timeout" for t in peers.values()):
        return f"< {ours.median / timeout:.3f} (all peers > {timeout:g} s)", None
    return "-", None


def main_table(results: dict[str, dict[str, Timing]], libraries: list[str],
               timeout: float) -> list[str]:
    head = ["problem", *(LIBRARIES[k].label for k in libraries)]
    if OURS in libraries and len(libraries) > 1:
        head.append("shrinkage / fastest peer")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    ratios: list[float] = []
    for name, row in results.items():
        cells = [problems.spec(name)[0], *(cell(row[k], timeout) for k in libraries)]
        if len(head) > len(cells):
            text, value = ratio(row, timeout)
            cells.append(text)
            if value is not None:
                ratios.append(value)
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Each cell: median time of the path call (tol that reached the target).")
    if ratios:
        lines.append(f"Median of shrinkage / fastest peer over {len(ratios)} problems: "
                     f"**{statistics.median(ratios):.2f}**.")
    return lines


def precision_table(results: dict[str, dict[str, Timing]], libraries: list[str]) -> list[str]:
    head = ["problem", *(LIBRARIES[k].label for k in libraries)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, row in results.items():
        cells = [name]
        for k in libraries:
            t = row[k]
            if t.status == "ok" and t.median is not None:
                sub = "n/a" if t.subopt is None else f"{t.subopt:.1e}"
                runs = len(t.times)
                cells.append(f"{sub}, {runs} run{'s' if runs > 1 else ''}")
            else:
                cells.append(t.message or t.status)
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(f"Each cell: max relative suboptimality over the checkpoints of the timed "
                 f"path (target {TARGET:g}), number of timed runs. Notes:")
    notes = [f"- {name}, {LIBRARIES[k].label}: {t.info}" for name, row in results.items()
             for k, t in row.items() if t.info.get("stopped_early") or t.info.get("warnings")]
    return lines + (notes or ["- none"])


def first_call_table(costs: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    lines = ["| library | version | import | first Lasso path (diabetes, 100 alphas) | "
             "first L1-logistic path (100 x 200, 10 alphas) | whole process (Lasso) |",
             "|---|---|---|---|---|---|"]
    for library, by_loss in costs.items():
        lib = LIBRARIES[library]
        sq, lo = by_loss.get("squared", {}), by_loss.get("logistic", {})

        def first(run: dict[str, Any]) -> str:
            if run.get("status") != "ok":
                return run.get("message", "-")
            return fmt_time(run["first_call_seconds"])

        ok = sq.get("status") == "ok"
        imp = fmt_time(sq["import_seconds"]) if ok else "-"
        whole = fmt_time(sq["process_seconds"]) if ok else "-"
        lines.append(f"| {lib.label} | {lib.version()} | {imp} | {first(sq)} | {first(lo)} "
                     f"| {whole} |")
    lines.append("")
    lines.append("Second of two fresh processes (warm disk and numba caches): the library's "
                 "import (numpy and scipy.sparse already loaded), its first path at tol 1e-6 "
                 "(compilation included), and the whole process as the harness sees it "
                 "(interpreter start-up, imports, loading the data, the path).")
    return lines
