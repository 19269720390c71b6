"""Language layer: time expressions and other per-sentence analysis of document text."""
