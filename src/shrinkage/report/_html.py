"""One self-contained HTML page: inline style, images as data URIs, no script, no network.

Every string that comes from the data or the command line is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d232a;
       max-width: 1100px; margin: 2em auto; padding: 0 1.2em; }
h1 { font-size: 1.6em; margin-bottom: 0.1em; }
h2 { margin-top: 1.8em; border-bottom: 1px solid #ddd; }
.sub { color: #5b6670; margin-top: 0; }
table { border-collapse: collapse; margin: 0.6em 0; }
th, td { padding: 0.25em 0.8em; border-bottom: 1px solid #e4e7ea; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.kv th { color: #5b6670; font-weight: normal; }
.figs { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 1em; }
figure { margin: 0; } figure img { width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #5b6670; font-size: 0.9em; }
pre { background: #f5f7f9; padding: 0.7em 1em; overflow-x: auto; white-space: pre-wrap; }
.neg { color: #b03a2e; } .pos { color: #1f618d; }
"""

CAPTIONS = {
    "path": "Coefficient path: each line is a coefficient as the penalty loosens (alpha "
            "decreasing to the right); dashed lines mark alpha_min and alpha_1se.",
    "cv": "Cross-validation curve: mean held-out error with one standard error, per alpha.",
    "loss": "Training and validation (held-out rows) loss along the same path: overfitting "
            "shows where the two curves part.",
}


@dataclass
class ReportData:
    """What the page shows; every field is plain text or numbers."""

    title: str
    subtitle: str
    summary: list[tuple[str, str]]
    metrics: list[tuple[str, str]]
    coef_header: list[str]
    coef_rows: list[list[Any]]
    dropped: list[str]
    data_summary: list[tuple[str, str]]
    columns: list[dict[str, Any]]
    command: str
    versions: list[tuple[str, str]]
    images: dict[str, str] = field(default_factory=dict)
    path_note: str = ""


def _kv(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f'<table class="kv">{body}</table>'


def _number(value: Any) -> str:
    if isinstance(value, float):
        css = "neg" if value < 0 else "pos"
        return f'<td class="num {css}">{value:+.6g}</td>'
    return f"<td>{escape(str(value))}</td>"


def _coefficients(data: ReportData) -> str:
    head = "".join(
        f'<th class="{"num" if k else ""}">{escape(h)}</th>' for k, h in enumerate(data.coef_header)
    )
    body = "".join(
        "<tr>" + "".join(_number(v) for v in row) + "</tr>" for row in data.coef_rows
    )
    dropped = (
        f"<p>{len(data.dropped)} feature(s) set exactly to zero: "
        f"{escape(', '.join(data.dropped))}.</p>" if data.dropped
        else "<p>No feature was set to zero.</p>"
    )
    return (f'<table id="coefficients"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>{dropped}")


def _columns(data: ReportData) -> str:
    body = "".join(
        f"<tr><td>{escape(c['name'])}</td><td>{escape(c['kind'])}</td>"
        f'<td class="num">{c["missing"]}</td><td>{escape(c["summary"])}</td></tr>'
        for c in data.columns
    )
    head = ('<tr><th>column</th><th>type</th><th class="num">missing</th>'
            "<th>summary</th></tr>")
    return f'<table id="columns"><thead>{head}</thead><tbody>{body}</tbody></table>'


def _figures(images: dict[str, str], path_note: str) -> str:
    parts = []
    for key in ("path", "cv", "loss"):
        if key in images:
            caption = CAPTIONS[key] + (f" {path_note}" if key == "path" and path_note else "")
            parts.append(
                f'<figure><img alt="{key} plot" src="data:image/png;base64,{images[key]}">'
                f"<figcaption>{escape(caption)}</figcaption></figure>"
            )
    if "loss" not in images:
        parts.append("<p>No held-out rows (--test-size 0): no validation-loss picture.</p>")
    return f'<div class="figs">{"".join(parts)}</div>'


def render(data: ReportData) -> str:
    """The page as one string."""
    metrics = _kv(data.metrics) if data.metrics else "<p>No held-out rows (--test-size 0).</p>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{escape(data.title)}</title><style>{STYLE}</style></head>
<body>
<h1>{escape(data.title)}</h1>
<p class="sub">{escape(data.subtitle)}</p>
<h2>Chosen model</h2>
{_kv(data.summary)}
<h2>Held-out test metrics</h2>
{metrics}
<h2>Pictures</h2>
{_figures(data.images, data.path_note)}
<h2>Coefficients</h2>
<p>One row per nonzero coefficient, largest first by its size on the standardised scale
(coefficient times the column's standard deviation); coefficients are on the original scale
of the columns (one-hot columns are 0/1).</p>
{_coefficients(data)}
<h2>Data</h2>
{_kv(data.data_summary)}
{_columns(data)}
<h2>Reproduce</h2>
<pre id="command">{escape(data.command)}</pre>
{_kv(data.versions)}
</body></html>
"""
