"""Cross-document entity coreference on ECB+ with gold mentions: storyline against same-lemma.

The gold mentions of each ECB+ split (``HUMAN``, ``NON_HUMAN`` and ``LOCATION``
chains of ``ecbplus_docs.jsonl``; each chain's ``instance_id`` is the gold
entity) are clustered per type group, and the clusters scored with MUC, B-cubed,
CEAF-e and their mean, the CoNLL F1 (:mod:`storyline.evaluate.metrics`). The
records give mention strings, not offsets: each string is found in its document
(tokenised spacing tolerated, repeated strings take successive occurrences).

Systems, all on the same parses (one ``nlp.pipe`` pass per split):

- ``storyline``: the names go through the project's own layer: the mentions
  :func:`~storyline.entities.mentions.mentions_for` finds (gazetteer, patterns,
  acronyms, appositions) give a gold name its key and type where they hold it,
  then :func:`~storyline.entities.canonical.canonical_entities` clusters the names.
  Common nouns and pronouns are outside what that layer does (it works on names),
  so this harness handles them with plain rules
  (:mod:`storyline.evaluate.entity_systems`): a noun in an apposition joins its
  name; a noun that ends the one name of its document or story ("the church",
  "Lorvik Bible Church") or was the title of one entity ("coach", "Coach X")
  joins it; other nouns join the same-lemma nouns of their scope (the split, or
  the story), and such a group follows its linked members when they agree. A
  relative pronoun joins the noun its clause hangs on (else the mention before
  it); a personal pronoun joins the person named most in its document, or for
  things the last mention before it of the same number.
- ``baseline``: mentions whose last token has the same lowercased spaCy lemma
  form one cluster (per scope).
- ``baseline-root``: the same with the lemma of the syntactic head.

Settings: ``corpus`` clusters a whole split at once, with no story information;
``stories`` first groups the split's documents with storyline's own story
clustering (:func:`storyline.corpus.stories.cluster_stories`, no gold), and every
system clusters within stories (storyline's surname linking and noun rule too).

Run ``python -m storyline.evaluate.entities [DATASETS_DIR]`` for Markdown tables.
Needs spaCy and the pinned model (see :mod:`storyline.nlp.model`).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from storyline.entities.mentions import Mention, mentions_for
from storyline.errors import MissingExtraError
from storyline.evaluate.entity_systems import (
    GROUPS,
    Clusters,
    GoldMention,
    clusters_of,
    lemma_clusters,
    storyline_clusters,
)
from storyline.evaluate.harness import harness_main
from storyline.evaluate.metrics import PRF, b_cubed, ceaf_e, muc
from storyline.model import Document
from storyline.nlp.model import ModelError, NlpConfig

__all__ = ["GoldMention", "evaluate_split", "load_split", "main", "markdown", "run", "score"]

ECBPLUS_FILE = Path("ecbplus-dev") / "ecbplus_docs.jsonl"
SPLITS = ("train", "dev")
SETTINGS = ("corpus", "stories")
SYSTEMS = ("storyline", "baseline", "baseline-root")


def ecbplus_path(dataset_dir: str | Path) -> Path:
    """``<dataset_dir>/ecbplus-dev/ecbplus_docs.jsonl``; raises FileNotFoundError if missing."""
    path = Path(dataset_dir) / ECBPLUS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"ECB+ not found at {path}; pass the shared datasets folder")
    return path


def load_split(path: str | Path, split: str) -> tuple[list[Document], list[GoldMention]]:
    """The documents of one split (text: sentences one per line) and their located gold mentions.

    Raises:
        ValueError: unknown split.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}")
    docs, gold = [], []
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    for r in sorted((r for r in records if r["split"] == split), key=lambda r: r["doc_id"]):
        doc_id = str(r["doc_id"])
        text = "\n".join(s if isinstance(s, str) else " ".join(s) for s in r["sentences"])
        docs.append(Document(id=doc_id, source=f"ecbplus:{doc_id}", text=text))
        used: set[int] = set()
        for c, chain in enumerate(r["cross_doc_chains"]):
            group = GROUPS.get(chain["type"])
            if group is None:
                continue
            for j, mention in enumerate(chain["mentions"]):
                start, end = _locate(text, mention, used)
                gold.append(
                    GoldMention(
                        f"{doc_id}#{c}.{j}",
                        doc_id,
                        group,
                        chain["instance_id"],
                        mention,
                        start,
                        end,
                    )
                )
    return docs, gold


def _locate(text: str, mention: str, used: set[int]) -> tuple[int, int]:
    """The first unused occurrence of a mention string, spacing- and quote-tolerant."""
    for variant in (mention, mention.strip("'\"` ")):
        parts = variant.split()
        if not parts:
            continue
        pattern = r"(?<!\w)" + r"\s*".join(re.escape(p) for p in parts) + r"(?!\w)"
        hits = [m for m in re.finditer(pattern, text)]
        for m in hits:
            if m.start() not in used:
                used.add(m.start())
                return m.start(), m.end()
        if hits:
            return hits[0].start(), hits[0].end()
    return -1, -1


# --- scoring --------------------------------------------------------------------


