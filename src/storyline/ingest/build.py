"""Raw records to documents: post splitting, per-document stages, content ids."""

from __future__ import annotations

from dataclasses import replace

from storyline.config import Config
from storyline.errors import IngestError
from storyline.ingest.posts import find_posts
from storyline.ingest.record import RawRecord
from storyline.model import Document, document_id
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
