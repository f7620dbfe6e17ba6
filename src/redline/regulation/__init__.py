"""Regulation: the regimes a framework answers to (California SB 53, the EU GPAI Code of
Practice's Safety and Security chapter, New York's RAISE Act), each requirement with
its citation, and the check of one framework against one regime.

Layer: above ``framework`` and ``registry`` (it reads encoded frameworks for the
conformance matrix), below ``measure``. Pure: no database, no web framework.
"""

from redline.regulation.conform import Conformance, RequirementResult, Status, conform
from redline.regulation.load import REGIME_IDS, load_regime, load_regime_file, regimes

__all__ = [
    "REGIME_IDS",
    "Conformance",
    "RequirementResult",
    "Status",
    "conform",
    "load_regime",
    "load_regime_file",
    "regimes",
]
