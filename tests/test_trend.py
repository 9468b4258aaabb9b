"""`ssot-lint trend`: Markdown, CSV, JSON, terminal and a self-contained HTML report."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from ssot_lint.cli import main
from ssot_lint.history.html import CEILING_COLOR, LINE_COLOR, render_html
from ssot_lint.history.model import RuleCount, Snapshot
from ssot_lint.history.trend import build_trend, sparkline
from tests.git_history_repo import DAY, START, build_repo

DI001 = [0, 0, 2, 2, 3, 4, 4, 4, 4, 3, 1, 0]  # pinned against `check` in test_history


@contextlib.contextmanager
def cwd(path: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def run(repo: Path, *args: str) -> tuple[int, str, str]:
    with cwd(repo):
        result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("trend") / "repo"
    build_repo(path)
    code, _, err = run(path, "history", "--no-color")
    assert code == 0, err
    return path


def test_markdown_summary(repo):
    code, out, err = run(repo, "trend", "--format", "markdown")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "## ssot-lint trend"
    assert re.fullmatch(r"12 snapshots, 2023-11-14 22:13 \(\w{10}\) → 2023-11-25 22:13 \(\w{10}\)", lines[2])
    assert "| SI001 | single-implementation | 1 → 2 | +1 | 1 | ▁▅▅▅█████▅▅▅ |" in lines
    assert "| DI001 | deprecated-import | 0 → 0 | ±0 |  | ▁▁▅▅▆████▆▃▁ |" in lines
    assert "| EV001 | event-schema | 0 → 0 | ±0 |  | ▁▁▁█████▅▅▅▁ |" in lines
    assert lines[-1] == "| `app/old_ws.py` | 1 | SI001: 1 |"


def test_csv_and_json_exports(repo):
    code, out, err = run(repo, "trend", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 12 * 3
    assert [int(r["count"]) for r in rows if r["rule"] == "DI001"] == DI001
    assert {r["max"] for r in rows if r["rule"] == "SI001"} == {"1"}
    assert rows[0]["commit_time"] == "2023-11-14T22:13:20+00:00" and rows[0]["subject"] == "start"

    code, out, err = run(repo, "trend", "--format", "json")
    data = json.loads(out)
    assert data["schema_version"] == 1
    assert data["rules"] == [
        {"id": "SI001", "kind": "single-implementation", "first": 1, "last": 2, "delta": 1, "max": 1},
        {"id": "DI001", "kind": "deprecated-import", "first": 0, "last": 0, "delta": 0, "max": None},
        {"id": "EV001", "kind": "event-schema", "first": 0, "last": 0, "delta": 0, "max": None},
    ]
    peak = data["snapshots"][6]
    assert peak["subject"] == "broken file, excluded build dir"
    assert peak["rules"]["DI001"] == {"count": 4, "findings": 4, "max": None}
    assert peak["parse_errors"] == 1
    assert peak["top_files"][:2] == [
        {"path": "app/events.py", "findings": 2, "rules": {"EV001": 2}},
        {"path": "app/handlers.py", "findings": 2, "rules": {"DI001": 2}},
    ]


def test_terminal_view_with_sparklines(repo):
    code, out, err = run(repo, "trend", "--no-color")
    assert code == 0, err
    rows = [line.split() for line in out.splitlines()]
    assert ["DI001", "deprecated-import", "0", "→", "0", "±0", "-", "▁▁▅▅▆████▆▃▁"] in rows
    assert ["SI001", "single-implementation", "1", "→", "2", "+1", "1", "▁▅▅▅█████▅▅▅"] in rows
    assert ["1", "app/old_ws.py", "SI001:", "1"] in rows


def test_sparkline_scales_and_buckets():
    assert sparkline([0, 6, 14, None, 0]) == "▁▄█ ▁"
    assert sparkline([5, 5]) == "▄▄" and sparkline([0, 0]) == "▁▁"
    assert sparkline(list(range(100)), width=10) == "▁▂▃▃▄▅▆▆▇█"


# A rule edit no longer hides the trend: tests/test_history_keys.py.


def test_html_report_structure(repo, tmp_path):
    target = tmp_path / "trend.html"
    code, _, err = run(repo, "trend", "--format", "html", "--output", str(target))
    assert code == 0, err
    assert f"wrote {target}" in err
    html = target.read_text()
    figures = re.findall(r'<figure class="rule" id="rule-(\w+)">(.*?)</figure>', html, re.S)
    assert [rule for rule, _ in figures] == ["total", "SI001", "DI001", "EV001"]  # the overview's total first
    assert '<span class="headline">0 → 1 findings (+1)</span>' in figures[0][1]
    figures = figures[1:]
    for rule, body in figures:
        assert body.count('<svg class="chart"') == 1, rule
        assert f"stroke: {LINE_COLOR}" in body  # the count line
        assert (f"stroke: {CEILING_COLOR}" in body) == (rule == "SI001")  # the ceiling where a rule has max
    assert '<span class="headline">1 → 2 (+1)</span>' in figures[0][1]
    assert '<span class="over">over max</span>' in html
    assert "<code>app/old_ws.py</code>" in html
    # Self-contained: no script, no stylesheet or image to fetch.
    assert "<script" not in html and "<link" not in html and not re.search(r'(src|href)="(https?:)?//', html)


def _synthetic(n: int, rules: int, files: int) -> list[Snapshot]:
    """``n`` snapshots: rule R0 burns down from 1,058 to 1 against max 1, the others wander."""
    snapshots = []
    for i in range(n):
        counts = [RuleCount("R0", "single-implementation", "error", round(1058 - 1057 * i / (n - 1)), 0, 1)]
        counts += [RuleCount(f"R{r}", "deprecated-import", "error", (i * r * 7919) % 700, 0, None) for r in range(1, rules)]
        file_counts = {f"pkg/module_{f:03d}.py": {"R1": f % 9 + 1, "R2": f % 4} for f in range(files)}
        snapshots.append(
            Snapshot(
                commit=f"{i:040x}",
                label=f"{i:010x}",
                series="s",
                ruleset_digest="d",
                commit_time=START + i * DAY // 3,
                author_time=START,
                subject=f"commit {i}",
                rules=counts,
                file_counts=file_counts,
            )
        )
    return snapshots


def test_html_for_500_snapshots_fits_in_one_megabyte():
    html = render_html(build_trend(_synthetic(500, rules=10, files=200)), top=20, title="budget")
    assert len(html.encode("utf-8")) <= 1_000_000
    assert html.count('<svg class="chart"') == 11  # the total, then R0-R9 (every one moves)
    assert '<span class="headline">1,058 → 1 (−1,057)</span>' in html
    assert html.count("<code>pkg/module_") == 20


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_html_report_renders_in_headless_chromium(repo, tmp_path):
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed, and CI must render the HTML report (.ci/run installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium); CI installs it and runs this test")
    page = tmp_path / "trend.html"
    code, _, err = run(repo, "trend", "--format", "html", "--output", str(page))
    assert code == 0, err
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1200,2600",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    import matplotlib.image

    pixels = (matplotlib.image.imread(shot)[:, :, :3] * 255).round()
    assert pixels.shape[:2] == (2600, 1200)

    def near(color: str) -> object:
        rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
        return (abs(pixels - rgb) <= 40).all(axis=2)

    line, ceiling = near(LINE_COLOR), near(CEILING_COLOR)
    # Every chart draws its count line: three separate bands of line-coloured pixels down the page.
    rows = line.sum(axis=1) > 0
    bands = [y for y in range(1, len(rows)) if rows[y] and not rows[y - 1 : y].any()]
    assert line.sum() > 3000, line.sum()
    assert len([b for i, b in enumerate(bands) if i == 0 or b - bands[i - 1] > 150]) == 3
    assert ceiling.sum() > 200  # SI001's dashed max line
    assert (pixels < 250).any(axis=2).mean() > 0.02  # not a blank page


def test_html_without_matplotlib_is_a_one_line_error(repo, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "matplotlib", None)  # as if not installed
    code, out, err = run(repo, "trend", "--format", "html")
    assert code == 2
    assert err == "ssot-lint: error: the HTML report draws its charts with matplotlib: pip install 'ssot-lint[report]'\n"


def test_history_docs_show_what_the_demo_history_prints():
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, str(root / "docs" / "demo_history.py")], check=True, capture_output=True, text=True).stdout
    table = [line for line in out.splitlines() if line.startswith(("| WS", "| PI"))]
    summary = [line for line in table if " → " in line]  # the summary rows (the largest-changes rows follow)
    assert [line.split(" | ")[2] for line in summary] == ["3 → 1", "7 → 0", "4 → 0", "1 → 0"]
    page = (root / "docs" / "history.md").read_text(encoding="utf-8")
    assert all(line in page for line in table), "update the demo summary in docs/history.md: python docs/demo_history.py"
