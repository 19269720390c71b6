"""Corpus-level stages: duplicates, syndication, stories."""
