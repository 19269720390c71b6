"""Quotes: direct and indirect, with the canonical speaker."""
