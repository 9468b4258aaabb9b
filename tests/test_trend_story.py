"""The trend report tells the story: overview first, flat rules collapsed, hover titles on every
point, the commits that moved each rule most, a readable date axis, working-tree records kept off
the time axis. Built from synthetic snapshots (the git side is tested in test_history)."""

from __future__ import annotations

import re

from ssot_lint.history.formats import markdown, terminal
from ssot_lint.history.html import render_html
from ssot_lint.history.model import RuleCount, Snapshot
from ssot_lint.history.trend import build_trend

DAY = 86_400
T0 = 1_767_225_600  # 2026-01-01 00:00 UTC


def snap(i: int, counts: dict[str, int], when: int | None = None, commit: bool = True, subject: str = "") -> Snapshot:
    rules = [RuleCount(rule, "deprecated-import", "error", n, n, None) for rule, n in counts.items()]
    return Snapshot(
        commit=f"{i:040x}" if commit else None,
        label=f"{i:010x}" if commit else "working tree",
        series="s",
        ruleset_digest="d",
        commit_time=(T0 + i * DAY if when is None else when) if commit else None,
        recorded_at=T0 + i * DAY if when is None else when,
        subject=subject or f"commit {i}",
        rules=rules,
    )


STORY = [
    snap(0, {"MOVE": 5, "FLAT": 2, "ZERO": 0}),
    snap(1, {"MOVE": 9, "FLAT": 2, "ZERO": 0}, subject="copy the manager twice"),
    snap(2, {"MOVE": 7, "FLAT": 2, "ZERO": 0}),
    snap(3, {"MOVE": 1, "FLAT": 2, "ZERO": 0}, subject="consolidate"),
    snap(4, {"MOVE": 2, "FLAT": 2, "ZERO": 0}),
]


def test_flat_rules_are_one_line_and_moving_rules_get_charts():
    trend = build_trend(STORY)
    assert [r.rule_id for r in trend.moving] == ["MOVE"] and [r.rule_id for r in trend.flat] == ["FLAT", "ZERO"]
    html = render_html(trend, top=5, title="t")
    assert re.findall(r'<figure class="rule" id="rule-(\w+)">', html) == ["total", "MOVE"]
    assert '<p class="flat">Unchanged over these snapshots: <span id="rule-FLAT"><b>FLAT</b> 2</span>, <span id="rule-ZERO"><b>ZERO</b> 0</span>.</p>' in html
    assert html.index('id="overview"') < html.index('id="largest-changes"') < html.index('id="rule-MOVE"') < html.index('class="flat"')
    md = markdown(trend, 5).splitlines()
    assert "**All findings: 7 → 4 (−3)** ▅█▆▁▂" in md  # totals 7 11 9 3 4
    assert [line.split(" | ")[0] for line in md if " | deprecated-import | " in line] == ["| MOVE"]
    assert "Unchanged: FLAT (2), ZERO (0)." in md
    text = terminal(trend, 5, color=False)
    assert "All findings: 7 → 4 (−3)" in text and "Unchanged: FLAT (2), ZERO (0)" in text


def test_largest_changes_name_the_commits():
    trend = build_trend(STORY)
    [(rule, added, removed)] = trend.largest_changes()
    assert rule.rule_id == "MOVE"
    assert added is not None and (added.snapshot.subject, added.before, added.after, added.delta) == ("copy the manager twice", 5, 9, 4)
    assert removed is not None and (removed.snapshot.subject, removed.before, removed.after, removed.delta) == ("consolidate", 7, 1, -6)
    md = markdown(trend, 5)
    assert f"| MOVE | +4 | {STORY[1].label} copy the manager twice | −6 | {STORY[3].label} consolidate |" in md
    html = render_html(trend, top=5, title="t")
    row = re.search(r'<table class="changes">.*?</table>', html, re.S)
    assert row is not None and f"<code>{STORY[3].label}</code> consolidate" in row.group(0) and ">−6<" in row.group(0)


def test_every_point_has_a_hover_title():
    html = render_html(build_trend(STORY), top=5, title="t")
    move = html[html.index('id="rule-MOVE"') :]
    titles = re.findall(r"<circle [^>]*><title>([^<]*)</title></circle>", move[: move.index("</figure>")])
    assert len(titles) == 5
    assert titles[1] == f"2026-01-02 00:00 · {STORY[1].label} · copy the manager twice: 9"
    total = html[html.index('id="rule-total"') :]
    assert len(re.findall(r"<title>", total[: total.index("</figure>")])) == 5
    # Past 120 snapshots, one target per slot of the axis keeps the file small.
    many = [snap(i, {"MOVE": i % 7}) for i in range(500)]
    big = render_html(build_trend(many), top=5, title="t")
    chart = big[big.index('id="rule-MOVE"') :]
    assert len(re.findall(r"<title>", chart[: chart.index("</figure>")])) == 120


