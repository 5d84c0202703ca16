"""The HTML report, opened in a real headless browser (Debian's chromium via Playwright)."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

import shrinkage as sk
from shrinkage.report import ReportData, render

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
# Flags that work on a machine without a GPU, a sandbox or a network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _houses(path, n=200):
    rng = np.random.default_rng(0)
    area = rng.uniform(40, 200, n)
    city = rng.choice(["north", "south", "east"], n)
    price = 3 * area + np.select([city == "north", city == "south"], [50, -20], 0) + rng.normal(
        0, 15, n)
    # A column name with markup: the report must show it, not run it.
    lines = ["area,<b>city</b>,noise,price"] + [
        f"{a:.4f},{c},{z:.4f},{p:.2f}" for a, c, z, p in zip(area, city, rng.normal(size=n), price,
                                                       strict=True)]
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """A report and model made by the installed command."""
    path = tmp_path_factory.mktemp("report")
    _houses(path / "houses.csv")
    script = Path(sys.executable).with_name("shrinkage")
    subprocess.run([str(script), "fit", "houses.csv", "--target", "price", "--cv", "3",
                    "--n-alphas", "30", "--out", "out"], cwd=path, check=True,
                   capture_output=True, timeout=300)
    return path / "out" / "report.html", sk.load(path / "out" / "model.shrink")


def _browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    return sync_api.sync_playwright()


def test_report_in_a_headless_browser(report):
    html_path, model = report
    requests, problems = [], []
    with _browser() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1200, "height": 900},
        )
        try:
            page = context.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(html_path.as_uri())
            page.wait_for_load_state("load")
            images = page.evaluate(
                "Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt])")
            rows = page.locator("#coefficients tbody tr").count()
            first_cells = page.locator("#coefficients tbody tr td:first-child").all_inner_texts()
            columns = page.locator("#columns tbody td:first-child").all_inner_texts()
            bold = page.locator("b").count()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        finally:
            context.close()
    assert problems == []
    # Offline: the page asks for nothing but itself (images are data: URIs).
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    assert len(images) == 3 and all(done and width > 0 for done, width, _ in images), images
    coef = model.estimator.coef_
    assert rows == np.count_nonzero(coef) > 0
    names = np.asarray(model.feature_names_)[np.flatnonzero(coef)]
    assert sorted(first_cells) == sorted(names)
    assert "<b>city</b>" in columns and bold == 0  # shown as text, never as markup
    assert (ARTIFACTS / "report.png").stat().st_size > 50_000


def test_report_holds_the_command_versions_and_summary(report):
    html_path, model = report
    text = html_path.read_text()
    assert "shrinkage fit houses.csv --target price --cv 3 --n-alphas 30 --out out" in text
    for package in ("numpy", "scikit-learn", "numba", "pandas", "matplotlib"):
        assert f"<th>{package}</th>" in text
    assert f"{model.estimator.alpha_:.4g} (rule min)" in text
    assert "&lt;b&gt;city&lt;/b&gt;=north" in text
    assert "http://" not in text and "https://" not in text and "<script" not in text


def test_render_escapes_everything_from_the_data():
    data = ReportData(
        title="<script>alert(1)</script>", subtitle="a & b", summary=[("k<", "v>")],
        metrics=[], coef_header=["feature", "coefficient"], coef_rows=[["<i>x</i>", 1.5]],
        dropped=["<u>z</u>"], data_summary=[], columns=[{"name": "<c>", "kind": "numeric",
                                                          "missing": 0, "summary": "&"}],
        command="shrinkage fit '<x>.csv'", versions=[],
    )
    page = render(data)
    for raw in ("<script>", "<i>", "<u>", "<c>", "'<x>.csv'"):
        assert raw not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "No held-out rows" in page  # no metrics and no loss picture, said plainly


def test_readme_shows_the_report_screenshot():
    root = Path(__file__).parents[1]
    png = root / "docs" / "images" / "report.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    readme = (root / "README.md").read_text()
    assert "(docs/images/report.png)" in readme
    assert readme.index("pip install -e . && shrinkage fit") < readme.index("## Use")
