"""Bundled evaluation suites: benign proxy data and the Inspect tasks that run it.

The tasks are registered with Inspect as ``redline/<name>`` through the package's
``inspect_ai`` entry point (:mod:`redline._registry`); see ``docs/suites.md`` for what each
suite measures and how it is scored.

Layer: the bottom, beside ``framework``; imports neither ``framework`` nor anything above.
"""

from redline.suites.filter import io_filter, screen_output, screen_request
from redline.suites.scorers import (
    classify_refusal,
    letter_probabilities,
    mc_scorer,
    parse_choice,
    refusal_rate,
    refusal_scorer,
)
from redline.suites.solvers import mc_answer
from redline.suites.tasks import (
    DATA_DIR,
    MC_SUITES,
    MITIGATIONS,
    REFUSAL_SUITES,
    SuiteDataError,
    benign_lookalikes,
    bio_proxy,
    chem_proxy,
    cyber_proxy,
    harmful_requests,
    mlre_proxy,
)

__all__ = [
    "DATA_DIR",
    "MC_SUITES",
    "MITIGATIONS",
    "REFUSAL_SUITES",
    "SuiteDataError",
    "benign_lookalikes",
    "bio_proxy",
    "chem_proxy",
    "classify_refusal",
    "cyber_proxy",
    "harmful_requests",
    "io_filter",
    "letter_probabilities",
    "mc_answer",
    "mc_scorer",
    "mlre_proxy",
    "parse_choice",
    "refusal_rate",
    "refusal_scorer",
    "screen_output",
    "screen_request",
]
