"""Entities: mentions from the parse, corrected, and canonical entities across the corpus."""
