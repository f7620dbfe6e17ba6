"""Anytime-valid confidence sequences, threshold monitors and Inspect early stopping.

The public face of redline's sequential statistics; the code lives in three modules:

* ``redline.measure.confseq``: the confidence sequences themselves (``HypergeometricCS``,
  ``BettingCS``) and their shared arithmetic;
* ``redline.measure.threshold``: ``SequentialThresholdTest``, which watches a CS until each
  threshold is settled, and ``simulate_settlement``, the same arithmetic vectorised;
* ``redline.measure.early_stopping``: ``ThresholdEarlyStopping``, the Inspect integration.

``docs/statistics.md`` has the argument in prose.
"""

from __future__ import annotations

from redline.measure.confseq import (
    DEFAULT_BET_FRACTIONS,
    BettingCS,
    ConfidenceSequence,
    HypergeometricCS,
    SequentialMethod,
    Side,
    hypergeometric_log_pmf,
    log_factorials,
    make_confidence_sequence,
)
from redline.measure.early_stopping import (
    ThresholdEarlyStopping,
    cluster_schedule,
    score_to_unit,
)
from redline.measure.threshold import SequentialThresholdTest, simulate_settlement

__all__ = [
    "DEFAULT_BET_FRACTIONS",
    "BettingCS",
    "ConfidenceSequence",
    "HypergeometricCS",
    "SequentialMethod",
    "SequentialThresholdTest",
    "Side",
    "ThresholdEarlyStopping",
    "cluster_schedule",
    "hypergeometric_log_pmf",
    "log_factorials",
    "make_confidence_sequence",
    "score_to_unit",
    "simulate_settlement",
]
