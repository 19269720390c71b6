"""Train the event-merging pair model on ECB+ train; write ``events/data/event_merge.json``.

Recipe: parse the ECB+ train topics once, build an event mention per gold ACTION
mention (:func:`storyline.evaluate.events.build_mentions`), group the documents
with storyline's own story clustering (never the gold subtopics), and take every
pair of mentions within a predicted story. The label is whether the two mentions
belong to one gold chain. A class-balanced L2 logistic regression (scikit-learn,
lbfgs, deterministic) is fitted to :data:`storyline.events.merge_pairs.FEATURES`;
the weights are written rounded to 4 decimals. Only the train split is read.

Usage: ``.venv/bin/python scripts/train_event_merge.py [DATASETS_DIR] [--out PATH]``
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from storyline.evaluate.entities import ecbplus_path, prepare_split
from storyline.evaluate.events import _entity_index, build_mentions, load_event_gold
from storyline.evaluate.harness import datasets_dir
from storyline.events.merge import scoped_infos
from storyline.events.merge_pairs import FEATURES, WEIGHTS_PATH, pair_features

C = 1.0
"""The inverse regularisation strength."""


def pair_table(dataset_dir: str | Path) -> tuple[list[list[float]], list[int]]:
    """Feature rows and labels of every within-story pair of ECB+ train."""
    path = ecbplus_path(dataset_dir)
    p = prepare_split(str(path), "train")
    gold = load_event_gold(path, "train")
    mentions = build_mentions(gold, p.parsed, p.system)
    instance = {}
    for g in gold:
        if g.id in mentions:
            instance.setdefault((g.doc_id, g.start, g.end), g.instance)
    texts = {d.id: d.text for d in p.docs}
    scopes = scoped_infos(
        list(mentions.values()), p.story_of, _entity_index(p.system, p.story_of), texts=texts
    )
    rows, labels = [], []
    for infos in scopes.values():
        keys = [(i.mention.doc_id, i.mention.start, i.mention.end) for i in infos]
        for a in range(len(infos)):
            for b in range(a + 1, len(infos)):
                rows.append(pair_features(infos[a], infos[b]))
                labels.append(int(instance[keys[a]] == instance[keys[b]]))
    return rows, labels


def train(rows: list[list[float]], labels: list[int]) -> dict:
    """Fit the logistic model; the JSON-ready weights."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000, solver="lbfgs")
    model.fit(rows, labels)
    return {
        "features": list(FEATURES),
        "intercept": round(float(model.intercept_[0]), 4),
        "coefficients": [round(float(w), 4) for w in model.coef_[0]],
        "trained_on": "ECB+ train topics, within-story pairs of gold ACTION mentions",
        "pairs": len(labels),
        "positive": int(sum(labels)),
    }


def main() -> None:
    """Train and write the weights."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="?", default=None)
    parser.add_argument("--out", default=str(WEIGHTS_PATH))
    args = parser.parse_args()
    weights = train(*pair_table(datasets_dir(args.datasets)))
    Path(args.out).write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in weights.items() if k != "coefficients"}))


if __name__ == "__main__":
    main()