def test_working_tree_records_stay_off_the_time_axis():
    records = [
        snap(10, {"MOVE": 99}, when=T0 + DAY // 2, commit=False),  # recorded before later commits
        snap(11, {"MOVE": 3}, when=T0 + 10 * DAY, commit=False),  # after the last commit: the state now
    ]
    trend = build_trend(sorted(STORY + records, key=lambda s: s.time))
    assert [s.label for s in trend.snapshots] == [s.label for s in STORY] + ["working tree"]
    assert trend.rules[0].counts == [5, 9, 7, 1, 2, 3] and trend.hidden_records == 1
    assert "1 older `check --record` snapshot not drawn" in render_html(trend, 5, "t")
    stale = build_trend(sorted(STORY + records[:1], key=lambda s: s.time))  # the only record is older than commits
    assert [s.commit is None for s in stale.snapshots] == [False] * 5 and stale.hidden_records == 1


def _xticks(html: str, anchor: str) -> list[str]:
    chart = html[html.index(f'id="rule-{anchor}"') :]
    chart = chart[: chart.index("</figure>")]
    axis = chart[chart.index('<g id="matplotlib.axis_1">') : chart.index('<g id="matplotlib.axis_2">')]
    return re.findall(r"<text[^>]*>([^<]*)</text>", axis)


def test_the_date_axis_stays_readable_from_a_day_to_two_years():
    hours = [snap(i, {"MOVE": i % 3}, when=T0 + i * 3600) for i in range(24)]  # one day
    years = [snap(i, {"MOVE": i % 3}, when=T0 + i * 7 * DAY) for i in range(105)]  # two years, weekly
    one = [snap(0, {"MOVE": 1})]
    for snapshots in (hours, years, one):
        labels = [t for t in _xticks(render_html(build_trend(snapshots), 5, "t"), "total") if t.strip()]
        assert 1 <= len(labels) <= 10, labels
        assert all(a != b for a, b in zip(labels, labels[1:])), labels  # no tick repeats its neighbour's label
    day_labels = _xticks(render_html(build_trend(hours), 5, "t"), "total")
    assert any(":" in label for label in day_labels)  # hours within a day
    year_labels = _xticks(render_html(build_trend(years), 5, "t"), "total")
    assert year_labels[:4] == ["2026", "May", "Sep", "2027"]  # years named where they begin, months between


def test_all_findings_count_the_files_that_do_not_parse_as_check_does():
    # check's total counts one SSOT000 finding per file that does not parse; the trend's did not
    # (22 against check's 23 on the checkout).
    broken = [snap(0, {"MOVE": 5}), snap(1, {"MOVE": 4})]
    broken[0].parse_errors = 1
    trend = build_trend(broken)
    assert trend.totals == [6, 4]
    assert "**All findings: 6 → 4 (−2)**" in markdown(trend, 5)


def test_the_legend_sits_above_the_plot_where_it_covers_no_point():
    # A count near its max at the latest snapshot is drawn top right, where the legend was.
    capped = [Snapshot(**{**s.__dict__, "rules": [RuleCount("CAP", "single-implementation", "error", n, n, 9)]}) for s, n in zip(STORY, [3, 5, 8, 9, 9])]
    html = render_html(build_trend(capped), top=5, title="t")
    chart = html[html.index('id="rule-CAP"') :]
    chart = chart[: chart.index("</figure>")]
    plot_top = min(float(y) for y in re.findall(r"[ML] [\d.]+ ([\d.]+)", chart[chart.index('<g id="patch_2">') : chart.index('<g id="matplotlib.axis_1">')]))
    start = chart.index('<g id="legend_1">')
    legend = chart[start : chart.index(">max</text>", start)]  # its two entries: count, then max
    legend_ys = [float(y) for y in re.findall(r' y="([\d.]+)"', legend)] + [float(y) for y in re.findall(r"[ML] [\d.]+ ([\d.]+)", legend)]
    assert len(legend_ys) >= 4 and max(legend_ys) < plot_top, (legend_ys, plot_top)
