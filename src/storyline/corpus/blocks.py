"""Corpus work in blocks of whole stories, mapped in this process or over a Dask cluster.

The language sections (events, claims, conflicts, quotes) and the summaries depend on
one story at a time, so the corpus stage can hand them out in blocks: each block holds
whole stories and everything their items are built from, and the results are put
together in block order. A :data:`Mapper` does the mapping: :func:`serial_map` here,
or a Dask client's (:func:`storyline.scale.dask.client_mapper`); both give the same
items.

Example:
    >>> story_blocks({"s1": 2, "s2": 1, "s3": 3, "s4": 1}, max_docs=3)
    [['s1', 's2'], ['s3'], ['s4']]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

Mapper = Callable[[Callable[[Any], Any], Iterable[Any]], Iterable[Any]]
"""``mapper(func, items)`` -> ``func(item)`` for each item, in the items' order (``items``
may be a generator: a mapper takes items as it needs them)."""

BLOCK_DOCS = 1000
"""Documents per block: enough work per task to outweigh sending it."""


def serial_map(func: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
    """The :data:`Mapper` of a single process."""
    return map(func, items)


def chunks(items: Sequence[T], max_items: int | None = None) -> list[list[T]]:
    """``items`` in order, in blocks of at most ``max_items`` (default :data:`BLOCK_DOCS`).

    Example:
        >>> chunks("abcde", 2)
        [['a', 'b'], ['c', 'd'], ['e']]
    """
    step = BLOCK_DOCS if max_items is None else max_items
    return [list(items[k : k + step]) for k in range(0, len(items), step)]


def story_blocks(sizes: Mapping[str, int], max_docs: int | None = None) -> list[list[str]]:
    """Story ids in blocks of at most ``max_docs`` documents (a larger story is a block
    of its own), stories taken in sorted id order.

    Args:
        sizes: story id -> how many documents it holds.
        max_docs: the most documents a block holds (default :data:`BLOCK_DOCS`).
    """
    max_docs = BLOCK_DOCS if max_docs is None else max_docs
    blocks: list[list[str]] = []
    current: list[str] = []
    held = 0
    for story in sorted(sizes):
        if current and held + sizes[story] > max_docs:
            blocks.append(current)
            current, held = [], 0
        current.append(story)
        held += sizes[story]
    if current:
        blocks.append(current)
    return blocks
