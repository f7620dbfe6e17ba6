"""Framework as code: the schema (pydantic), located loading, semantic validation, the
JSON Schema, and the commitments I-VIII check.

Layer: the bottom; imports nothing else from redline and knows nothing of
Inspect, databases or the web (contracts in ``.importlinter``).
"""
