"""Decide: levels per domain, safeguards, a verdict per action and the reasons, as a pure
function ``decide(framework, inputs) -> Decision``; reassessment triggers; self-tests.

Layer: above ``framework``; may import only ``framework``. No files beyond the small
input loaders in ``inputs``, no database, no evaluation runner.
"""
