"""The HTML trend report: one self-contained static file (inline CSS and inline SVG charts, no
script, no network), drawn with matplotlib. Text in the SVGs stays text (``svg.fonttype: none``)
rather than glyph outlines, which keeps a chart of 500 snapshots to a few tens of kilobytes."""

from __future__ import annotations

import io
import math
import warnings
from datetime import datetime, timedelta, timezone
from html import escape
from typing import Any

from ssot_lint import __version__
from ssot_lint.errors import ConfigError
from ssot_lint.history.model import WORKING_TREE, Snapshot
from ssot_lint.history.trend import NOTHING_TO_COMPARE, Change, RuleSeries, Trend, describe, signed, sparkline, when
from ssot_lint.report import plural

LINE_COLOR = "#1f77b4"  # a rule's count; the screenshot test looks for this colour
TOTAL_COLOR = "#4d4d4d"  # all rules' findings, in the overview
_HOVER_POINTS = 120  # hover targets per chart at most
CEILING_COLOR = "#d62728"

_CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 2em auto; max-width: 1000px; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { font-size: 1.2em; margin: 0; }
.muted { color: #666; } .down { color: #2a7d2a; } .up, .over { color: #b22; } a { color: #333; }
table { border-collapse: collapse; margin: .5em 0 1.5em; } th, td { padding: .25em .8em; border-bottom: 1px solid #ddd; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; } code { font-size: .9em; }
figure.rule { margin: 0 0 1.5em; padding: .8em 1em; border: 1px solid #e3e3e3; border-radius: 6px; }
figure.rule figcaption { display: flex; gap: 1em; align-items: baseline; flex-wrap: wrap; }
.headline { font-size: 1.25em; font-weight: 600; }
svg.chart { width: 100%; height: auto; display: block; }
td.spark { font-family: ui-monospace, monospace; color: #555; letter-spacing: -1px; white-space: nowrap; }
p.flat { padding: .6em 1em; background: #f6f6f6; border-radius: 6px; }
h3 { font-size: 1.05em; margin: 1em 0 0; }
"""


def render_html(trend: Trend, top: int, title: str) -> str:
    """Overview first (total findings over time, the per-rule summary, the largest changes), then
    a chart per rule whose count moved (rules that never moved share one line), then the files."""
    body = [f"<h1>{escape(title)}</h1>", f'<p class="muted">{escape(_span(trend))}</p>']
    body.append('<h2 id="overview">Overview</h2>')
    body.append(_chart_figure("total", "", _total_headline(trend), trend.totals, [None] * len(trend.snapshots), trend, TOTAL_COLOR, title="All findings"))
    body.append(_summary(trend))
    body.append(_largest_changes(trend))
    if trend.moving:
        body.append('<h2 id="rules">Rules that changed</h2>')
    body += [_chart_figure(rule.rule_id, rule.kind, rule.headline(), rule.counts, rule.maxes, trend, LINE_COLOR, rule.ceiling) for rule in trend.moving]
    if trend.flat:
        items = ", ".join(f'<span id="rule-{escape(r.rule_id)}"><b>{escape(r.rule_id)}</b> {_held(r)}</span>' for r in trend.flat)
        body.append(f'<p class="flat">Unchanged over these snapshots: {items}.</p>')
    if trend.no_history:
        items = ", ".join(f'<span id="rule-{escape(r.rule_id)}"><b>{escape(r.rule_id)}</b></span>' for r in trend.no_history)
        body.append(f'<p class="flat">No history yet (run <code>ssot-lint history</code>): {items}.</p>')
    body.append(_files(trend, top))
    notes = [(s.label, note) for s, note in trend.notes]
    if trend.hidden_records:
        notes.append(
            ("working tree", f"{plural(trend.hidden_records, 'older `check --record` snapshot')} not drawn (only the newest, after the last commit, is)")
        )
    if notes:
        items = "".join(f"<li><code>{escape(label)}</code>: {escape(note)}</li>" for label, note in notes)
        body.append(f"<h2>Notes</h2><ul>{items}</ul>")
    body.append(f'<p class="muted">ssot-lint {escape(__version__)}</p>')
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _held(rule: RuleSeries) -> str:
    """An unchanged rule's count, its ``max`` and whether it is over it."""
    text = "no data" if rule.last is None else f"{rule.last:,}"
    if rule.ceiling is not None:
        text += f' <span class="muted">max {rule.ceiling:,}</span>'
        if rule.last is not None and rule.last > rule.ceiling:
            text += ' <span class="over">over max</span>'
    return text


def _total_headline(trend: Trend) -> str:
    known = [t for t in trend.totals if t is not None]
    if not known or not trend.comparable:
        return "no data" if not known else f"{known[-1]:,} findings"
    return f"{known[0]:,} → {known[-1]:,} findings ({signed(known[-1] - known[0])})"


def _span(trend: Trend) -> str:
    first, last = trend.snapshots[0], trend.snapshots[-1]
    return f"{plural(len(trend.snapshots), 'snapshot')}, {when(first)} ({first.label}) to {when(last)} ({last.label}), UTC"


def _change(rule: RuleSeries) -> str:
    if rule.delta is None:
        return ""
    css = "down" if rule.delta < 0 else ("up" if rule.delta > 0 else "")
    return f'<span class="{css}">{escape(signed(rule.delta))}</span>'


def _summary(trend: Trend) -> str:
    rows = []
    anchored = {r.rule_id for r in trend.moving + trend.flat + trend.no_history}  # a chart or a place on a line
    for rule in trend.rules:
        first_last = "no data" if rule.first is None else (f"{rule.first:,} → {rule.last:,}" if trend.comparable else f"{rule.last:,}")
        name = f'<a href="#rule-{escape(rule.rule_id)}">{escape(rule.rule_id)}</a>' if rule.rule_id in anchored else escape(rule.rule_id)
        ceiling = "" if rule.ceiling is None else f"{rule.ceiling:,}"
        over = rule.ceiling is not None and rule.last is not None and rule.last > rule.ceiling
        status = '<span class="over">over max</span>' if over else ""
        rows.append(
            f"<tr><td>{name}</td><td>{escape(rule.kind)}</td>"
            f'<td class="n">{first_last}</td><td class="n">{_change(rule) if trend.comparable else ""}</td><td class="n">{ceiling}</td>'
            f'<td class="spark">{escape(sparkline(rule.counts, 40))}</td><td>{status}</td></tr>'
        )
    return (
        '<table class="summary"><tr><th>rule</th><th>kind</th><th class="n">first → last</th><th class="n">change</th>'
        f'<th class="n">max</th><th>trend</th><th></th></tr>{"".join(rows)}</table>'
    )


def _step(change: Change | None) -> str:
    if change is None:
        return '<td class="n"></td><td></td>'
    css = "up" if change.delta > 0 else "down"
    return f'<td class="n"><span class="{css}">{escape(signed(change.delta))}</span></td><td><code>{escape(change.snapshot.label)}</code> {escape(change.snapshot.subject)}</td>'


def _largest_changes(trend: Trend) -> str:
    rows = trend.largest_changes()
    if not trend.comparable:
        return f'<p class="muted">{NOTHING_TO_COMPARE}</p>'
    if not rows:
        return '<p class="muted">No rule\'s count changed over these snapshots.</p>'
    body = "".join(f"<tr><td>{escape(rule.rule_id)}</td>{_step(added)}{_step(removed)}</tr>" for rule, added, removed in rows)
    return (
        '<h3 id="largest-changes">Largest changes</h3><table class="changes"><tr><th>rule</th><th class="n">most added</th><th>at</th>'
        f'<th class="n">most removed</th><th>at</th></tr>{body}</table>'
    )


def _chart_figure(
    anchor: str,
    kind: str,
    headline: str,
    counts: list[int | None],
    maxes: list[int | None],
    trend: Trend,
    color: str,
    ceiling: int | None = None,
    title: str | None = None,
) -> str:
    max_text = "" if ceiling is None else f'<span class="muted">max {ceiling:,}</span>'
    return (
        f'<figure class="rule" id="rule-{escape(anchor)}"><figcaption><h2>{escape(title or anchor)} '
        f'<span class="muted">{escape(kind)}</span></h2><span class="headline">{escape(headline)}</span>'
        f"{max_text}</figcaption>\n{_chart_svg(anchor, headline, counts, maxes, trend, color)}</figure>"
    )


def _chart_svg(name: str, headline: str, values: list[int | None], maxes: list[int | None], trend: Trend, color: str) -> str:
    try:
        import matplotlib
        import matplotlib.dates as mdates
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        raise ConfigError("the HTML report draws its charts with matplotlib: pip install 'ssot-lint[report]'") from None
    times = [datetime.fromtimestamp(t, tz=timezone.utc) for t in trend.axis_times]
    counts = [math.nan if c is None else c for c in values]
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "ssot-lint", "font.size": 9, "path.simplify": True, "timezone": "UTC"}):
        fig = Figure(figsize=(9, 2.6))
        ax = fig.add_subplot()
        ax.step(times, counts, where="post", color=color, linewidth=2, label="count")  # type: ignore[arg-type]  # matplotlib takes datetimes
        if len(times) <= 60:
            ax.plot(times, counts, "o", color=color, markersize=3.5)  # type: ignore[arg-type]
        if any(m is not None for m in maxes):
            ceiling = [math.nan if m is None else m for m in maxes]
            ax.step(times, ceiling, where="post", color=CEILING_COLOR, linestyle="--", linewidth=1.3, label="max")  # type: ignore[arg-type]
            # Above the plot, right: inside it, the legend covered the latest points.
            ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, frameon=False, borderaxespad=0.1)
        highest = max([c for c in values if c is not None] + [m for m in maxes if m is not None] + [1])
        ax.set_ylim(0, highest * 1.1)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        # From one day to years: at most ~8 ticks, labelled only with what changes between them.
        locator = mdates.AutoDateLocator(minticks=3, maxticks=8, tz=timezone.utc)
        formatter = mdates.ConciseDateFormatter(locator, tz=timezone.utc)
        if trend.record_drawn:
            _record_ticks(ax, locator, formatter, times, trend.snapshots[-1])
        else:
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(formatter)
        ax.grid(axis="y", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        if times[0] == times[-1]:  # one snapshot (or several at one time): a day around it
            ax.set_xlim(times[0] - timedelta(hours=12), times[0] + timedelta(hours=12))  # type: ignore[arg-type]  # (datetimes, as above)
        fig.tight_layout()
        buffer = io.StringIO()
        with warnings.catch_warnings():  # identical x limits (one snapshot) are widened, with a warning
            warnings.simplefilter("ignore")
            fig.savefig(buffer, format="svg", metadata={"Date": None})
        hover = _hover_targets(fig, ax, times, values, trend)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = svg.replace("</svg>", hover + "</svg>")
    label = escape(f"{name}: {headline}", quote=True)
    return svg.replace("<svg ", f'<svg class="chart" role="img" aria-label="{label}" ', 1)


def _record_ticks(ax: Any, dates: Any, date_labels: Any, times: list[datetime], record: Snapshot) -> None:
    """A working-tree record's place on the axis is not its date (``Trend.axis_times``): date
    ticks stop at the last commit, the record's tick is labelled with its own date, and a dotted
    line stands for the break in the axis between them."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import Formatter, Locator

    last_commit, at = mdates.date2num(times[-2]), mdates.date2num(times[-1])
    label = f"{WORKING_TREE}\n{datetime.fromtimestamp(record.time, tz=timezone.utc):%Y-%m-%d}"

    class RecordLocator(Locator):
        def set_axis(self, axis: Any) -> None:
            super().set_axis(axis)
            dates.set_axis(axis)

        def __call__(self) -> list[float]:
            return [t for t in dates() if t <= last_commit] + [at]

    class RecordFormatter(Formatter):
        def format_ticks(self, values: Any) -> list[str]:
            dated = [v for v in values if v != at]
            return [*date_labels.format_ticks(dated), *([label] if len(dated) < len(values) else [])]

        def __call__(self, x: float, pos: int | None = None) -> str:
            return label if x == at else str(date_labels(x, pos))

        def get_offset(self) -> str:
            return str(date_labels.get_offset())

    ax.xaxis.set_major_locator(RecordLocator())
    ax.xaxis.set_major_formatter(RecordFormatter())
    ax.axvline((last_commit + at) / 2, color="#999", linestyle=":", linewidth=1)
    # The commits' date (the formatter's offset) on the left: on the right it read as the record's.
    ax.xaxis.get_offset_text().set(x=0, horizontalalignment="left")


def _hover_targets(fig: Any, ax: Any, times: list[datetime], values: list[int | None], trend: Trend) -> str:
    """An invisible circle over every point, titled with its snapshot (date, commit, subject,
    count): browsers show an SVG ``<title>`` on hover, so no script is needed. Past
    ``_HOVER_POINTS`` snapshots (points closer than a few pixels) the axis is cut into that many
    slots, each with a circle for its last snapshot, which keeps 500 snapshots' report small.
    Matplotlib's SVG is in points with y downwards; the axes transform gives pixels, y upwards."""
    import matplotlib.dates as mdates

    scale = 72 / fig.dpi
    height = fig.get_figheight() * 72
    points = [(i, value) for i, value in enumerate(values) if value is not None]
    if len(points) > _HOVER_POINTS:
        slots = {i * _HOVER_POINTS // len(values): (i, value) for i, value in points}
        points = list(slots.values())
    circles = []
    for i, value in points:
        x, y = ax.transData.transform((mdates.date2num(times[i]), value))
        circles.append(
            f'<circle cx="{x * scale:.1f}" cy="{height - y * scale:.1f}" r="5"><title>{escape(describe(trend.snapshots[i]))}: {value:,}</title></circle>'
        )
    return f'<g class="points" fill-opacity="0">{"".join(circles)}</g>'


def _files(trend: Trend, top: int) -> str:
    files = trend.top_files(top)
    if not files:
        return "<h2>Files</h2><p>No findings remain.</p>"
    rows = "".join(
        f'<tr><td class="n">{total:,}</td><td><code>{escape(path)}</code></td>'
        f"<td>{escape(', '.join(f'{rule}: {n:,}' for rule, n in sorted(rules.items())))}</td></tr>"
        for path, total, rules in files
    )
    return (
        f'<h2>Files with the most remaining findings</h2><p class="muted">at {escape(trend.latest.label)}</p>'  # type: ignore[union-attr]
        f'<table class="files"><tr><th class="n">findings</th><th>file</th><th>by rule</th></tr>{rows}</table>'
    )
