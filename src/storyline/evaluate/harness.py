"""What every evaluation harness shares: where the datasets are, and its command line."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

DEFAULT_DATASETS = Path("..") / "shared" / "datasets"


def datasets_dir(given: str | Path | None = None) -> Path:
    """The datasets folder: ``given``, else ``$STORYLINE_DATASETS``, else ``../shared/datasets``."""
    return Path(given or os.environ.get("STORYLINE_DATASETS") or DEFAULT_DATASETS)


def harness_main(
    run: Callable[[Path], Mapping[str, Any]],
    markdown: Callable[[Mapping[str, Any]], str],
    argv: Sequence[str] | None = None,
    *,
    missing: tuple[type[Exception], ...] = (FileNotFoundError,),
) -> int:
    """Run a harness on the datasets folder given as the only argument and print its tables.

    Returns 0, or 2 with one line on standard error when ``run`` raises one of ``missing``
    (no data, no optional dependency, no model).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = run(datasets_dir(args[0] if args else None))
    except missing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(markdown(result))
    return 0
