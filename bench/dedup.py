"""Near-duplicate detection: quality, signature throughput and scaling, on Reuters-21578.

Run from the repository root::

    .venv/bin/python -m bench.dedup                          # quality, throughput, 10k + 100k
    .venv/bin/python -m bench.dedup --only scaling --sizes 1000000

Three parts, each merged into ``bench/results/dedup.json`` (a later run of one
part keeps the others):

* ``quality``: 3,000 Reuters bodies plus 1,000 mutated copies of some of them
  (cuts, inserted sentences, added commentary, word substitutions at several
  rates, punctuation-only reposts). The truth is the exact Jaccard of every
  pair's 5-word shingle *strings*, computed by brute force with an inverted
  index (independent of the code under test). ``near_duplicates`` is scored at
  thresholds 0.5/0.7/0.8/0.9, verified both ways: exact shingle Jaccard (texts
  given) and estimated Jaccard (signatures only).
* ``throughput``: the same 10,000 stories through storyline ``signatures`` and
  datasketch ``MinHash(num_perm=128)`` + ``update_batch`` in this process:
  signatures from ready shingles, and end to end from raw text (tokenising and
  shingling included). Best of ``--repeat`` interleaved rounds.
* ``scaling``: synthetic corpora made by mutating Reuters stories, generated
  chunk by chunk (only the signature array is kept), full dedup (signatures,
  LSH candidates, estimated-Jaccard verification) timed per size, each size in a
  fresh child process so its peak RSS is its own. Recall is measured on the
  planted (base, copy) pairs whose exact Jaccard is >= 0.8, computed while
  generating (texts are not kept, so there is no brute force at this scale).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import RESULTS_DIR, dataset, machine_info, markdown_table, write_results
from bench.ingest_throughput import load_stories
from storyline.corpus.lsh import (
    candidate_pairs,
    lsh_params,
    near_duplicates,
)
from storyline.corpus.minhash import (
    MinHashParams,
    normalize,
    shingle_hashes,
    signatures,
    signatures_from_shingles,
)

RESULT_NAME = "dedup"
THRESHOLDS = (0.5, 0.7, 0.8, 0.9)
DEFAULT_THRESHOLD = 0.8
SHINGLE = 5
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_FILLER = (
    "Read more: full coverage on our site.",
    "Our view: markets will not like this one bit.",
    "Analysts we spoke to were divided on what comes next.",
    "Share this story with your friends.",
    "This story was first published by a wire service.",
)


# --- corpus material ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Material:
    """Reuters bodies and their sentences, the stuff every synthetic text is made of."""

    bodies: tuple[str, ...]
    sentences: tuple[str, ...]
    vocabulary: tuple[str, ...]


def split_sentences(text: str) -> list[str]:
    """Sentences of a body (on ``.!?`` followed by whitespace), newlines folded."""
    return [s for s in _SENTENCE_END.split(" ".join(text.split())) if s]


def load_material(limit: int | None = None) -> Material:
    """Reuters bodies (the first ``limit``), their sentences and their word vocabulary."""
    bodies = tuple(s.body for s in load_stories(dataset("reuters21578"), limit=limit))
    sentences = tuple(s for b in bodies for s in split_sentences(b) if len(s.split()) >= 4)
    vocabulary = tuple(sorted({w for b in bodies[:2000] for w in b.split() if w.isalpha()}))
    return Material(bodies, sentences, vocabulary)


# --- mutations (each a pure function of its inputs and rng) --------------------------------


def cut(text: str, rng: random.Random) -> str:
    """Keep 70-95% of the sentences, from the start (a trimmed repost)."""
    sents = split_sentences(text)
    keep = max(1, round(len(sents) * rng.uniform(0.7, 0.95)))
    return " ".join(sents[:keep])


def insert(text: str, rng: random.Random, material: Material) -> str:
    """Insert one or two sentences from other stories at random places."""
    sents = split_sentences(text)
    for _ in range(rng.randint(1, 2)):
        sents.insert(rng.randint(0, len(sents)), rng.choice(material.sentences))
    return " ".join(sents)


def commentary(text: str, rng: random.Random, material: Material) -> str:
    """A repost with a byline, a comment paragraph and a footer added."""
    comment = " ".join(rng.choice(material.sentences) for _ in range(rng.randint(1, 2)))
    return f"Posted by desk editor.\n\n{text}\n\n{comment} {rng.choice(_FILLER)}"


def substitute(text: str, rng: random.Random, material: Material, rate: float) -> str:
    """Replace each word with a random vocabulary word with probability ``rate``."""
    words = text.split()
    return " ".join(rng.choice(material.vocabulary) if rng.random() < rate else w for w in words)


def punctuation(text: str, rng: random.Random) -> str:
    """The same words with curly quotes, dashes and upper case: a typographic repost."""
    out = text.replace('"', "\u201c").replace(" - ", " \u2014 ").replace("'", "\u2019")
    return out.upper() if rng.random() < 0.3 else out


MUTATIONS = ("cut", "insert", "commentary", "sub02", "sub05", "sub10", "sub20", "punct", "exact")


def mutate(text: str, kind: str, rng: random.Random, material: Material) -> str:
    """Apply one named mutation."""
    if kind == "cut":
        return cut(text, rng)
    if kind == "insert":
        return insert(text, rng, material)
    if kind == "commentary":
        return commentary(text, rng, material)
    if kind.startswith("sub"):
        return substitute(text, rng, material, int(kind[3:]) / 100)
    if kind == "punct":
        return punctuation(text, rng)
    if kind == "exact":
        return text
    raise ValueError(f"unknown mutation {kind!r}; use one of {', '.join(MUTATIONS)}")


# --- exact Jaccard by brute force ------------------------------------------------------


def shingle_strings(text: str) -> set[str]:
    """5-word shingles as strings (one shingle of all words for a short text)."""
    tokens = normalize(text)
    if len(tokens) < SHINGLE:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}


def exact_jaccard(a: set[str], b: set[str]) -> float:
    """Jaccard of two string sets; 0 when either is empty."""
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def brute_force_pairs(texts: Sequence[str], min_jaccard: float) -> dict[tuple[int, int], float]:
    """Every pair with exact shingle Jaccard >= ``min_jaccard``, via an inverted index.

    Each shingle's posting list gives all its document pairs; counting a pair's
    occurrences gives its intersection size. Pairs sharing nothing are never
    generated, which is what makes all ~8M pairs of 4,000 documents cheap.
    """
    vocab: dict[str, int] = {}
    docs, shingles, sizes = [], [], []
    for i, text in enumerate(texts):
        ids = [vocab.setdefault(s, len(vocab)) for s in shingle_strings(text)]
        docs += [i] * len(ids)
        shingles += ids
        sizes.append(len(ids))
    doc_arr, sh_arr = np.array(docs, np.int64), np.array(shingles, np.int64)
    order = np.lexsort((doc_arr, sh_arr))
    doc_arr, sh_arr = doc_arr[order], sh_arr[order]
    starts = np.flatnonzero(np.concatenate([[True], sh_arr[1:] != sh_arr[:-1]]))
    lengths = np.diff(np.append(starts, len(sh_arr)))
    n = len(texts)
    codes = []
    for length in sorted(set(lengths[lengths >= 2].tolist())):
        group = doc_arr[starts[lengths == length][:, None] + np.arange(length)]
        iu, ju = np.triu_indices(length, 1)
        codes.append(group[:, iu].ravel() * n + group[:, ju].ravel())
    if not codes:
        return {}
    # Sort and count runs: np.unique on integers is very slow in numpy 2.4.
    code = np.sort(np.concatenate(codes))
    firsts = np.flatnonzero(np.concatenate([[True], code[1:] != code[:-1]]))
    inter = np.diff(np.append(firsts, len(code)))
    code = code[firsts]
    i, j = code // n, code % n
    size = np.array(sizes, np.int64)
    jac = inter / (size[i] + size[j] - inter)
    keep = jac >= min_jaccard
    return {(int(a), int(b)): float(s) for a, b, s in zip(i[keep], j[keep], jac[keep], strict=True)}


# --- part 1: quality -------------------------------------------------------------------


def quality_corpus(material: Material, docs: int, mutants: int, seed: int) -> list[str]:
    """``docs`` Reuters bodies, then ``mutants`` mutated copies of random ones among them."""
    rng = random.Random(seed)
    texts = list(material.bodies[:docs])
    for k in range(mutants):
        source = texts[rng.randrange(docs)]
        texts.append(mutate(source, MUTATIONS[k % len(MUTATIONS)], rng, material))
    return texts


def score(found: set[tuple[int, int]], truth: set[tuple[int, int]]) -> dict[str, float]:
    """Precision and recall of found pairs against true pairs."""
    hit = len(found & truth)
    return {
        "found": len(found),
        "true": len(truth),
        "precision": hit / len(found) if found else 1.0,
        "recall": hit / len(truth) if truth else 1.0,
    }


def run_quality(material: Material, docs: int, mutants: int, seed: int) -> dict[str, Any]:
    """Brute force vs ``near_duplicates`` at several thresholds, both verifications."""
    texts = quality_corpus(material, docs, mutants, seed)
    t0 = time.perf_counter()
    truth = brute_force_pairs(texts, min(THRESHOLDS))
    brute_s = time.perf_counter() - t0
    params = MinHashParams()
    sigs = signatures(texts, params)
    rows = []
    for threshold in THRESHOLDS:
        true_pairs = {p for p, s in truth.items() if s >= threshold}
        bands, band_rows = lsh_params(threshold, params.num_perm, min_recall=0.95)
        t0 = time.perf_counter()
        exact = near_duplicates(texts, params=params, threshold=threshold)
        exact_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        est = near_duplicates(sigs=sigs, params=params, threshold=threshold)
        est_s = time.perf_counter() - t0
        cands = candidate_pairs(sigs, bands, band_rows)
        rows.append(
            {
                "threshold": threshold,
                "bands": bands,
                "rows": band_rows,
                "candidates": len(cands),
                "candidate_recall": score({tuple(p) for p in cands.tolist()}, true_pairs)["recall"],
                "exact": score({(i, j) for i, j, _ in exact}, true_pairs) | {"seconds": exact_s},
                "estimated": score({(i, j) for i, j, _ in est}, true_pairs) | {"seconds": est_s},
            }
        )
    return {
        "docs": len(texts),
        "reuters": docs,
        "mutants": mutants,
        "all_pairs": len(texts) * (len(texts) - 1) // 2,
        "brute_force_seconds": brute_s,
        "thresholds": rows,
    }


# --- part 2: throughput ------------------------------------------------------------------


def best_times(repeat: int, jobs: dict[str, Callable[[], object]]) -> dict[str, dict[str, float]]:
    """Fastest wall and CPU time of each job over ``repeat`` rounds.

    The jobs run interleaved (one of each per round), so a burst of load from
    other processes hits every case alike instead of skewing the ratios. CPU
    time (``time.process_time``) is reported beside wall time because it is far
    less disturbed by other processes on a shared machine.
    """
    best = {name: {"wall": float("inf"), "cpu": float("inf")} for name in jobs}
    for _ in range(repeat):
        for name, job in jobs.items():
            gc.collect()  # the previous job's garbage is not this job's cost
            w0, c0 = time.perf_counter(), time.process_time()
            job()
            wall, cpu = time.perf_counter() - w0, time.process_time() - c0
            best[name] = {"wall": min(best[name]["wall"], wall), "cpu": min(best[name]["cpu"], cpu)}
    return best


def datasketch_signatures(
    shingle_sets: Sequence[Sequence[Any]], scheme: str, hashfunc: Callable[[Any], int] | None
) -> list[Any]:
    """One datasketch MinHash per document, filled with ``update_batch``."""
    from datasketch import MinHash

    out = []
    for shingles in shingle_sets:
        m = MinHash(num_perm=128, seed=1, scheme=scheme, hashfunc=hashfunc)
        m.update_batch(shingles)
        out.append(m)
    return out


def identity(value: int) -> int:
    """A datasketch hash function for values that are already hashes."""
    return value


def datasketch_end_to_end(texts: Sequence[str], scheme: str) -> list[Any]:
    """Text to datasketch MinHash: the same tokens and shingles, as UTF-8 bytes."""
    return datasketch_signatures(
        [[s.encode("utf-8") for s in shingle_strings(t)] for t in texts], scheme, None
    )


def run_throughput(material: Material, docs: int, repeat: int) -> dict[str, Any]:
    """Docs/s of storyline and datasketch on the same documents and shingles."""
    texts = list(material.bodies[:docs])
    params = MinHashParams()
    sets = [shingle_hashes(normalize(t), params) for t in texts]
    string_sets = [[s.encode("utf-8") for s in shingle_strings(t)] for t in texts]
    int_sets = [s.tolist() for s in sets]
    timings = best_times(
        repeat,
        {
            "storyline_from_shingles": lambda: signatures_from_shingles(sets, params),
            "storyline_end_to_end": lambda: signatures(texts, params),
            "datasketch_affine32_from_shingle_bytes": lambda: datasketch_signatures(
                string_sets, "affine32", None
            ),
            "datasketch_affine32_from_hashes": lambda: datasketch_signatures(
                int_sets, "affine32", identity
            ),
            "datasketch_legacy_from_shingle_bytes": lambda: datasketch_signatures(
                string_sets, "legacy", None
            ),
            "datasketch_affine32_end_to_end": lambda: datasketch_end_to_end(texts, "affine32"),
        },
    )
    shingles = sum(len(s) for s in sets)
    rates = {
        clock: {name: docs / t[clock] for name, t in timings.items()} for clock in ("wall", "cpu")
    }

    def ratios(r: dict[str, float]) -> dict[str, float]:
        ours = r["storyline_from_shingles"]
        return {
            "from_shingles_vs_datasketch_bytes": ours / r["datasketch_affine32_from_shingle_bytes"],
            "from_shingles_vs_datasketch_hashes": ours / r["datasketch_affine32_from_hashes"],
            "from_shingles_vs_datasketch_legacy": ours / r["datasketch_legacy_from_shingle_bytes"],
            "end_to_end": r["storyline_end_to_end"] / r["datasketch_affine32_end_to_end"],
        }

    return {
        "docs": docs,
        "shingles": shingles,
        "repeat": repeat,
        "seconds": timings,
        "docs_per_s": rates,
        "ratios": {clock: ratios(r) for clock, r in rates.items()},
    }


# --- part 3: scaling ---------------------------------------------------------------------


def base_story(rng: random.Random, material: Material) -> str:
    """A new story: a Reuters body with about half its sentences swapped for others."""
    sents = split_sentences(rng.choice(material.bodies))
    return " ".join(rng.choice(material.sentences) if rng.random() < 0.5 else s for s in sents)


SCALE_MUTATIONS = ("exact", "punct", "cut", "insert", "commentary", "sub02", "sub05", "sub10")


def generate_chunk(
    material: Material, chunk: int, size: int, seed: int
) -> tuple[list[str], list[tuple[int, int]]]:
    """One chunk of the synthetic corpus: families of a base story and its copies.

    Returns:
        The texts and the planted ``(base, copy)`` pairs, as positions in the chunk.
        Deterministic in ``(seed, chunk)``.
    """
    rng = random.Random(f"{seed}:{chunk}")
    texts: list[str] = []
    planted: list[tuple[int, int]] = []
    while len(texts) < size:
        base = len(texts)
        texts.append(base_story(rng, material))
        copies = min(int(rng.expovariate(1.0)), size - len(texts))  # mean about 0.6
        for _ in range(copies):
            planted.append((base, len(texts)))
            kind = rng.choice(SCALE_MUTATIONS)
            texts.append(mutate(texts[base], kind, rng, material))
    return texts, planted


def rss_mib(field: str = "VmHWM") -> float:
    """Peak (``VmHWM``) or current (``VmRSS``) resident set size of this process, in MiB.

    Read from ``/proc/self/status`` where there is one: unlike ``ru_maxrss``, the
    peak starts afresh at ``exec``, so a child does not inherit its parent's.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_scale(material: Material, size: int, chunk_size: int, seed: int) -> dict[str, Any]:
    """Generate ``size`` documents chunk by chunk, then dedup from signatures alone."""
    start_rss = rss_mib("VmRSS")  # interpreter, numpy and the Reuters material
    params = MinHashParams()
    sigs = np.empty((size, params.num_perm), np.uint32)
    truth_codes: list[np.ndarray] = []
    gen_s = truth_s = sig_s = sig_cpu = 0.0
    for chunk, lo in enumerate(range(0, size, chunk_size)):
        t0 = time.perf_counter()
        texts, planted = generate_chunk(material, chunk, min(chunk_size, size - lo), seed)
        t1, c1 = time.perf_counter(), time.process_time()
        sigs[lo : lo + len(texts)] = signatures(texts, params)
        t2, sig_cpu = time.perf_counter(), sig_cpu + time.process_time() - c1
        shingles = {i: shingle_strings(texts[i]) for pair in planted for i in pair}
        true = [
            (lo + a) * size + lo + b
            for a, b in planted
            if exact_jaccard(shingles[a], shingles[b]) >= DEFAULT_THRESHOLD
        ]
        truth_codes.append(np.array(true, np.int64))
        t3 = time.perf_counter()
        gen_s, sig_s, truth_s = gen_s + t1 - t0, sig_s + t2 - t1, truth_s + t3 - t2
        del texts, shingles
    bands, rows = lsh_params(DEFAULT_THRESHOLD, params.num_perm, min_recall=0.95)
    t0 = time.perf_counter()
    cands = candidate_pairs(sigs, bands, rows)
    lsh_s = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    pairs = near_duplicates(sigs=sigs, params=params, threshold=DEFAULT_THRESHOLD)
    nd_s, nd_cpu = time.perf_counter() - t0, time.process_time() - c0
    found = np.array([i * size + j for i, j, _ in pairs], np.int64)
    cand_codes = cands[:, 0] * size + cands[:, 1]
    truth = np.concatenate(truth_codes)
    return {
        "docs": size,
        "chunk": chunk_size,
        "bands": bands,
        "rows": rows,
        "candidates": len(cands),
        "pairs": len(pairs),
        "planted_true_pairs": len(truth),
        "planted_recall": float(np.isin(truth, found).mean()) if len(truth) else 1.0,
        "planted_candidate_recall": (
            float(np.isin(truth, cand_codes).mean()) if len(truth) else 1.0
        ),
        "seconds": {
            "generate": gen_s,
            "truth": truth_s,
            "signatures": sig_s,
            "lsh": lsh_s,
            "lsh_and_verify": nd_s,
            "dedup_total": sig_s + nd_s,
        },
        "cpu_seconds": {
            "signatures": sig_cpu,
            "lsh_and_verify": nd_cpu,
            "dedup_total": sig_cpu + nd_cpu,
        },
        "peak_rss_mib": rss_mib(),
        "start_rss_mib": start_rss,
        "signature_mib": sigs.nbytes / 2**20,
    }


