"""Readers, cleaning, post splitting and metadata: inputs to documents."""
