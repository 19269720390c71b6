"""Helpers shared by the benchmarks: dataset paths, machine info, tables, token scores."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATASETS_ENV = "STORYLINE_DATASETS"
RESULTS_DIR = Path(__file__).resolve().parent / "results"
_WORD = re.compile(r"\w+")


class DatasetMissing(FileNotFoundError):
    """A benchmark data set is not where the benchmarks look for it."""


def datasets_root() -> Path:
    """The shared datasets folder: ``$STORYLINE_DATASETS`` or ``../shared/datasets``."""
    override = os.environ.get(DATASETS_ENV)
    if override:
        return Path(override).expanduser().resolve()
    return Path(__file__).resolve().parents[1].parent / "shared" / "datasets"


def dataset(name: str) -> Path:
    """The folder of one data set.

    Raises:
        DatasetMissing: the folder does not exist, with a hint on how to point at it.
    """
    path = datasets_root() / name
    if not path.is_dir():
        raise DatasetMissing(
            f"data set {name!r} not found at {path}; put the shared datasets beside the "
            f"checkout (../shared/datasets) or set {DATASETS_ENV} to their folder"
        )
    return path


def machine_info() -> dict[str, Any]:
    """CPU model, core count, RAM and Python version of this machine."""
    cpu = "unknown"
    ram_gib = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = round(int(line.split()[1]) / 1024**2, 1)
                break
    except OSError:
        pass  # not Linux: keep the placeholders
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": ram_gib,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "storyline": code_version(),
    }


def code_version() -> str:
    """The checkout's commit, with ``+dirty`` when files differ from it; ``unknown`` without git."""
    repo = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A GitHub Markdown table; floats are shown with 3 decimals."""

    def cell(value: Any) -> str:
        return f"{value:.3f}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def write_results(name: str, data: dict[str, Any]) -> Path:
    """Write ``bench/results/<name>.json`` (git-ignored) and return its path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


# --- token overlap scores ----------------------------------------------------


def tokens(text: str) -> Counter[str]:
    """Bag of lowercased ``\\w+`` tokens."""
    return Counter(_WORD.findall(text.lower()))


@dataclass(frozen=True, slots=True)
class Overlap:
    """Token counts behind precision and recall: shared, predicted and gold."""

    common: int
    predicted: int
    gold: int

    def __add__(self, other: Overlap) -> Overlap:
        return Overlap(
            self.common + other.common, self.predicted + other.predicted, self.gold + other.gold
        )

    @property
    def precision(self) -> float:
        """Shared / predicted; 0 when nothing was predicted."""
        return self.common / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """Shared / gold; 0 when the gold is empty."""
        return self.common / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def overlap(predicted: str, gold: str) -> Overlap:
    """Bag-of-words overlap of two texts (multiset intersection of their tokens).

    >>> o = overlap("the cat the end", "the cat sat")
    >>> (o.common, o.predicted, o.gold)
    (2, 4, 3)
    """
    p, g = tokens(predicted), tokens(gold)
    return Overlap(sum((p & g).values()), sum(p.values()), sum(g.values()))


def macro(scores: Sequence[Overlap]) -> tuple[float, float, float]:
    """Mean per-item precision, recall and F1."""
    n = len(scores) or 1
    return (
        sum(s.precision for s in scores) / n,
        sum(s.recall for s in scores) / n,
        sum(s.f1 for s in scores) / n,
    )


def micro(scores: Sequence[Overlap]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the summed token counts."""
    total = sum(scores, Overlap(0, 0, 0))
    return total.precision, total.recall, total.f1
