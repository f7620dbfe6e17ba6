"""Coverage and error of threshold-crossing forecasts on simulated checkpoint series.

Each simulated lineage has checkpoints at x = 22, 22.5, ... (log10 training compute). A
checkpoint's true score follows a known generating curve p(x); its measured score is
binomial(n, p(x)) / n with its 95% Wilson interval, as an assessment would report. The
forecast is of the x at which the true score first reaches the threshold t. The generating
curve's location is drawn so that the true crossing lies after the last checkpoint
(between 0 and 1.5 decades beyond it) or, for the curves that flatten below t, never comes.

Curves (cells):

* ``logistic``: p = sigmoid(b (x - c)), b ~ U(1, 2.5);
* ``flattens above t``: p = 0.85 sigmoid(b (x - c)): a ceiling above t, slowing near it;
* ``flattens below t``: p = 0.5 sigmoid(b (x - c)): never reaches t = 0.6;
* ``jumps``: p = 0.15 sigmoid(x - c1) + 0.8 sigmoid(5 (x - c2)): a slow rise, then a steep
  one (an emergent capability). ``onset seen``: the crossing is 0.05-0.4 decades after the
  last checkpoint, so the steep rise has begun in the data; ``onset unseen``: 0.6-1.5
  decades after, so the data show only the slow rise;
* ``linear``: p = a + s x, s ~ U(0.08, 0.2) per decade, capped so that the first
  checkpoint's true score is at least 0.03 (a straight line over the observed range).

Methods:

* ``redline``: :func:`redline.measure.forecast.forecast_crossing` at level 0.8 (logistic
  from 4 checkpoints, linear for 2-3, each point weighted by its interval; from 5, also a
  segmented model whose last 2 or 3 checkpoints follow a logistic of their own, weighted by
  AIC against the whole-series fit; see docs/statistics.md "Trends and forecasts");
* ``naive``: extrapolate the last two points linearly; its 80% interval is that of the
  lines through the ends of the two points' own 80% Wilson intervals (steepest to
  shallowest; open-ended when the shallowest does not rise).

Scoring, per series: ``issued`` is the share with a crossing interval (status
``forecast``); ``coverage`` is the share of issued intervals that contain the true crossing
(an open-ended interval contains a crossing that never comes); ``no-cross right`` is the
share of series the method declared not crossing within its range ("not_within_range")
that truly do not cross by then; ``MAE`` is the median absolute error of the median
forecast crossing, in decades of compute, over issued forecasts of crossings that happen.

    python benchmarks/forecast.py              # 400 series per cell
    python benchmarks/forecast.py --series 100 # quicker

The reported run uses the default seed (20261208). Choices of the method were made on other
seeds (7, and ``[99, checkpoints]`` for per-cell diagnostics), never on the reported one.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit

from redline.measure.forecast import SeriesPoint, fit_trend
from redline.measure.stats import wilson_interval

THRESHOLD = 0.6
LEVEL = 0.8
STEP = 0.5  # decades between checkpoints
X0 = 22.0

Curve = Callable[[np.ndarray], np.ndarray]


def _crossing(curve: Curve, lo: float, hi: float) -> float:
    """First x in [lo, hi] where the curve reaches THRESHOLD (inf if none)."""
    xs = np.linspace(lo, hi, 20001)
    hit = np.nonzero(curve(xs) >= THRESHOLD)[0]
    return float(xs[hit[0]]) if hit.size else math.inf


def make_curve(cell: str, rng: np.random.Generator, x_last: float) -> Curve:
    """A generating curve whose crossing of THRESHOLD lies in (x_last, x_last + 1.5]."""
    target = x_last + rng.uniform(0.05, 1.5)  # where the crossing will be
    if cell == "logistic":
        b = rng.uniform(1.0, 2.5)
        c = target - math.log(THRESHOLD / (1 - THRESHOLD)) / b
        return lambda x: expit(b * (x - c))
    if cell == "flattens above t":
        b, cap = rng.uniform(1.0, 2.5), 0.85
        c = target - math.log((THRESHOLD / cap) / (1 - THRESHOLD / cap)) / b
        return lambda x: cap * expit(b * (x - c))
    if cell == "flattens below t, bend seen":
        b, cap = rng.uniform(1.0, 2.5), 0.5
        c = x_last - rng.uniform(0.25, 1.0)  # past its inflection at the last checkpoints
        return lambda x: cap * expit(b * (x - c))
    if cell == "flattens below t, bend unseen":
        b, cap = rng.uniform(1.0, 2.5), 0.5
        c = x_last + rng.uniform(0.0, 1.0)  # still rising steadily at the last checkpoint
        return lambda x: cap * expit(b * (x - c))
    if cell.startswith("jumps"):
        # onset seen: the steep rise has begun by the last checkpoint; unseen: it has not
        seen = cell == "jumps, onset seen"
        target = x_last + (rng.uniform(0.05, 0.4) if seen else rng.uniform(0.6, 1.5))
        c1 = x_last - rng.uniform(0.0, 1.0)
        # the steep part centred so that the crossing lands on target
        base = 0.15 * expit(target - c1)
        need = (THRESHOLD - base) / 0.8
        c2 = target - math.log(need / (1 - need)) / 5.0
        return lambda x: 0.15 * expit(x - c1) + 0.8 * expit(5.0 * (x - c2))
    if cell == "linear":
        # A straight line over the observed range: the slope is capped so that the first
        # checkpoint's true score is at least 0.03 (a line clipped at 0 is a hockey stick).
        s = min(rng.uniform(0.08, 0.2), (THRESHOLD - 0.03) / (target - X0))
        a = THRESHOLD - s * target
        return lambda x: np.clip(a + s * x, 0.0, 1.0)
    raise ValueError(cell)


def simulate(
    curve: Curve, k: int, n: int, rng: np.random.Generator
) -> tuple[list[SeriesPoint], list[tuple[float, float, float, float]]]:
    """The series (95% intervals) and, for the naive method, (x, score, lo80, hi80)."""
    pts, naive = [], []
    for i in range(k):
        x = X0 + STEP * i
        s = int(rng.binomial(n, float(curve(np.asarray([x]))[0])))
        lo, hi = wilson_interval(s, n, 0.95)
        lo8, hi8 = wilson_interval(s, n, 0.80)
        pts.append(SeriesPoint(f"ck{i}", x, s / n, lo, hi, n))
        naive.append((x, s / n, lo8, hi8))
    return pts, naive


def naive_forecast(
    rows: list[tuple[float, float, float, float]], x_end: float
) -> tuple[str, float, float, float]:
    """(status, mid, lo, hi) from the last two points."""
    (x1, y1, l1, h1), (x2, y2, l2, h2) = rows[-2], rows[-1]
    dx = x2 - x1
    if y2 >= THRESHOLD:
        return "already_crossed", math.nan, math.nan, math.nan

    def cross(y_from: float, slope: float) -> float:
        return x2 + (THRESHOLD - y_from) / slope if slope > 0 else math.inf

    mid = cross(y2, (y2 - y1) / dx)
    early = cross(h2, (h2 - l1) / dx) if h2 < THRESHOLD else x2
    late = cross(l2, (l2 - h1) / dx)
    if early > x_end:
        return "not_within_range", math.nan, math.nan, math.nan
    return "forecast", mid, early, late


@dataclass
class Tally:
    n: int = 0
    issued: int = 0
    covered: int = 0
    no_cross: int = 0
    no_cross_right: int = 0
    errors: list[float] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    # the forecast rule "P(crossed by the next 4x) >= 0.8"
    fired: int = 0
    fired_right: int = 0
    due: int = 0
    due_caught: int = 0

    def add(
        self, status: str, mid: float, lo: float, hi: float, truth: float, x_end: float
    ) -> None:
        self.n += 1
        if status == "forecast":
            self.issued += 1
            self.covered += int(lo <= truth <= hi)
            if math.isfinite(truth) and math.isfinite(mid):
                self.errors.append(abs(mid - truth))
            if math.isfinite(hi):
                self.widths.append(hi - lo)
        elif status == "not_within_range":
            self.no_cross += 1
            self.no_cross_right += int(truth > x_end)

    def rule(self, p: float | None, crossed_by_horizon: bool) -> None:
        fired = p is not None and p >= RULE_PROBABILITY
        self.fired += int(fired)
        self.fired_right += int(fired and crossed_by_horizon)
        self.due += int(crossed_by_horizon)
        self.due_caught += int(fired and crossed_by_horizon)

    def merge(self, other: Tally) -> None:
        for name in ("n", "issued", "covered", "no_cross", "no_cross_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("fired", "fired_right", "due", "due_caught"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors
        self.widths += other.widths

    def row(self, with_rule: bool) -> list[str]:
        cov = self.covered / self.issued if self.issued else math.nan
        se = math.sqrt(cov * (1 - cov) / self.issued) if self.issued else math.nan
        mae = float(np.median(self.errors)) if self.errors else math.nan
        width = float(np.median(self.widths)) if self.widths else math.nan
        ncr = f"{self.no_cross_right}/{self.no_cross}" if self.no_cross else "-"
        rule = "-"
        if with_rule:
            rule = f"{self.fired_right}/{self.fired} right, caught {self.due_caught}/{self.due}"
        return [
            f"{self.issued / self.n:.2f}" if self.n else "-",
            f"{cov:.3f} ± {se:.3f}" if self.issued else "-",
            f"{width:.2f}" if self.widths else "-",
            f"{mae:.2f}" if self.errors else "-",
            ncr,
            rule,
        ]


CELLS = (
    "logistic",
    "flattens above t",
    "flattens below t, bend seen",
    "flattens below t, bend unseen",
    "jumps, onset seen",
    "jumps, onset unseen",
    "linear",
)
SMOOTH = ("logistic", "flattens above t", "linear")
RULE_PROBABILITY = 0.8
RULE_HORIZON = math.log10(4.0)


def run(series: int, seed: int, checkpoints: tuple[int, ...], n_items: int) -> list[list[str]]:
    rows = []
    for k in checkpoints:
        x_last = X0 + STEP * (k - 1)
        x_end = x_last + STEP * (k - 1)  # the redline default: the observed span beyond the last
        smooth = {"redline": Tally(), "naive": Tally()}
        crossing_cells = {"redline": Tally(), "naive": Tally()}
        for ci, cell in enumerate(CELLS):
            rng = np.random.default_rng([seed, k, ci])
            ours, naive = Tally(), Tally()
            for _ in range(series):
                curve = make_curve(cell, rng, x_last)
                truth = _crossing(curve, x_last, x_last + 10.0)
                pts, nrows = simulate(curve, k, n_items, rng)
                trend = fit_trend(pts)
                c = trend.crossing(THRESHOLD, level=LEVEL)
                ours.add(
                    c.status,
                    c.x_mid if c.x_mid is not None else math.nan,
                    c.x_lo if c.x_lo is not None else math.nan,
                    c.x_hi if c.x_hi is not None else math.nan,
                    truth,
                    x_end,
                )
                ours.rule(
                    trend.probability(THRESHOLD, x_last + RULE_HORIZON),
                    truth <= x_last + RULE_HORIZON,
                )
                naive.add(*naive_forecast(nrows, x_end), truth, x_end)
            rows.append([str(k), cell, "redline", *ours.row(True)])
            rows.append([str(k), cell, "naive", *naive.row(False)])
            if cell in SMOOTH:
                smooth["redline"].merge(ours)
                smooth["naive"].merge(naive)
            if "below" not in cell:
                crossing_cells["redline"].merge(ours)
                crossing_cells["naive"].merge(naive)
        for label, tallies in (("smooth curves", smooth), ("all crossing curves", crossing_cells)):
            for method, tally in tallies.items():
                rows.append([str(k), f"**{label}**", method, *tally.row(method == "redline")])
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--series", type=int, default=400, help="simulated series per cell")
    ap.add_argument("--seed", type=int, default=20261208)
    ap.add_argument("--items", type=int, default=200, help="items per checkpoint (binomial n)")
    ap.add_argument("--checkpoints", type=int, nargs="+", default=[3, 5, 8])
    args = ap.parse_args()
    t0 = time.perf_counter()
    rows = run(args.series, args.seed, tuple(args.checkpoints), args.items)
    head = [
        "checkpoints",
        "curve",
        "method",
        "issued",
        "coverage (80%)",
        "median width",
        "MAE",
        "no-cross right",
        "rule: P(cross by 4x) >= 0.8",
    ]
    print(
        f"{args.series} series per cell, {args.items} items per checkpoint, "
        f"threshold {THRESHOLD}, seed {args.seed}"
    )
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print(f"\n{time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
