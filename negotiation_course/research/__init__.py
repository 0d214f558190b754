"""Researchers' tools: rerun the analyses in ``notebooks/`` and fetch official microdata."""
