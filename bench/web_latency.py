"""Web UI latency on a store of 20,000 Reuters-21578 documents.

Run from the repository root (one run is enough; it takes a few minutes)::

    .venv/bin/python -m bench.web_latency                      # build the store, then measure
    .venv/bin/python -m bench.web_latency --db /tmp/web20k.db  # reuse (or build there)

The store: the Reuters stories in file order, each story's body (or, for the
stories that have none, its headline as the text) run through the per-document ingest stages
(cleaning, text metadata, language), up to ``--docs`` documents. The corpus
stages (reuse, stories, spaCy entities, events) are *not* run: on two cores they
would take hours for 20,000 documents. So that document pages still carry a
realistic load of evidence, the bench writes **synthetic** sections: an entity
for every capitalised name found in 3+ documents (every occurrence a mention),
an event per frequent economic verb (rose, fell, said, ...) with its
occurrences as mentions, and numeric claims ("15 mln dlrs"). They exercise
the pages; they are not analysis results.

Measured against a real uvicorn server (one process, started by this script)
over loopback with httpx: the time of the first request (which builds the
snapshot and search index), then sequential requests per route (p50/p95/p99),
then a bounded load run (a fixed number of mixed requests from 8 threads,
stopped early at a time limit) for throughput. Prints a Markdown table and the
machine; writes ``bench/results/web_latency.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from bench.common import dataset, machine_info, markdown_table, write_results
from bench.ingest_throughput import _STORY, _element, clean_sgml_text, parse_date

REPO = Path(__file__).resolve().parents[1]
_NAME = re.compile(r"\b[A-Z][a-z]{2,}(?: [A-Z][a-z]{2,}){0,2}\b")
_TRIGGERS = ("rose", "fell", "said", "acquire", "agreed", "raised", "cut", "sold", "bought")
_AMOUNT = re.compile(r"\b\d[\d,.]*\s+(?:mln|billion|pct|dlrs|tonnes)\b")


def reuters_records(limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` Reuters stories as records: the body and title, else the title as text."""
    records: list[dict[str, Any]] = []
    for path in sorted(dataset("reuters21578").glob("reut2-*.sgm")):
        for m in _STORY.finditer(path.read_text(encoding="latin-1")):
            inner = m.group(2)
            title = clean_sgml_text(_element("TITLE", inner) or "")
            body = clean_sgml_text(_element("BODY", inner) or "")
            if not (body or title):
                continue
            # A headline-only story is stored as its text (as its title, the cleaner
            # would cut the only line as a repeated title).
            records.append({"text": body or title, "title": (title or None) if body else None,
                            "outlet": "Reuters",
                            "published": parse_date(_element("DATE", inner))})  # fmt: skip
            if len(records) >= limit:
                return records
    return records


