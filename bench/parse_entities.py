"""Language-layer throughput: bare ``nlp.pipe`` against parse + entities, same texts, same run.

Run from the repository root::

    .venv/bin/python -m bench.parse_entities              # 1,000 Reuters stories, 3 rounds
    .venv/bin/python -m bench.parse_entities --docs 200 --rounds 1

Both cases get the same Reuters-21578 bodies, the same loaded pipeline and the same
batch size, and run alternately (``bare``, ``storyline``, ``bare``, ...) so a busy
neighbour on a shared machine slows both alike; each case's best round counts.

* ``bare``: ``list(nlp.pipe(texts, batch_size=...))``: the least any spaCy user does;
* ``storyline``: :func:`storyline.nlp.parse.parse_texts` (the same ``nlp.pipe``),
  each parse serialised to the bytes the store caches
  (:func:`~storyline.nlp.parse.doc_to_bytes`), the corrected mentions of every
  document (:func:`~storyline.entities.mentions.mentions_for`) and the corpus's
  canonical entities (:func:`~storyline.entities.canonical.canonical_entities`).

A third, untimed-against-target case, ``cached``, loads the stored bytes back and
redoes mentions and entities: what a later run costs once every parse is cached.
The ratio ``storyline / bare`` (CPU seconds, and wall seconds) is the target
(<= 1.3). Results: a Markdown table, and ``bench/results/parse_entities.json``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from bench.common import dataset, machine_info, markdown_table, write_results
from bench.ingest_throughput import load_stories
from storyline.entities.canonical import canonical_entities
from storyline.entities.mentions import mentions_for
from storyline.model import Document
from storyline.nlp.model import NlpConfig, load_nlp
from storyline.nlp.parse import doc_from_bytes, doc_to_bytes, parse_texts

TARGET_RATIO = 1.3


def load_documents(n: int) -> list[Document]:
    """The first ``n`` Reuters stories with a body, as documents (id = NEWID)."""
    stories = load_stories(dataset("reuters21578"), limit=n)
    return [Document(id=f"r{s.newid}", source=f"reuters:{s.newid}", text=s.body) for s in stories]


def timed(fn: Callable[[], Any]) -> tuple[dict[str, float], Any]:
    """Run ``fn`` once: ``({"wall_s", "cpu_s"}, its result)``."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}, out


def bare(nlp: Any, texts: Sequence[str], batch_size: int) -> int:
    return len(list(nlp.pipe(texts, batch_size=batch_size)))


def storyline_case(
    nlp: Any, docs: Sequence[Document], batch_size: int, parts: dict[str, float]
) -> tuple[list[bytes], int]:
    """Parse, serialise, mentions, entities; accumulates per-part CPU seconds in ``parts``."""
    blobs, mentions = [], []
    clock = time.process_time
    parsed = parse_texts((d.text for d in docs), nlp, batch_size=batch_size)
    t = clock()
    for d in docs:
        doc = next(parsed)  # parsing happens lazily here, one batch at a time
        t1 = clock()
        parts["parse"] += t1 - t
        blobs.append(doc_to_bytes(doc))
        t2 = clock()
        parts["serialise"] += t2 - t1
        mentions.extend(mentions_for(d, doc))
        t = clock()
        parts["mentions"] += t - t2
    entities = canonical_entities(mentions)
    parts["canonical"] += clock() - t
    return blobs, len(entities)


def cached_case(nlp: Any, docs: Sequence[Document], blobs: Sequence[bytes]) -> int:
    mentions = []
    for d, blob in zip(docs, blobs, strict=True):
        mentions.extend(mentions_for(d, doc_from_bytes(blob, nlp.vocab)))
    return len(canonical_entities(mentions))


def run(n_docs: int, rounds: int, batch_size: int) -> dict[str, Any]:
    """Time the cases; return the rounds, the best of each case and the ratios."""
    docs = load_documents(n_docs)
    texts = [d.text for d in docs]
    nlp = load_nlp(NlpConfig(batch_size=batch_size))
    list(nlp.pipe(texts[:20]))  # warm-up: first-call allocations out of the timings
    results: dict[str, list[dict[str, float]]] = {"bare": [], "storyline": [], "cached": []}
    parts_best: dict[str, float] = {}
    blobs: list[bytes] = []
    entities = 0
    for _ in range(rounds):
        t, _n = timed(lambda: bare(nlp, texts, batch_size))
        results["bare"].append(t)
        parts = dict.fromkeys(("parse", "serialise", "mentions", "canonical"), 0.0)
        t, (blobs, entities) = timed(partial(storyline_case, nlp, docs, batch_size, parts))
        results["storyline"].append(t | {f"{k}_cpu_s": v for k, v in parts.items()})
        if not parts_best or t["cpu_s"] <= min(r["cpu_s"] for r in results["storyline"]):
            parts_best = parts
    t, _n = timed(lambda: cached_case(nlp, docs, blobs))
    results["cached"].append(t)
    best = {case: min(rs, key=lambda r: r["cpu_s"]) for case, rs in results.items()}
    words = sum(len(t.split()) for t in texts)
    return {
        "machine": machine_info(),
        "model": nlp.meta.get("name"),
        "model_version": nlp.meta.get("version"),
        "docs": len(docs),
        "words": words,
        "batch_size": batch_size,
        "rounds": results,
        "best": best,
        "parts_cpu_s": parts_best,
        "entities": entities,
        "cache_bytes": sum(len(b) for b in blobs),
        "ratio_cpu": best["storyline"]["cpu_s"] / best["bare"]["cpu_s"],
        "ratio_wall": best["storyline"]["wall_s"] / best["bare"]["wall_s"],
        "target": TARGET_RATIO,
    }


def render(r: dict[str, Any]) -> str:
    """Markdown: one row per case, then the storyline case's parts."""
    rows = []
    for case in ("bare", "storyline", "cached"):
        b = r["best"][case]
        rows.append(
            [
                case,
                f"{b['wall_s']:.2f}",
                f"{b['cpu_s']:.2f}",
                f"{r['words'] / b['wall_s']:,.0f}",
                f"{b['cpu_s'] / r['best']['bare']['cpu_s']:.3f}",
            ]
        )
    table = markdown_table(["case", "wall s", "CPU s", "words/s (wall)", "x bare (CPU)"], rows)
    parts = markdown_table(
        ["part of storyline", "CPU s"], [[k, f"{v:.2f}"] for k, v in r["parts_cpu_s"].items()]
    )
    summary = (
        f"{r['docs']} documents, {r['words']:,} words, batch size {r['batch_size']}, "
        f"{r['model']} {r['model_version']}; {r['entities']} entities; parse cache "
        f"{r['cache_bytes'] / 2**20:.1f} MiB. Ratio storyline / bare: CPU "
        f"{r['ratio_cpu']:.3f}, wall {r['ratio_wall']:.3f} (target <= {r['target']})."
    )
    return f"{summary}\n\n{table}\n\n{parts}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=NlpConfig().batch_size)
    args = parser.parse_args(argv)
    result = run(args.docs, args.rounds, args.batch_size)
    path = write_results("parse_entities", result)
    print(render(result))
    print(f"\n(full results: {path})")


if __name__ == "__main__":
    main()
