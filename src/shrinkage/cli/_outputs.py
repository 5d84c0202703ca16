"""Where the command writes: output directories and files, never over its input."""

from __future__ import annotations

import contextlib
import itertools
import os
import re
from pathlib import Path

from ._errors import EXIT_USAGE, UserError

RUNS_DIR = Path("shrinkage-runs")


def _stem(name: str) -> str:
    """A directory-friendly name for the data (``houses`` for ``data/houses.csv.gz``)."""
    base = Path(name).name.split(".")[0] or "data"
    return re.sub(r"[^A-Za-z0-9_-]+", "-", base).strip("-") or "data"


def new_run_dir(data_name: str, base: Path = RUNS_DIR) -> Path:
    """A new ``base/<data>-<n>`` directory, ``n`` one more than the largest taken.

    ``mkdir`` without ``exist_ok`` is atomic: two runs started together get
    two directories.
    """
    stem = _stem(data_name)
    taken = [int(m[1]) for p in base.glob(f"{stem}-*")
             if (m := re.fullmatch(rf"{re.escape(stem)}-(\d+)", p.name))] if base.is_dir() else []
    for n in itertools.count(max(taken, default=0) + 1):
        candidate = base / f"{stem}-{n}"
        try:
            candidate.mkdir(parents=True)
        except FileExistsError:
            continue
        return candidate
    raise AssertionError("unreachable")  # pragma: no cover


def prepare_out_dir(out: Path | None, data_name: str, force: bool) -> tuple[Path, bool]:
    """The directory to write into and whether this call created it.

    An existing non-empty ``out`` is refused unless ``force``: a second run
    must not silently replace a report someone is reading.
    """
    if out is None:
        return new_run_dir(data_name), True
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file; give a directory.", EXIT_USAGE)
    if out.is_dir():
        if any(out.iterdir()) and not force:
            raise UserError(
                f"--out {out} is not empty; choose a new directory, or pass --force to "
                "replace report.html and model.shrink in it.", EXIT_USAGE,
            )
        return out, False
    try:
        out.mkdir(parents=True)
    except OSError as exc:
        raise UserError(f"cannot create --out {out}: {exc.strerror}.") from None
    return out, True


def refuse_overwrite(inputs: list[Path | None], outputs: list[Path]) -> None:
    """Stop if an output would replace an input file."""
    for source in inputs:
        if source is None or not source.exists():
            continue
        for target in outputs:
            same = os.path.abspath(source) == os.path.abspath(target)
            if same or (target.exists() and os.path.samefile(source, target)):
                raise UserError(f"refusing to overwrite the input file {source}.", EXIT_USAGE)


def remove_if_empty(directory: Path) -> None:
    """Undo a directory this run created when the run failed before writing."""
    with contextlib.suppress(OSError):
        directory.rmdir()
