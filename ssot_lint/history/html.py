"""The HTML trend report: one self-contained static file (inline CSS and inline SVG charts, no
script, no network), drawn with matplotlib. Text in the SVGs stays text (``svg.fonttype: none``)
rather than glyph outlines, which keeps a chart of 500 snapshots to a few tens of kilobytes."""

from __future__ import annotations

import io
import math
import warnings
from datetime import datetime, timezone
from html import escape

from ssot_lint import __version__
from ssot_lint.errors import ConfigError
from ssot_lint.history.trend import RuleSeries, Trend, signed, when

LINE_COLOR = "#1f77b4"  # the count; the screenshot test looks for this colour
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
"""


def render_html(trend: Trend, top: int, title: str) -> str:
    body = [f"<h1>{escape(title)}</h1>", f'<p class="muted">{escape(_span(trend))}</p>', _summary(trend)]
    body += [_chart_section(rule, trend) for rule in trend.rules]
    body.append(_files(trend, top))
    if trend.notes:
        items = "".join(f"<li><code>{escape(s.label)}</code>: {escape(note)}</li>" for s, note in trend.notes)
        body.append(f"<h2>Notes</h2><ul>{items}</ul>")
    body.append(f'<p class="muted">ssot-lint {escape(__version__)}</p>')
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _span(trend: Trend) -> str:
    first, last = trend.snapshots[0], trend.snapshots[-1]
    return f"{len(trend.snapshots)} snapshots, {when(first)} ({first.label}) to {when(last)} ({last.label}), UTC"


def _change(rule: RuleSeries) -> str:
    if rule.delta is None:
        return ""
    css = "down" if rule.delta < 0 else ("up" if rule.delta > 0 else "")
    return f'<span class="{css}">{escape(signed(rule.delta))}</span>'


def _summary(trend: Trend) -> str:
    rows = []
    for rule in trend.rules:
        first_last = "no data" if rule.first is None else f"{rule.first:,} → {rule.last:,}"
        ceiling = "" if rule.ceiling is None else f"{rule.ceiling:,}"
        over = rule.ceiling is not None and rule.last is not None and rule.last > rule.ceiling
        status = '<span class="over">over max</span>' if over else ""
        rows.append(
            f'<tr><td><a href="#rule-{escape(rule.rule_id)}">{escape(rule.rule_id)}</a></td><td>{escape(rule.kind)}</td>'
            f'<td class="n">{first_last}</td><td class="n">{_change(rule)}</td><td class="n">{ceiling}</td><td>{status}</td></tr>'
        )
    return (
        '<table class="summary"><tr><th>rule</th><th>kind</th><th class="n">first → last</th><th class="n">change</th>'
        f'<th class="n">max</th><th></th></tr>{"".join(rows)}</table>'
    )


def _chart_section(rule: RuleSeries, trend: Trend) -> str:
    ceiling = "" if rule.ceiling is None else f'<span class="muted">max {rule.ceiling:,}</span>'
    return (
        f'<figure class="rule" id="rule-{escape(rule.rule_id)}"><figcaption><h2>{escape(rule.rule_id)} '
        f'<span class="muted">{escape(rule.kind)}</span></h2><span class="headline">{escape(rule.headline())}</span>'
        f"{ceiling}</figcaption>\n{_chart_svg(rule, trend)}</figure>"
    )


def _chart_svg(rule: RuleSeries, trend: Trend) -> str:
    try:
        import matplotlib
        import matplotlib.dates as mdates
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        raise ConfigError("the HTML report draws its charts with matplotlib: pip install 'ssot-lint[report]'") from None
    times = [datetime.fromtimestamp(s.time, tz=timezone.utc) for s in trend.snapshots]
    counts = [math.nan if c is None else c for c in rule.counts]
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "ssot-lint", "font.size": 9, "path.simplify": True}):
        fig = Figure(figsize=(9, 2.6))
        ax = fig.add_subplot()
        # matplotlib plots datetimes (through its unit converters), but its stubs accept numbers only.
        ax.step(times, counts, where="post", color=LINE_COLOR, linewidth=2, label="count")  # type: ignore[arg-type]
        if len(times) <= 60:
            ax.plot(times, counts, "o", color=LINE_COLOR, markersize=3.5)  # type: ignore[arg-type]
        if rule.has_ceiling:
            maxes = [math.nan if m is None else m for m in rule.maxes]
            ax.step(times, maxes, where="post", color=CEILING_COLOR, linestyle="--", linewidth=1.3, label="max")  # type: ignore[arg-type]
            ax.legend(loc="upper right", frameon=False)
        highest = max(rule.known + [m for m in rule.maxes if m is not None] + [1])
        ax.set_ylim(0, highest * 1.1)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.grid(axis="y", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        buffer = io.StringIO()
        with warnings.catch_warnings():  # identical x limits (one snapshot) are widened, with a warning
            warnings.simplefilter("ignore")
            fig.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    label = escape(f"{rule.rule_id}: {rule.headline()}", quote=True)
    return svg.replace("<svg ", f'<svg class="chart" role="img" aria-label="{label}" ', 1)


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
