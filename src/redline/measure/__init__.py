"""Measure: run a framework's evaluations through Inspect (task resolution, the embedded
GGUF provider, eval sets with resume), and turn logs into results with intervals
(fixed-sample and sequential statistics, early stopping).

Layer: above ``decide``/``registry``; may import ``framework``, ``suites``, ``decide``.
Never the ledger, publishing or the portal.
"""
