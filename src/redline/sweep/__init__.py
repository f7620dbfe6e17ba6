"""Sweeps: one framework assessed over a grid of models and checkpoints.

A sweep only describes the work (``cell.plan_cells``: one cell per model and
checkpoint) and hands it to an engine that already runs work (``engines``): Inspect
eval sets in this process (``local``) or a Ray cluster (``ray``, one Ray task per cell).
Every cell is an ordinary assessment, recorded in the ledger under a deterministic
assessment id (its idempotency key), so a retried or repeated cell never adds a second
entry. ``grid`` loads the models file; ``commands`` is ``redline sweep``. See
docs/scale.md.

Layer: above ``ledger`` (it records), below ``publish``.
"""
