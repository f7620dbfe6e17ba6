"""The demo input/output filter: documented rules over requests and replies, and the
:func:`io_filter` solver that applies them (see ``docs/suites.md`` for its measured
behaviour and gaps).

Layout: :mod:`~redline.suites.filter.vocab` (the rule type, labels and shared vocabulary),
:mod:`~redline.suites.filter.rules` (one module per category), and
:mod:`~redline.suites.filter.screen` (matching, and the solver).
"""

from redline.suites.filter.rules import OUTPUT_RULES, REQUEST_RULES
from redline.suites.filter.screen import (
    DEFAULT_REFUSAL,
    FilterMatch,
    io_filter,
    screen_output,
    screen_request,
)
from redline.suites.filter.vocab import ABOUT_NOT_FOR, CATEGORY_LABELS, FilterRule

__all__ = [
    "ABOUT_NOT_FOR",
    "CATEGORY_LABELS",
    "DEFAULT_REFUSAL",
    "OUTPUT_RULES",
    "REQUEST_RULES",
    "FilterMatch",
    "FilterRule",
    "io_filter",
    "screen_output",
    "screen_request",
]
