"""Cross-document event coreference on ECB+ with gold mentions: storyline against same-lemma.

The gold mentions are the ``ACTION`` chains of ``ecbplus_docs.jsonl`` (each chain's
``instance_id`` is the gold event), found in their documents the way the entity
harness finds its mentions (:mod:`storyline.evaluate.entities`). Each split is
parsed once; every gold mention becomes an
:class:`~storyline.events.model.EventMention`: the lemma of the trigger's
syntactic head, its sentence, actors and targets from the dependency parse (the
entity mention covering an argument's head where there is one), a location from
"in/at/near X" naming a place, the sentence's own time expression where it is
explicit (ECB+ documents carry no publication date, so nothing relative is
resolved), and the PLOVER type of the lemma when the event lexicon is there.

Systems, on the same mentions:

- ``storyline``: :func:`storyline.events.merge.merge_events`, arguments resolved
  through the canonical entities (:func:`storyline.entities.canonical.canonical_entities`);
- ``baseline``: mentions with the same head lemma form one event.

Settings: ``corpus`` merges over a whole split; ``stories`` first groups the split's
documents with storyline's own story clustering
(:func:`storyline.corpus.stories.cluster_stories`, never the gold subtopics) and every
system merges only within a story. Scores: MUC, B-cubed, CEAF-e and the CoNLL F1.

Run ``python -m storyline.evaluate.events [DATASETS_DIR]`` for Markdown tables.
Needs spaCy and the pinned model (see :mod:`storyline.nlp.model`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storyline.entities.mentions import Mention
from storyline.errors import MissingExtraError
from storyline.evaluate.entities import SPLITS, _locate, ecbplus_path, prepare_split, score
from storyline.evaluate.entity_systems import GoldMention, clusters_of
from storyline.evaluate.harness import harness_main
from storyline.events.merge import MergeParams, merge_events
from storyline.events.model import Arg, EventMention
from storyline.nlp.model import ModelError

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "build_mentions",
    "evaluate_split",
    "load_event_gold",
    "main",
    "markdown",
    "run",
    "score_systems",
]

SETTINGS = ("corpus", "stories")
SYSTEMS = ("storyline", "baseline")
EVENT_TYPES = frozenset({"ACTION"})
_ACTOR_DEPS = frozenset({"nsubj", "agent", "poss"})
_TARGET_DEPS = frozenset({"dobj", "nsubjpass", "dative"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_PLACE_PREPS = frozenset({"in", "at", "near", "outside", "inside"})


def load_event_gold(path: str | Path, split: str) -> list[GoldMention]:
    """The located gold ACTION mentions of one split (``group`` "ACTION").

    Raises:
        ValueError: unknown split.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}")
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    gold = []
    for r in sorted((r for r in records if r["split"] == split), key=lambda r: r["doc_id"]):
        doc_id = str(r["doc_id"])
        text = "\n".join(s if isinstance(s, str) else " ".join(s) for s in r["sentences"])
        used: set[int] = set()
        for c, chain in enumerate(r["cross_doc_chains"]):
            if chain["type"] not in EVENT_TYPES:
                continue
            for j, mention in enumerate(chain["mentions"]):
                start, end = _locate(text, mention, used)
                gid, instance = f"{doc_id}#{c}.{j}", chain["instance_id"]
                gold.append(GoldMention(gid, doc_id, "ACTION", instance, mention, start, end))
    return gold


# --- mentions -------------------------------------------------------------------


def _lexicon_type() -> Any:
    """``lemma, pos -> type`` from the event lexicon, or a function giving "" without it."""
    try:
        from storyline.events.lexicon import load_lexicon
    except ImportError:
        return lambda lemma, pos: ""
    lex = load_lexicon()

    def typ(lemma: str, pos: str) -> str:
        table = lex.verbs if pos == "VERB" else lex.nouns
        return table.get(lemma, "") or ""

    return typ


def _arg(tok: Token, ents: Sequence[Mention]) -> Arg:
    """The entity mention covering a token, else the token's noun phrase head word."""
    for m in ents:
        if m.start <= tok.idx < m.end:
            return Arg(m.start, m.end, m.text, m.key)
    return Arg(tok.idx, tok.idx + len(tok.text), tok.text)


