"""One line about a model-assisted run, for the terminal table and the report."""

from __future__ import annotations

from redline.measure.results import StrategyRun


def assisted_note(run: StrategyRun) -> str | None:
    """``None`` for a plain run; else which predictions were used and what they saved.

    The saving is against a projection (the plain CS simulated on a pool at this run's
    estimate), which the note says; it names the predictions by digest, not by path.
    """
    p = run.predictions
    if p is None:
        return None
    corr = "n/a" if p.correlation is None else f"{p.correlation:.2f}"
    parts = [
        f"with predictions {p.predictions_sha256[:12]} ({p.kind}, correlation {corr}"
        + (", active order" if p.active_order else "")
        + ")"
    ]
    if p.projected_unassisted_samples is not None:
        saved = p.projected_unassisted_samples - run.samples_used
        parts.append(
            f"plain CS projected {p.projected_unassisted_samples} samples: "
            + (f"{saved} saved" if saved > 0 else "none saved")
        )
    return "; ".join(parts)
