"""View models of a series' fitted trend and forecast crossings (drawn on trend charts)."""

from __future__ import annotations

from pydantic import Field

from redline.publish.views.common import View


class BandPoint(View):
    """One x of the prediction band (x in the chart's units: log10 FLOP or POSIX seconds)."""

    x: float
    lower: float
    mid: float
    upper: float


class CrossingView(View):
    """Where a threshold is forecast to be crossed, or why there is no forecast."""

    level: str
    name: str
    kind: str
    threshold: float
    status: str = Field(description="forecast, already_crossed, not_within_range, ...")
    x_lo: float | None = None
    x_mid: float | None = Field(default=None, description="None with a forecast: open-ended.")
    x_hi: float | None = Field(default=None, description="None with a forecast: open-ended.")
    words: str


class TrendForecast(View):
    model: str = Field(description="logistic, linear or none.")
    status: str = Field(description="fitted, no_trend or insufficient.")
    reason: str
    level: float = Field(description="Level of the band and of the crossing intervals.")
    band: list[BandPoint] = Field(default_factory=list)
    crossings: list[CrossingView] = Field(default_factory=list)