def _args(head: Token, ents: Sequence[Mention]) -> tuple[list[Arg], list[Arg], Arg | None]:
    actors, targets, location = [], [], None
    for c in head.children:
        if c.dep_ in _ACTOR_DEPS:
            actors.append(_arg(c if c.dep_ != "agent" else next(c.children, c), ents))
        elif c.dep_ in _TARGET_DEPS:
            targets.append(_arg(c, ents))
        elif c.dep_ == "prep" and c.lower_ in ("of", "on", "against", "into", "to"):
            obj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if obj is not None:
                (targets if c.lower_ != "of" or head.pos_ == "NOUN" else actors).append(
                    _arg(obj, ents)
                )
        if c.dep_ == "prep" and c.lower_ in _PLACE_PREPS and location is None:
            obj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if obj is not None and (obj.ent_type_ in _PLACE_LABELS):
                location = _arg(obj, ents)
    return actors, targets, location


def _lemma(tok: Token) -> str:
    """The token's lemma, with the plural or third-person "s" the tagger left on
    a word it took for a name ("Kills", "Checks" in a headline) taken off."""
    lemma, low = tok.lemma_.lower(), tok.lower_
    if lemma == low and tok.tag_ in ("NNS", "NNPS", "VBZ", "NNP") and len(low) > 4:
        if low.endswith("ies"):
            return low[:-3] + "y"
        if low.endswith("s") and not low.endswith(("ss", "is", "us")):
            return low[:-1]
    return lemma


def _attached_timex(head: Token, found: Sequence[Any]) -> Any:
    """The DATE or TIME expression inside the trigger's own phrase (its dependency
    subtree, minus the clauses of other verbs), nearest to it; else None. A date
    elsewhere in the sentence ("..., police said on Monday") is not the event's."""
    lo, hi = head.left_edge.idx, head.right_edge.idx + len(head.right_edge.text)
    inside = [t for t in found if lo <= t.start and t.end <= hi and t.type in ("DATE", "TIME")]
    clauses = [
        (c.left_edge.idx, c.right_edge.idx + len(c.right_edge))
        for c in head.children
        if c.dep_ in ("ccomp", "advcl", "relcl", "conj", "xcomp", "parataxis")
    ]
    inside = [t for t in inside if not any(a <= t.start < b for a, b in clauses)]
    return min(inside, key=lambda t: (abs(t.start - head.idx), t.start), default=None)


def build_mentions(
    gold: Sequence[GoldMention],
    parsed: Mapping[str, Doc],
    system: Mapping[str, Sequence[Mention]],
    published: Mapping[str, str | None] | None = None,
) -> dict[str, EventMention]:
    """An :class:`EventMention` per located gold mention, by gold mention id.

    Args:
        gold: the gold mentions (unlocated ones are left out).
        parsed: document id -> its spaCy parse.
        system: document id -> storyline's entity mentions of it.
        published: document id -> publication date; without one only explicit
            time expressions (not anchored on a date) are used.
    """
    from storyline.nlp.timex import find_timexes

    typ = _lexicon_type()
    timexes: dict[str, list] = {}
    out: dict[str, EventMention] = {}
    for g in gold:
        if g.start < 0:
            continue
        doc = parsed[g.doc_id]
        span = doc.char_span(g.start, g.end, alignment_mode="expand")
        if span is None:
            continue
        head = span.root
        if g.doc_id not in timexes:
            pub = (published or {}).get(g.doc_id)
            found = find_timexes(doc.text, pub)
            timexes[g.doc_id] = [t for t in found if pub or not t.anchored]
        sent = head.sent
        actors, targets, location = _args(head, system.get(g.doc_id, ()))
        date = _attached_timex(head, timexes[g.doc_id])
        lemma = _lemma(head)
        out[g.id] = EventMention(
            doc_id=g.doc_id,
            start=g.start,
            end=g.end,
            text=doc.text[g.start : g.end],
            lemma=lemma,
            type=typ(lemma, "VERB" if head.pos_ in ("VERB", "AUX") else "NOUN"),
            sentence_start=sent.start_char,
            sentence_end=sent.end_char,
            actors=tuple(actors),
            targets=tuple(targets),
            location=location,
            date=date.value if date else None,
            date_precision=date.precision if date else None,
            date_source="sentence" if date else "unknown",
            date_span=Arg(date.start, date.end, date.text) if date else None,
        )
    return out


