"""``RUN/summary.html``: one self-contained page per run (inline CSS and SVG; nothing fetched, no script).

Jinja2 autoescapes every value (``<script>`` in a host name or a probe message is shown, not run), and every
string first goes through :func:`bringup.report.safe_text.safe_text` (control characters as ``\\xNN``). The
page also carries a Content-Security-Policy that allows no script and no fetch at all, so an escaping
mistake would show up as a blocked resource (a console error the browser test looks for), not as code.

Layout for a large cluster: failures first, grouped by check; the layer x node grid is layers x nodes up to
``WIDE`` nodes, above that nodes are rows in blocks of ``BLOCK`` side by side, so 512 nodes fit a screen.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from bringup.designs import LAYER_BY_NUMBER
from bringup.report import atomic, bench_view, overview
from bringup.report.runview import BLAME_COLUMNS, RunView, load
from bringup.report.safe_text import safe_text

WIDE, BLOCK = 32, 64
MAX_BENCH_PROBLEMS = 200
_ENV = jinja2.Environment(loader=jinja2.PackageLoader("bringup.report", "templates"),
                          autoescape=True)  # a record without a field renders it empty
_ENV.finalize = lambda value: safe_text(value) if isinstance(value, str) and not isinstance(value, Markup) else value


@dataclass(frozen=True)
class LayerHead:
    number: int
    label: str
    slug: str
    title: str


def _layer_head(number: int) -> LayerHead:
    layer = LAYER_BY_NUMBER.get(number)
    return LayerHead(number, f"L{number:02d}", layer.slug if layer else "other", layer.title if layer else "other")


def _when(stamp: object) -> str:
    if not isinstance(stamp, (int, float)):
        return "-"
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(stamp))


def _cell_renderer(cells: dict[tuple[int, str], overview.Cell]):
    def cell(layer: LayerHead, node: str) -> Markup:
        found = cells.get((layer.number, node))
        if found is None:
            return Markup('<td class="c o-none"></td>')
        counts = ", ".join(f"{n} {o}" for o, n in sorted(found.counts.items(), key=lambda kv: overview.ORDER.index(kv[0])))
        title = escape(safe_text(f"{node} {layer.label}: {counts}"))
        inner = Markup(f'<a href="#r{found.cause}"></a>') if found.cause is not None else ""
        return Markup(f'<td class="c o-{found.worst}" title="{title}">{inner}</td>')
    return cell


def render(view: RunView, history=None, checks: overview.Overview | None = None) -> str:
    ov = checks or overview.build(view.records)
    nodes = [safe_text(n) for n in ov.nodes]
    nodes_as_rows = len(nodes) > WIDE
    step = BLOCK if nodes_as_rows else WIDE
    cells = {(layer, safe_text(node)): c for (layer, node), c in ov.cells.items()}
    meta = view.meta
    status = meta.get("status")
    facts = [("status", f"{status or 'unknown'}, exit status {meta.get('exit_status', '-')}"),
             ("design", meta.get("design", "-")), ("inventory", meta.get("inventory", "-")),
             ("nodes", str(len(nodes))), ("started", _when(meta.get("started"))), ("ended", _when(meta.get("ended"))),
             ("tool", f"{meta.get('tool_version', '-')} (git {meta.get('git_commit') or '-'})")]
    if meta.get("replay_of"):
        facts.append(("replay of", meta["replay_of"]))
    verdicts = view.verdicts
    bench_problems = []
    if verdicts is not None and not verdicts.empty and "outcome" in verdicts:
        bad = verdicts[verdicts["outcome"].isin(("fail", "warn"))].sort_values("outcome", kind="stable")
        bench_problems = bad.head(MAX_BENCH_PROBLEMS).to_dict("records")
    blame, blame_columns = None, BLAME_COLUMNS
    if view.blame is not None:   # bringup/localize/table.py adds kind and benchmark: shown when there
        blame_columns = BLAME_COLUMNS + [c for c in view.blame.columns if c not in BLAME_COLUMNS]
        blame = view.blame[blame_columns].astype(object).where(view.blame[blame_columns].notna(), "")
        blame = blame.astype(str).values.tolist()
    rail_plots, curves = bench_view.rail_plots(view), bench_view.size_curves(view)
    trends = bench_view.trends(view, history)
    return _ENV.get_template("summary.html.j2").render(
        run_id=view.run_id, facts=facts, records=len(view.records),
        counts=[(o, ov.totals[o]) for o in overview.ORDER if ov.totals.get(o)],
        never_finished=status == "running", problems=view.problems, groups=ov.groups,
        grid={"layers": [_layer_head(n) for n in ov.layers], "nodes_as_rows": nodes_as_rows,
              "blocks": [nodes[i:i + step] for i in range(0, len(nodes), step)]},
        cell=_cell_renderer(cells), bench_problems=bench_problems, rail_plots=[(t, Markup(s)) for t, s in rail_plots],
        curves=[(t, Markup(s)) for t, s in curves], blame=blame, blame_columns=blame_columns,
        trends=[(t, Markup(s)) for t, s in trends])


def write(run: Path, view: RunView | None = None, history=None, checks: overview.Overview | None = None) -> Path:
    """Render and replace ``run/summary.html`` atomically; an OSError (disk full) leaves the old one."""
    run = Path(run)
    page = render(view or load(run), history, checks)
    return atomic.replace(run / "summary.html", lambda tmp: tmp.write_text(page, encoding="utf-8"))
