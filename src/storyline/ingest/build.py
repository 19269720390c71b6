"""Raw records to documents: post splitting, per-document stages, content ids."""

from __future__ import annotations

from dataclasses import replace

from storyline.config import Config
from storyline.errors import IngestError, StageError
from storyline.ingest.posts import find_posts
from storyline.ingest.record import RawRecord
from storyline.ingest.sources import Loaded
from storyline.model import Document, Failure, document_id
from storyline.pipeline import Pipeline

_INHERITED = ("url", "outlet", "language")


def draft(record: RawRecord, *, kind: str = "article") -> Document:
    """A document from a raw record, before stages run and before it has an id."""
    return Document(
        id="",
        source=record.source,
        text=record.text,
        kind=kind,  # type: ignore[arg-type]
        url=record.url,
        outlet=record.outlet,
        credited_sources=record.credited_sources,
        title=record.title,
        author=record.author,
        published=record.published,
        language=record.language,
        tags=record.tags,
        provenance=tuple(sorted(record.provenance)),
    )


def finalize(doc: Document) -> Document:
    """Give a document its content id."""
    return replace(
        doc,
        id=document_id(
            doc.text,
            title=doc.title,
            url=doc.url,
            outlet=doc.outlet,
            published=doc.published,
            author=doc.author,
        ),
    )


def build_documents(record: RawRecord, config: Config, pipeline: Pipeline) -> list[Document]:
    """Turn one raw record into stored documents.

    A multi-post page gives the page itself (``kind="page"``, text as extracted,
    kept for audit) followed by one ``post`` per post; anything else gives one
    ``article``.

    Raises:
        IngestError: nothing of the article is left once furniture is removed.
        StageError: a stage failed.
    """
    parts = list(record.parts)
    if not parts and config.posts.enabled:
        spans = find_posts(record.text, min_posts=config.posts.min_posts)
        parts = [
            RawRecord(source=f"{record.source}#post-{i}", text=record.text[s.start : s.end])
            for i, s in enumerate(spans, 1)
        ]
    if not parts:
        doc = finalize(pipeline(draft(record)))
        if not doc.text.strip():
            raise IngestError(record.source, "no article text left after removing page furniture")
        return [doc]

    page = finalize(draft(record, kind="page"))
    docs = [page]
    for part in parts:
        inherited = {f: getattr(part, f) or getattr(record, f) for f in _INHERITED}
        prov = dict(part.provenance)
        prov.update({f: "parent" for f in _INHERITED if inherited[f] and not getattr(part, f)})
        part = replace(part, **inherited, provenance=tuple(sorted(prov.items())))
        post = pipeline(draft(part, kind="post"))
        if post.text.strip():
            docs.append(finalize(replace(post, parent_id=page.id)))
    return docs


def build_loaded(
    loaded: Loaded, config: Config, pipeline: Pipeline
) -> tuple[list[Document], list[Failure]]:
    """The documents and record failures of one loaded input.

    Each document's ``source`` is the input it came from and ``position`` orders the
    documents inside it (records of a JSONL file, posts of a page).

    Raises:
        StageError: only with ``pipeline.on_error = "raise"``.
    """
    from storyline.ingest.readers import read_input

    inp = loaded.input
    docs: list[Document] = []
    failures: list[Failure] = []
    try:
        records = read_input(
            inp.source, loaded.name, loaded.data, config, url=loaded.url, charset=loaded.charset
        )
        for rec in records:
            if isinstance(rec, Failure):
                failures.append(rec)
                continue
            if loaded.url and not rec.url:
                prov = tuple(sorted((*rec.provenance, ("url", "fetch"))))
                rec = replace(rec, url=loaded.url, provenance=prov)
            try:
                built = build_documents(rec, config, pipeline)
                base = len(docs)
                docs.extend(
                    replace(d, source=inp.source, position=base + k) for k, d in enumerate(built)
                )
            except IngestError as e:
                failures.append(Failure(e.source, e.reason))
            except StageError as e:
                if config.pipeline.on_error == "raise":
                    raise
                failures.append(Failure(rec.source, str(e), stage="pipeline"))
    except IngestError as e:
        failures.append(Failure(e.source, e.reason))
    return docs, failures