# --- scoring --------------------------------------------------------------------


def _entity_index(
    system: Mapping[str, Sequence[Mention]], story_of: Mapping[str, str] | None
) -> dict[tuple[str, int, int], str]:
    from storyline.entities.canonical import canonical_entities

    mentions = [m for doc_id in sorted(system) for m in system[doc_id]]
    return {
        (m.doc_id, m.start, m.end): e.id
        for e in canonical_entities(mentions, story_of)
        for m in e.mentions
    }


def score_systems(
    gold: Sequence[GoldMention],
    mentions: Mapping[str, EventMention],
    story_of: Mapping[str, str] | None,
    entity_of: Mapping[tuple[str, int, int], str] | None = None,
    params: MergeParams | None = None,
    texts: Mapping[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Each system's scores against the gold chains of ``gold``.

    Args:
        gold: the gold mentions (key clusters by ``instance``).
        mentions: gold mention id -> its event mention (missing ones stay alone).
        story_of: document id -> story; None merges over everything given.
        entity_of: entity mention span -> canonical entity id.
        params: merging knobs for the ``storyline`` system.
        texts: document id -> text (the sentence context of the pair model).
    """
    key = clusters_of({g.id: g.instance for g in gold})
    ids_at: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    for gid, m in sorted(mentions.items()):
        ids_at[(m.doc_id, m.start, m.end)].append(gid)
    merged: dict[str, Hashable] = {g.id: ("alone", g.id) for g in gold}
    for event in merge_events(
        list(mentions.values()), story_of=story_of, entity_of=entity_of, params=params, texts=texts
    ):
        for m in event.mentions:
            for gid in ids_at[(m.doc_id, m.start, m.end)]:
                merged[gid] = event.id
    lemma: dict[str, Hashable] = {g.id: ("alone", g.id) for g in gold}
    for gid, m in mentions.items():
        lemma[gid] = ((story_of or {}).get(m.doc_id, ""), m.lemma)
    return {
        "storyline": score(key, clusters_of(merged)),
        "baseline": score(key, clusters_of(lemma)),
    }


def evaluate_split(path: str | Path, split: str) -> dict[str, Any]:
    """Scores of both systems in both settings on one split."""
    p = prepare_split(str(path), split)
    gold = load_event_gold(path, split)
    mentions = build_mentions(gold, p.parsed, p.system)
    texts = {d.id: d.text for d in p.docs}
    out: dict[str, Any] = {
        "documents": len(p.docs),
        "stories": len(set(p.story_of.values())),
        "mentions": len(gold),
        "located": len(mentions),
        "gold_events": len({g.instance for g in gold}),
    }
    for setting in SETTINGS:
        stories = p.story_of if setting == "stories" else None
        entity_of = _entity_index(p.system, stories)
        out[setting] = score_systems(gold, mentions, stories, entity_of, texts=texts)
    return out


def run(dataset_dir: str | Path) -> dict[str, Any]:
    """Evaluate train and dev: ``{"dataset", "splits": {split: evaluate_split(...)}}``."""
    path = ecbplus_path(dataset_dir)
    return {"dataset": str(path), "splits": {s: evaluate_split(path, s) for s in SPLITS}}


def markdown(result: Mapping[str, Any]) -> str:
    """One Markdown table: per split and setting, each system's P/R/F1 summary."""
    lines = [
        "| split | setting | mentions / gold events | system | events | MUC F1 | B³ F1 | "
        "CEAF-e F1 | CoNLL F1 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for split, r in result["splits"].items():
        for setting in SETTINGS:
            for name, s in r[setting].items():
                conll = f"{s['conll_f1']:.3f}"
                cells = [
                    split,
                    setting,
                    f"{r['mentions']} / {r['gold_events']}",
                    name,
                    str(s["clusters"]),
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
