"""Data files for the ingest stages (rules, gazetteers)."""
