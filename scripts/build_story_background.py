"""Rebuild ``src/storyline/corpus/data/story_background.tsv.gz``: word document frequencies.

Story clustering blends the idf of a pile with how common each word is in
ordinary news, so that a pile where every article says "Kessel dam" still
weighs "Kessel" as the rare word it is. This script counts, for each content
word (normalised exactly as story features are: lower case, possessive
dropped, plural folded, stop words out), how many Reuters-21578 stories hold
it; exact duplicate bodies count once. Words held by fewer than ``--min-df``
stories are left out (read as rare); only the ``--top`` most frequent are kept.

Data: Reuters-21578, Distribution 1.0. The copyright of the stories belongs to
Reuters Ltd; the collection was assembled by Carnegie Group, Inc. and Reuters,
formatted by David D. Lewis, and is free for research use with this
attribution. Only word counts are shipped, not text.

Usage (from the repository root, with ``../shared/datasets`` beside the checkout)::

    .venv/bin/python scripts/build_story_background.py [REUTERS_DIR] [--min-df 3] [--top 30000]

The output is deterministic: sorted rows, gzip with no timestamp.
"""

from __future__ import annotations

import argparse
import gzip
import html
import re
from collections import Counter
from pathlib import Path

from storyline.corpus.story_features import BACKGROUND_FILE, content_words

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "storyline" / "corpus" / "data" / BACKGROUND_FILE
DEFAULT_REUTERS = ROOT.parent / "shared" / "datasets" / "reuters21578"

_STORY = re.compile(r"<REUTERS\b.*?</REUTERS>", re.S)
_FIELD = re.compile(r"<(TITLE|BODY)>(.*?)</\1>", re.S)

HEADER = """\
# Story-clustering background: in how many Reuters-21578 stories each content word occurs.
# Reuters-21578, Distribution 1.0: stories (c) Reuters Ltd; collection by Carnegie Group, Inc.
# and Reuters, formatted by David D. Lewis; free for research use with this attribution.
# Word counts only. Rebuilt by scripts/build_story_background.py ({args}).
"""


def stories(folder: Path) -> list[str]:
    """The distinct title + body texts of every story in the SGML files."""
    seen: set[str] = set()
    texts = []
    for path in sorted(folder.glob("reut2-*.sgm")):
        raw = path.read_text(encoding="latin-1")
        for story in _STORY.findall(raw):
            text = "\n".join(html.unescape(body) for _, body in _FIELD.findall(story)).strip()
            if text and text not in seen:
                seen.add(text)
                texts.append(text)
    return texts


def build(folder: Path, min_df: int, top: int) -> tuple[int, list[tuple[str, int]]]:
    """``(number of stories, [(word, document frequency)])``, most frequent first."""
    texts = stories(folder)
    df: Counter[str] = Counter()
    for text in texts:
        df.update(set(content_words(text)))
    rows = sorted(((w, n) for w, n in df.items() if n >= min_df), key=lambda r: (-r[1], r[0]))
    return len(texts), rows[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("reuters", nargs="?", type=Path, default=DEFAULT_REUTERS)
    parser.add_argument("--min-df", type=int, default=3)
    parser.add_argument("--top", type=int, default=30000)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    n_docs, rows = build(args.reuters, args.min_df, args.top)
    lines = [HEADER.format(args=f"--min-df {args.min_df} --top {args.top}")]
    lines.append(f"<documents>\t{n_docs}\n")
    lines.extend(f"{w}\t{n}\n" for w, n in sorted(rows))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 and no file name in the header: the same input gives the same bytes.
    with open(args.out, "wb") as raw, gzip.GzipFile("", "wb", 9, raw, mtime=0) as f:
        f.write("".join(lines).encode("utf-8"))
    print(f"{args.out}: {len(rows)} words over {n_docs} stories, {args.out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
