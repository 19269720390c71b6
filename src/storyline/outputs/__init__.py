"""Outputs: exports of a store (JSON, JSONL, CSV, Parquet) and their JSON Schema."""

from __future__ import annotations

from storyline.outputs.export import FORMATS, export, export_data, load_schema, validate_export

__all__ = ["FORMATS", "export", "export_data", "load_schema", "validate_export"]
