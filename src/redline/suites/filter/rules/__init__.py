"""The filter's rules, one module per category; :data:`REQUEST_RULES` keeps their order.

The order matters: a category fires once at most, on the first of its rules that matches,
and matches are reported in rule order.
"""

from __future__ import annotations

from redline.suites.filter.rules import (
    break_in,
    cheating,
    covert,
    deception,
    forgery,
    fraud,
    harassment,
    impersonation,
    output,
    prank,
    privacy,
)
from redline.suites.filter.vocab import FilterRule

__all__ = ["OUTPUT_RULES", "REQUEST_RULES"]

REQUEST_RULES: tuple[FilterRule, ...] = (
    *forgery.RULES,
    *deception.RULES,
    *harassment.RULES,
    *privacy.RULES,
    *fraud.RULES,
    *cheating.RULES,
    *break_in.RULES,
    *prank.RULES,
    *impersonation.RULES,
    *covert.RULES,
)
"""The request rules, in the order they are tried (see :mod:`redline.suites.filter.vocab`)."""

OUTPUT_RULES: tuple[FilterRule, ...] = output.RULES
"""The output rules: artefacts of the same harms in what the model wrote."""