def build_store(db: Path, limit: int) -> int:
    """Ingest the records with the per-document stages only, then write synthetic sections."""
    from storyline.config import Config
    from storyline.errors import IngestError
    from storyline.ingest.build import build_documents
    from storyline.ingest.readers import read_input
    from storyline.model import Failure
    from storyline.pipeline import build_pipeline
    from storyline.store import SQLiteStore

    config = Config()
    pipeline = build_pipeline(config)
    # A few title-only stories lose all their text to the cleaner: read spares.
    records = reuters_records(limit + limit // 20)
    skipped = 0
    start = time.perf_counter()
    with SQLiteStore(db) as store:
        for i in range(0, len(records), 1000):
            chunk = records[i : i + 1000]
            data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chunk).encode()
            source = f"reuters-{i // 1000:02d}.jsonl"
            docs = []
            for rec in read_input(source, source, data, config):
                if isinstance(rec, Failure):
                    continue
                try:
                    docs.extend(build_documents(rec, config, pipeline))
                except IngestError:
                    skipped += 1  # e.g. a title-only story that the cleaner takes as furniture
            docs = docs[: limit - store.count_documents()]
            store.add_documents(docs, input_source=source, input_digest=source)
            if store.count_documents() >= limit:
                break
            print(f"  stored {store.count_documents():,} documents", file=sys.stderr)
        write_synthetic_sections(store)
        n = store.count_documents()
    print(f"skipped {skipped} records with no text left after cleaning", file=sys.stderr)
    print(f"built {n:,} documents in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return n


def write_synthetic_sections(store: Any) -> None:
    """Entities, events and claims found by regular expressions (see the module docstring)."""
    names: dict[str, list[dict[str, Any]]] = defaultdict(list)
    triggers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    claims: list[dict[str, Any]] = []
    for doc in store.iter_documents():
        t = doc.text

        def ev(m: re.Match[str], doc_id: str = doc.id, text: str = t) -> dict[str, Any]:
            return {"document_id": doc_id, "start": m.start(), "end": m.end(),
                    "text": text[m.start() : m.end()]}  # fmt: skip

        for m in _NAME.finditer(t):
            names[m.group()].append(ev(m))
        for m in re.finditer(rf"\b(?:{'|'.join(_TRIGGERS)})\b", t):
            triggers[m.group()].append(ev(m))
        for m in _AMOUNT.finditer(t):
            claims.append({"id": f"clm_{len(claims):016x}", "value": m.group().split()[0],
                           "counted": m.group().split()[-1], "evidence": ev(m)})  # fmt: skip
    entities = []
    for name, mentions in sorted(names.items()):
        docs = sorted({m["document_id"] for m in mentions})
        if len(docs) >= 3:
            entities.append({"id": f"ent_{len(entities):016x}", "name": name, "label": "ORG",
                             "aliases": [{"text": name, "count": len(mentions)}], "roles": [],
                             "documents": docs, "mentions": mentions})  # fmt: skip
    events = []
    for word, mentions in sorted(triggers.items()):
        for i in range(0, len(mentions), 50):  # one synthetic event per 50 mentions
            chunk = mentions[i : i + 50]
            events.append({"id": f"evt_{len(events):016x}", "event_type": "OTHER",
                           "label": f"{word} (synthetic {i // 50})", "modality": "happened",
                           "documents": sorted({m["document_id"] for m in chunk}),
                           "mentions": [{"evidence": m, "trigger": word}
                                        for m in chunk]})  # fmt: skip
    store.put_section("entities", entities)
    store.put_section("events", events)
    store.put_section("claims", claims)
    print(f"  synthetic: {len(entities):,} entities, {len(events):,} events, "
          f"{len(claims):,} claims", file=sys.stderr)  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    code = (
        "import sys, uvicorn; from storyline.web import create_app; "
        "uvicorn.run(create_app(sys.argv[1]), host='127.0.0.1', port=int(sys.argv[2]), "
        "log_level='warning')"
    )
    return subprocess.Popen([sys.executable, "-c", code, str(db), str(port)], cwd=REPO)


def percentiles(ms: list[float]) -> dict[str, float]:
    qs = statistics.quantiles(ms, n=100, method="inclusive")
    return {"n": len(ms), "p50": qs[49], "p95": qs[94], "p99": qs[98], "max": max(ms)}


def measure(base: str, urls: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    """Sequential requests, one route kind after the other; milliseconds."""
    import httpx

    out = {}
    with httpx.Client(base_url=base, timeout=30) as client:
        for kind, paths in urls.items():
            times = []
            for path in paths:
                t0 = time.perf_counter()
                r = client.get(path)
                times.append((time.perf_counter() - t0) * 1000)
                if r.status_code != 200:
                    raise RuntimeError(f"{path}: HTTP {r.status_code}")
            out[kind] = percentiles(times)
    return out


def load_run(base: str, paths: list[str], threads: int, limit_s: float) -> dict[str, Any]:
    """``len(paths)`` requests from ``threads`` clients, stopped at ``limit_s`` seconds."""
    import httpx

    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    queue = iter(paths)
    deadline = time.perf_counter() + limit_s

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while time.perf_counter() < deadline:
                with lock:
                    path = next(queue, None)
                if path is None:
                    return
                t0 = time.perf_counter()
                status = client.get(path).status_code
                with lock:
                    times.append((time.perf_counter() - t0) * 1000)
                    errors[0] += status != 200

    start = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.perf_counter() - start
    return {"threads": threads, "requests": len(times), "errors": errors[0], "wall_s": wall,
            "req_per_s": len(times) / wall, **percentiles(times)}  # fmt: skip


def plan(db: Path, n: int, seed: int = 7) -> dict[str, list[str]]:
    """The URLs to request: random documents, and queries made of words from random documents."""
    from storyline.store import SQLiteStore

    rng = random.Random(seed)
    with SQLiteStore(db) as store:
        ids = [d.id for d in store.iter_documents()]
        picked = [store.get_document(i) for i in rng.sample(ids, n)]
        entities = [e["id"] for e in store.get_section("entities")]
    words = Counter(w.lower() for d in picked for w in re.findall(r"[A-Za-z]{4,}", d.text))
    vocab = sorted(words)
    queries = []
    for i in range(n):
        k = 1 if i % 2 else 2
        queries.append(" ".join(rng.sample(vocab, k)) if i % 3 else rng.choice(vocab))
    return {
        "search page": [f"/search?q={q.replace(' ', '+')}" for q in queries],
        "document page": [f"/documents/{d.id}" for d in picked],
        "entity page": [f"/entities/{e}" for e in rng.sample(entities, min(n, len(entities)))],
        "API search": [f"/api/search?q={q.replace(' ', '+')}" for q in queries],
        "API document": [f"/api/documents/{d.id}" for d in picked],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="store to reuse, or to build when missing")
    parser.add_argument("--docs", type=int, default=20_000, help="documents in the store")
    parser.add_argument("--requests", type=int, default=200, help="sequential requests per route")
    parser.add_argument("--load", type=int, default=2000, help="requests in the load run")
    parser.add_argument("--load-seconds", type=float, default=60.0, help="load run time limit")
    parser.add_argument("--threads", type=int, default=8, help="clients in the load run")
    args = parser.parse_args(argv)
    tmp = tempfile.TemporaryDirectory(prefix="storyline-web-bench-")
    db = args.db or Path(tmp.name) / "web.db"
    if not db.exists():
        build_store(db, args.docs)
    port = _free_port()
    server = start_server(db, port)
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        t0 = time.perf_counter()
        while True:
            try:
                httpx.get(f"{base}/api/documents?limit=1", timeout=120).raise_for_status()
                break
            except httpx.TransportError:
                if server.poll() is not None or time.perf_counter() - t0 > 120:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        first_s = time.perf_counter() - t0
        urls = plan(db, args.requests)
        results = measure(base, urls)
        mixed = [p for group in zip(*urls.values(), strict=False) for p in group]
        mixed = (mixed * (args.load // len(mixed) + 1))[: args.load]
        load = load_run(base, mixed, args.threads, args.load_seconds)
    finally:
        server.terminate()
        server.wait(timeout=10)
    from storyline.store import SQLiteStore

    with SQLiteStore(db) as store:
        n_docs = store.count_documents()
    rows = [[kind, r["n"], r["p50"], r["p95"], r["p99"], r["max"]] for kind, r in results.items()]
    rows.append([f"load: {load['threads']} threads, {load['requests']} requests "
                 f"({load['req_per_s']:.0f} req/s, {load['errors']} errors)",
                 load["n"], load["p50"], load["p95"], load["p99"], load["max"]])  # fmt: skip
    table = markdown_table(["route", "requests", "p50 ms", "p95 ms", "p99 ms", "max ms"], rows)
    machine = machine_info()
    print(f"\n{n_docs:,} documents; first request (snapshot + search index) {first_s:.1f} s\n")
    print(table)
    print(f"\nmachine: {machine['cpu']}, {machine['cores']} cores, {machine['ram_gib']} GiB, "
          f"Python {machine['python']}, storyline {machine['storyline']}")  # fmt: skip
    write_results("web_latency", {"machine": machine, "documents": n_docs,
                                  "first_request_s": first_s, "sequential": results,
                                  "load": load})  # fmt: skip
    tmp.cleanup()


if __name__ == "__main__":
    main()
