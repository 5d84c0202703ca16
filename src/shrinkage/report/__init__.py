"""The self-contained HTML report that ``shrinkage fit`` writes.

:func:`write_report` renders a :class:`ReportData` (text and numbers the
command computed) and the pictures of :func:`figures` into one HTML file
that works offline: inline style, PNG images as data URIs, no script.
"""

from __future__ import annotations

import os

from ._figures import figures
from ._html import ReportData, render

__all__ = ["ReportData", "figures", "render", "write_report"]


def write_report(data: ReportData, path: str | os.PathLike[str]) -> int:
    """Write the page atomically (temporary file, then rename); return its size in bytes."""
    from ..io import atomic_write

    page = render(data).encode("utf-8")
    atomic_write(path, lambda handle: handle.write(page))
    return len(page)
