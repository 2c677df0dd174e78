"""A small SVG chart: axes with nice ticks, bands, areas, lines, markers and a legend, as text.

The summary is written at the end of every suite run (a replay of the recorded scenarios runs ~90 times in
this project's tests), so its plots must cost milliseconds: matplotlib's SVG backend took 1-2 s per run for
ten figures (import and layout) where this takes a few ms. Everything drawn is a rect, polygon, polyline,
line, circle or text; every text is passed through safe_text and XML-escaped here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

from markupsafe import escape

from bringup.report.safe_text import safe_text

LEFT, RIGHT, TOP, BOTTOM = 56, 32, 26, 34   # RIGHT leaves room for the last x label
LEGEND_ROW = 14


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 5 x 10^k steps) covering [low, high]."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        high = low + 1
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(n * step, 12) for n in range(first, last + 1)]


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _t(text: object) -> str:
    return str(escape(safe_text(text)))


@dataclass
class Chart:
    title: str
    ylabel: str
    xlabel: str = ""
    width: int = 560
    height: int = 280
    xlog: bool = False
    items: list[tuple] = field(default_factory=list)
    legend: list[tuple[str, str, str]] = field(default_factory=list)   # (kind, colour, label)
    xticks: list[tuple[float, str]] = field(default_factory=list)
    _xs: list[float] = field(default_factory=list)
    _ys: list[float] = field(default_factory=list)

    # ---- data in data coordinates; the scales are fixed when rendering
    def _keep(self, xs: Sequence[float], ys: Sequence[float]) -> None:
        self._xs += [float(x) for x in xs if _finite(x) and (not self.xlog or x > 0)]
        self._ys += [float(y) for y in ys if _finite(y)]

    def band(self, x0: float, x1: float, y0: float, y1: float, colour: str, label: str | None = None) -> None:
        self._keep([x0, x1], [y0, y1])
        self.items.append(("band", x0, x1, y0, y1, colour))
        self._legend("rect", colour, label)

    def area(self, xs, lows, highs, colour: str, label: str | None = None) -> None:
        self._keep(xs, list(lows) + list(highs))
        self.items.append(("area", list(xs), list(lows), list(highs), colour))
        self._legend("rect", colour, label)

    def line(self, xs, ys, colour: str, label: str | None = None, dots: bool = True) -> None:
        self._keep(xs, ys)
        self.items.append(("line", list(xs), list(ys), colour, dots))
        self._legend("line", colour, label)

    def hline(self, y: float, colour: str, label: str | None = None) -> None:
        self._keep([], [y])
        self.items.append(("hline", y, colour))
        self._legend("dash", colour, label)

    def points(self, xs, ys, colour: str, label: str | None = None, cross: bool = False) -> None:
        self._keep(xs, ys)
        self.items.append(("points", list(xs), list(ys), colour, cross))
        self._legend("cross" if cross else "dot", colour, label)

    def whiskers(self, xs, lows, highs, colour: str) -> None:
        self._keep(xs, list(lows) + list(highs))
        self.items.append(("whiskers", list(xs), list(lows), list(highs), colour))

    def _legend(self, kind: str, colour: str, label: str | None) -> None:
        if label:
            self.legend.append((kind, colour, label))

    # ---- rendering
    def render(self, ymin: float | None = None) -> str:
        xs, ys = self._xs or [0.0, 1.0], self._ys or [0.0, 1.0]
        legend, x_at, row = [], LEFT, 0      # the legend goes below the plot, in rows: it never hides data
        for kind, colour, label in self.legend:
            wide = 22 + 6 * len(label)
            if x_at + wide > self.width and x_at > LEFT:
                x_at, row = LEFT, row + 1
            legend.append((x_at, row, kind, colour, label))
            x_at += wide
        height = self.height + (row + 1) * LEGEND_ROW * bool(legend)
        plot_w, plot_h = self.width - LEFT - RIGHT, self.height - TOP - BOTTOM
        lo_y = min(ys) if ymin is None else ymin
        yt = nice_ticks(lo_y, max(ys) * 1.05 if max(ys) > 0 else max(ys) + 1)
        y0, y1 = yt[0], yt[-1]
        fx: Callable[[float], float] = math.log2 if self.xlog else float
        x_lo, x_hi = fx(min(xs)), fx(max(xs))
        pad = (x_hi - x_lo) * 0.03 or 0.5
        x_lo, x_hi = x_lo - pad, x_hi + pad

        def X(v: float) -> float:
            v = max(v, min(xs) / 4) if self.xlog else v
            return LEFT + (fx(v) - x_lo) / (x_hi - x_lo) * plot_w

        def Y(v: float) -> float:
            return TOP + plot_h - (v - y0) / ((y1 - y0) or 1) * plot_h

        out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{height}" '
               f'viewBox="0 0 {self.width} {height}" font-family="sans-serif" font-size="10" role="img">',
               f'<title>{_t(self.title)}</title>',
               f'<text x="{self.width / 2:.1f}" y="14" text-anchor="middle" font-size="12">{_t(self.title)}</text>',
               f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>']
        for tick in yt:
            y = Y(tick)
            out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>'
                       f'<text x="{LEFT - 4}" y="{y + 3:.1f}" text-anchor="end">{_fmt(tick)}</text>')
        for value, label in self.xticks:
            x = X(value)
            out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP + plot_h}" y2="{TOP + plot_h + 4}" stroke="#999"/>'
                       f'<text x="{x:.1f}" y="{TOP + plot_h + 14}" text-anchor="middle">{_t(label)}</text>')
        out.append(f'<text x="12" y="{TOP + plot_h / 2:.1f}" transform="rotate(-90 12 {TOP + plot_h / 2:.1f})" '
                   f'text-anchor="middle">{_t(self.ylabel)}</text>')
        if self.xlabel:
            out.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{TOP + plot_h + 28}" text-anchor="middle">'
                       f'{_t(self.xlabel)}</text>')
        for item in self.items:
            out.append(_draw(item, X, Y, LEFT, LEFT + plot_w))
        for lx, row, kind, colour, label in legend:
            ly = self.height + LEGEND_ROW * row + 4
            swatch = {"rect": f'<rect x="{lx}" y="{ly - 7}" width="12" height="8" fill="{colour}" fill-opacity="0.6"/>',
                      "line": f'<line x1="{lx}" x2="{lx + 12}" y1="{ly - 3}" y2="{ly - 3}" stroke="{colour}" stroke-width="2"/>',
                      "dash": f'<line x1="{lx}" x2="{lx + 12}" y1="{ly - 3}" y2="{ly - 3}" stroke="{colour}" stroke-dasharray="3 2"/>',
                      "dot": f'<circle cx="{lx + 6}" cy="{ly - 3}" r="3" fill="{colour}"/>',
                      "cross": _cross(lx + 6, ly - 3, colour)}[kind]
            out.append(f'{swatch}<text x="{lx + 16}" y="{ly}">{_t(label)}</text>')
        out.append("</svg>")
        return "".join(out)


def _finite(v: object) -> bool:
    return isinstance(v, (int, float)) and math.isfinite(v)


def _cross(x: float, y: float, colour: str) -> str:
    return (f'<path d="M{x - 4:.1f} {y - 4:.1f}L{x + 4:.1f} {y + 4:.1f}M{x - 4:.1f} {y + 4:.1f}L{x + 4:.1f} {y - 4:.1f}" '
            f'stroke="{colour}" stroke-width="2"/>')


def _draw(item: tuple, X, Y, left: float, right: float) -> str:
    kind = item[0]
    if kind == "band":
        _, x0, x1, y0, y1, colour = item
        top, bottom = Y(max(y0, y1)), Y(min(y0, y1))
        return (f'<rect x="{X(x0):.1f}" y="{top:.1f}" width="{X(x1) - X(x0):.1f}" height="{bottom - top:.1f}" '
                f'fill="{colour}" fill-opacity="0.6"/>')
    if kind == "area":
        _, xs, lows, highs, colour = item
        pts = [(X(x), Y(h)) for x, h in zip(xs, highs)] + [(X(x), Y(lo)) for x, lo in reversed(list(zip(xs, lows)))]
        return f'<polygon points="{_pts(pts)}" fill="{colour}" fill-opacity="0.18"/>'
    if kind == "line":
        _, xs, ys, colour, dots = item
        pts = [(X(x), Y(y)) for x, y in zip(xs, ys) if _finite(y)]
        dot = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="{colour}"/>' for x, y in pts) if dots else ""
        return f'<polyline points="{_pts(pts)}" fill="none" stroke="{colour}" stroke-width="1.5"/>{dot}'
    if kind == "hline":
        _, y, colour = item
        return (f'<line x1="{left}" x2="{right}" y1="{Y(y):.1f}" y2="{Y(y):.1f}" stroke="{colour}" '
                f'stroke-dasharray="5 3"/>')
    if kind == "points":
        _, xs, ys, colour, cross = item
        if cross:
            return "".join(_cross(X(x), Y(y), colour) for x, y in zip(xs, ys))
        return "".join(f'<circle cx="{X(x):.1f}" cy="{Y(y):.1f}" r="3.5" fill="{colour}"/>' for x, y in zip(xs, ys))
    if kind == "whiskers":
        _, xs, lows, highs, colour = item
        return "".join(f'<line x1="{X(x):.1f}" x2="{X(x):.1f}" y1="{Y(lo):.1f}" y2="{Y(hi):.1f}" stroke="{colour}"/>'
                       for x, lo, hi in zip(xs, lows, highs))
    raise ValueError(f"unknown chart item {kind!r}")


def _pts(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