def ceaf_e_fast(key: Clusters, response: Clusters) -> PRF:
    """:func:`~storyline.evaluate.metrics.ceaf_e`, solved per connected block of overlaps.

    Clusters that share no mention never match, so the optimal alignment is the
    union of the blocks' optimal alignments: the same score, without one matrix of
    thousands by thousands.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for cluster in [*key, *response]:
        for item in cluster[1:]:
            parent[find(item)] = find(cluster[0])
    blocks: dict[str, tuple[list[list[str]], list[list[str]]]] = defaultdict(lambda: ([], []))
    for side, clusters in ((0, key), (1, response)):
        for c in clusters:
            if c:
                blocks[find(c[0])][side].append(c)
    total = 0.0
    for k, r in blocks.values():
        if k and r:
            total += ceaf_e(k, r).precision * len(r)
    n_key, n_resp = sum(1 for c in key if c), sum(1 for c in response if c)
    return PRF(total / n_resp if n_resp else 0.0, total / n_key if n_key else 0.0)


def score(key: Clusters, response: Clusters) -> dict[str, Any]:
    """MUC, B-cubed, CEAF-e (precision, recall, F1) and the CoNLL F1."""
    m, b, c = muc(key, response), b_cubed(key, response), ceaf_e_fast(key, response)
    return {
        "muc": m.to_dict(),
        "b_cubed": b.to_dict(),
        "ceaf_e": c.to_dict(),
        "conll_f1": (m.f1 + b.f1 + c.f1) / 3,
        "clusters": len(response),
    }


# --- runs -----------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedSplit:
    """One split made ready once: documents, gold mentions, parses, storyline's own mentions,
    predicted stories and the words seen as common nouns."""

    docs: list[Document]
    gold: list[GoldMention]
    parsed: dict[str, Any]
    system: dict[str, list[Mention]]
    story_of: dict[str, str]
    nouns: frozenset[str]


@lru_cache(maxsize=2)
def prepare_split(path: str, split: str) -> PreparedSplit:
    """Load, parse (one ``nlp.pipe`` pass), find storyline's mentions and stories: cached."""
    from storyline.corpus.stories import StoryInput, cluster_stories
    from storyline.nlp.parse import parse_documents

    docs, gold = load_split(path, split)
    parsed = parse_documents(docs, NlpConfig())
    system = {d.id: mentions_for(d, parsed[d.id]) for d in docs}
    stories = cluster_stories([StoryInput(d.id, d.text) for d in docs])
    story_of = {doc_id: f"s{n}" for n, story in enumerate(stories) for doc_id in story}
    nouns = frozenset(t.lower_ for doc in parsed.values() for t in doc if t.pos_ == "NOUN")
    return PreparedSplit(docs, gold, parsed, system, story_of, nouns)


def evaluate_split(path: str | Path, split: str) -> dict[str, Any]:
    """Scores of every system, setting and type group on one split."""
    p = prepare_split(str(path), split)
    out: dict[str, Any] = {"documents": len(p.docs), "stories": len(set(p.story_of.values()))}
    for setting in SETTINGS:
        stories = p.story_of if setting == "stories" else None
        for group in sorted(set(GROUPS.values())):
            mine = [g for g in p.gold if g.group == group]
            key = clusters_of({g.id: g.instance for g in mine})
            responses = {
                "storyline": storyline_clusters(mine, p.parsed, p.system, stories, p.nouns),
                "baseline": lemma_clusters(mine, p.parsed, stories),
                "baseline-root": lemma_clusters(mine, p.parsed, stories, root=True),
            }
            out[f"{setting}/{group}"] = {
                "mentions": len(mine),
                "gold_clusters": len(key),
                "systems": {name: score(key, r) for name, r in responses.items()},
            }
    return out


def run(dataset_dir: str | Path) -> dict[str, Any]:
    """Evaluate train and dev: ``{"dataset", "splits": {split: evaluate_split(...)}}``."""
    path = ecbplus_path(dataset_dir)
    return {"dataset": str(path), "splits": {s: evaluate_split(path, s) for s in SPLITS}}


def markdown(result: Mapping[str, Any]) -> str:
    """One Markdown table: per split, setting and group, each system's F1 scores."""
    lines = [
        "| split | setting | group | mentions / gold entities | system | MUC F1 | B³ F1 | "
        "CEAF-e F1 | CoNLL F1 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for split, r in result["splits"].items():
        for where, g in r.items():
            if "/" not in where:
                continue
            setting, group = where.split("/")
            for name, s in g["systems"].items():
                conll = f"{s['conll_f1']:.3f}"
                cells = [
                    split,
                    setting,
                    group,
                    f"{g['mentions']} / {g['gold_clusters']}",
                    name,
                    f"{s['muc']['f1']:.3f}",
                    f"{s['b_cubed']['f1']:.3f}",
                    f"{s['ceaf_e']['f1']:.3f}",
                    f"**{conll}**" if name == "storyline" else conll,
                ]
                lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the Markdown table for train and dev; exit status 0, or 2 without data or model."""
    return harness_main(
        run, markdown, argv, missing=(FileNotFoundError, MissingExtraError, ModelError)
    )


if __name__ == "__main__":
    raise SystemExit(main())