def spawn_scale(size: int, chunk_size: int, seed: int) -> dict[str, Any]:
    """``run_scale`` in a fresh interpreter, so each size has its own peak RSS."""
    cmd = [sys.executable, "-m", "bench.dedup", "--case-scale", str(size)]
    cmd += ["--chunk", str(chunk_size), "--seed", str(seed)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- reporting -------------------------------------------------------------------------


def render(results: dict[str, Any]) -> str:
    """Markdown tables of whatever parts ``results`` holds."""
    parts = []
    if "quality" in results:
        q = results["quality"]
        rows = [
            [
                r["threshold"],
                f"{r['bands']}x{r['rows']}",
                r["exact"]["true"],
                r["candidates"],
                r["exact"]["recall"],
                r["exact"]["precision"],
                r["estimated"]["recall"],
                r["estimated"]["precision"],
            ]
            for r in q["thresholds"]
        ]
        parts.append(
            f"Quality ({q['docs']} docs, {q['all_pairs']:,} pairs brute-forced):\n\n"
            + markdown_table(
                [
                    "threshold",
                    "bands x rows",
                    "true pairs",
                    "candidates",
                    "recall (exact verify)",
                    "precision (exact verify)",
                    "recall (estimated)",
                    "precision (estimated)",
                ],
                rows,
            )
        )
    if "throughput" in results:
        t = results["throughput"]
        rows = [
            [
                name,
                round(t["docs_per_s"]["wall"][name]),
                round(t["docs_per_s"]["cpu"][name]),
                f"{t['seconds'][name]['wall']:.3f}",
            ]
            for name in t["seconds"]
        ]
        ratios = "; ".join(
            f"{clock}: " + ", ".join(f"{k} {v:.1f}x" for k, v in r.items())
            for clock, r in t["ratios"].items()
        )
        parts.append(
            f"Throughput ({t['docs']} docs, {t['shingles']} shingles, best of {t['repeat']}):\n\n"
            + markdown_table(["case", "docs/s (wall)", "docs/s (CPU)", "wall s"], rows)
            + f"\n\nRatios: {ratios}"
        )
    if "scaling" in results:
        rows = [
            [
                s["docs"],
                f"{s['seconds']['signatures']:.2f}",
                f"{s['seconds']['lsh']:.2f}",
                f"{s['seconds']['lsh_and_verify']:.2f}",
                f"{s['seconds']['dedup_total']:.2f}",
                f"{s['cpu_seconds']['dedup_total']:.2f}",
                f"{s['seconds']['generate']:.2f}",
                round(s["peak_rss_mib"]),
                round(s["start_rss_mib"]),
                s["candidates"],
                s["pairs"],
                s["planted_candidate_recall"],
                s["planted_recall"],
            ]
            for s in sorted(results["scaling"].values(), key=lambda s: s["docs"])
        ]
        parts.append(
            "Scaling:\n\n"
            + markdown_table(
                [
                    "docs",
                    "signatures s",
                    "LSH s",
                    "LSH + verify s",
                    "dedup total s",
                    "dedup CPU s",
                    "generation s",
                    "peak RSS MiB",
                    "RSS before MiB",
                    "candidates",
                    "pairs >= 0.8",
                    "planted: candidate recall",
                    "planted: recall",
                ],
                rows,
            )
        )
    return "\n\n".join(parts)


def merge_results(new: dict[str, Any]) -> dict[str, Any]:
    """Earlier results updated with this run's parts (scaling merged by size)."""
    path = RESULTS_DIR / f"{RESULT_NAME}.json"
    old: dict[str, Any] = json.loads(path.read_text("utf-8")) if path.exists() else {}
    scaling = {**old.get("scaling", {}), **new.pop("scaling", {})}
    merged = {**old, **new}
    if scaling:
        merged["scaling"] = scaling
    return merged


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.dedup", description=__doc__)
    parser.add_argument("--sizes", default="10000,100000", help="scaling sizes, comma-separated")
    parser.add_argument(
        "--only",
        choices=("quality", "throughput", "scaling"),
        action="append",
        help="run only these parts (repeatable); default all",
    )
    parser.add_argument("--quality-docs", type=int, default=3000)
    parser.add_argument("--mutants", type=int, default=1000)
    parser.add_argument("--throughput-docs", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--chunk", type=int, default=20000, help="documents generated at once")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--case-scale", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def sizes_of(text: str) -> Iterator[int]:
    """``"10000,100000"`` as ints."""
    for part in text.split(","):
        if part.strip():
            yield int(part.strip().replace("_", ""))


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.case_scale:
        material = load_material()
        print(json.dumps(run_scale(material, args.case_scale, args.chunk, args.seed)))
        return
    parts = args.only or ["quality", "throughput", "scaling"]
    results: dict[str, Any] = {"machine": machine_info(), "params": MinHashParams().to_dict()}
    # Scaling sizes load their own material in their child process.
    material = load_material() if {"quality", "throughput"} & set(parts) else None
    if "quality" in parts:
        assert material is not None
        results["quality"] = run_quality(material, args.quality_docs, args.mutants, args.seed)
        print(render({"quality": results["quality"]}), flush=True)
    if "throughput" in parts:
        assert material is not None
        results["throughput"] = run_throughput(material, args.throughput_docs, args.repeat)
        print(render({"throughput": results["throughput"]}), flush=True)
    if "scaling" in parts:
        results["scaling"] = {}
        for size in sizes_of(args.sizes):
            results["scaling"][str(size)] = spawn_scale(size, args.chunk, args.seed)
            print(render({"scaling": {str(size): results["scaling"][str(size)]}}), flush=True)
    path = write_results(RESULT_NAME, merge_results(results))
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
