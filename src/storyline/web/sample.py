"""A small fictional store with hand-written sections, for the web UI's tests and screenshots.

The articles, places and people are invented. Sections follow the shapes in
``docs/sections.md``; every evidence span is found in the stored text, so its
offsets are right by construction. :data:`XSS_TITLE` and friends are hostile
strings that must show as text.
"""

from __future__ import annotations

from typing import Any

from storyline.model import Document, Published, Removal, document_id
from storyline.store import Store

XSS_TITLE = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
XSS_TEXT = (
    "Officials in Lorvik said <script>window.__xss=3;alert(1)</script> nothing.\n\n"
    '<img src=x onerror="window.__xss=4;alert(2)"> The dam held.'
)
XSS_URL = "javascript:window.__xss=5"
XSS_OUTLET = '<b onmouseover="window.__xss=6">Evil Outlet</b>'
XSS_ENTITY = '<svg onload="window.__xss=7">Lorvik Dam</svg>'

WIRE = (
    "LORVIK, March 3 (Harbour Wire) - The Selim dam on the Varna river burst on Monday, "
    "flooding the lower town of Lorvik.\n\n"
    'Mayor Ana Petrova said 1,200 people were evacuated. "We moved everyone to the school '
    'before midnight," Petrova said.\n\n'
    "The regional office put the number of evacuated at 900."
)
REPOST = (
    "The Selim dam burst on Monday, flooding Lorvik, Harbour Wire reported.\n\n"
    "Mayor Ana Petrova said 1,200 people were evacuated.\n\n"
    "Our view: the dam was known to be weak."
)
FURNITURE = "Share this article\n"


def _doc(source: str, text: str, title: str, outlet: str, day: str, **extra: Any) -> Document:
    published = Published(day, "day", "record")
    url = extra.pop("url", None)
    return Document(
        id=document_id(text, title=title, url=url, outlet=outlet, published=published),
        source=source, text=text, title=title, outlet=outlet, url=url, published=published,
        language="en", **extra,
    )  # fmt: skip


def _ev(doc: Document, phrase: str, nth: int = 0) -> dict[str, Any]:
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(phrase, start + 1)
    return doc.span(start, start + len(phrase)).evidence(doc.text)


def _ref(entity_id: str | None, name: str, ev: dict[str, Any]) -> dict[str, Any]:
    return {"entity_id": entity_id, "name": name, "evidence": ev}


def sample_documents(hostile: bool = True) -> list[Document]:
    """The sample's documents: a wire story, a repost, and (with ``hostile``) an XSS probe."""
    wire = _doc(
        "harbour-wire.txt", WIRE, "Selim dam bursts, Lorvik flooded", "Harbour Wire",
        "2024-03-03", url="https://harbour-wire.example/lorvik-dam",
        removed=(Removal(len(WIRE), 0, len(FURNITURE), FURNITURE, "share"),),
    )  # fmt: skip
    repost = _doc("riverside.txt", REPOST, "Dam disaster in Lorvik", "Riverside Blog", "2024-03-04")
    docs = [wire, repost]
    if hostile:
        docs.append(
            _doc("evil.html", XSS_TEXT, XSS_TITLE, XSS_OUTLET, "2024-03-05", url=XSS_URL,
                 removed=(Removal(0, 0, 24, '<script>alert("r")</script>\n', "share"),))
        )  # fmt: skip
    return docs


def sample_sections(docs: list[Document]) -> dict[str, list[dict[str, Any]]]:
    """Hand-written sections over :func:`sample_documents`."""
    wire, repost = docs[0], docs[1]
    ids = [d.id for d in docs]
    entities = [
        {
            "id": "ent_lorvik0000000001", "name": "Lorvik", "label": "GPE",
            "aliases": [{"text": "Lorvik", "count": 3}, {"text": "LORVIK", "count": 1}],
            "roles": [], "documents": [wire.id, repost.id],
            "mentions": [_ev(wire, "LORVIK"), _ev(wire, "Lorvik"), _ev(repost, "Lorvik")],
        },
        {
            "id": "ent_petrova00000002", "name": "Ana Petrova", "label": "PERSON",
            "aliases": [{"text": "Ana Petrova", "count": 2}, {"text": "Petrova", "count": 1}],
            "roles": [{"text": "Mayor", "count": 2}], "documents": [wire.id, repost.id],
            "mentions": [_ev(wire, "Ana Petrova"), _ev(wire, "Petrova", 1),
                         _ev(repost, "Ana Petrova")],
        },
    ]  # fmt: skip
    if len(docs) > 2:
        evil = docs[2]
        entities.append({
            "id": "ent_evil0000000003", "name": XSS_ENTITY, "label": "FAC",
            "aliases": [{"text": XSS_ENTITY, "count": 1}], "roles": [],
            "documents": [evil.id], "mentions": [_ev(evil, "Lorvik")],
        })  # fmt: skip
    date = {"value": "2024-03-04", "precision": "day", "source": "sentence",
            "evidence": _ev(wire, "on Monday")}  # fmt: skip
    burst = [_ev(wire, "burst"), _ev(repost, "burst")]
    event = {
        "id": "evt_0000000000000001", "event_type": "DISASTER",
        "label": "The Selim dam on the Varna river burst", "actors": [], "targets": [],
        "location": _ref("ent_lorvik0000000001", "Lorvik", _ev(wire, "Lorvik")),
        "date": date, "dates": [{"value": "2024-03-04", "precision": "day", "mentions": 2}],
        "conflicting_dates": False, "modality": "happened", "story_id": "sto_0000000000000001",
        "documents": [wire.id, repost.id], "independent_sources": 1,
        "quantities": [],
        "mentions": [
            {"evidence": ev, "sentence": ev, "trigger": "burst", "lemma": "burst",
             "actors": [], "targets": [], "location": None, "date": date,
             "modality": "happened", "attribution": None}
            for ev in burst
        ],
    }  # fmt: skip
    claim = {
        "id": "clm_0000000000000001", "value": 1200, "low": 1200, "high": None,
        "approximate": False, "hedge": None, "unit": "count", "counted": "evacuated",
        "owner": None, "place": None, "date": date, "modality": "reported",
        "speaker": _ref("ent_petrova00000002", "Ana Petrova", _ev(wire, "Ana Petrova")),
        "event_id": event["id"], "evidence": _ev(wire, "1,200 people"),
        "sentence": _ev(wire, "Mayor Ana Petrova said 1,200 people were evacuated."),
    }  # fmt: skip
    claim2 = {**claim, "id": "clm_0000000000000002", "value": 900, "low": 900,
              "speaker": None, "evidence": _ev(wire, "900")}  # fmt: skip
    conflict = {
        "id": "cfl_0000000000000001", "counted": "evacuated", "owner": "Lorvik",
        "event_id": event["id"], "status": "conflict",
        "values": [
            {"value": 1200, "low": 1200, "high": None, "approximate": False,
             "claims": [claim["id"]], "documents": [wire.id], "independent_sources": 1,
             "evidence": [claim["evidence"]]},
            {"value": 900, "low": 900, "high": None, "approximate": False,
             "claims": [claim2["id"]], "documents": [wire.id], "independent_sources": 1,
             "evidence": [claim2["evidence"]]},
        ],
    }  # fmt: skip
    quote_ev = _ev(wire, "We moved everyone to the school before midnight,")
    quote = {
        "id": "quo_0000000000000001", "kind": "direct", "text": quote_ev["text"],
        "evidence": quote_ev, "cue": "said", "cue_evidence": _ev(wire, "said", 1),
        "speaker": _ref("ent_petrova00000002", "Ana Petrova", _ev(wire, "Petrova", 1)),
        "speaker_how": "named", "event_ids": [event["id"]],
    }  # fmt: skip
    story = {
        "id": "sto_0000000000000001", "documents": ids, "size": len(ids),
        "title": "Selim dam bursts, Lorvik flooded", "first_published": "2024-03-03",
        "last_published": "2024-03-04", "independent_sources": 1,
    }  # fmt: skip
    timeline = [{
        "event_id": event["id"], "date": "2024-03-04", "precision": "day", "source": "sentence",
        "event_type": "DISASTER", "label": event["label"], "conflicting_dates": False,
        "mentions": 2, "independent_sources": 1, "story_id": story["id"],
    }]  # fmt: skip
    summary = [{"story_id": story["id"], "sentences": [
        {"text": burst[0]["text"], "evidence": burst[0], "documents": [wire.id, repost.id],
         "independent_sources": 1}]}]  # fmt: skip
    return {
        "entities": entities, "events": [event], "claims": [claim, claim2],
        "conflicts": [conflict], "quotes": [quote], "stories": [story],
        "timeline": timeline, "summary": summary,
    }  # fmt: skip


def fill_sample_store(store: Store, hostile: bool = True) -> list[Document]:
    """Write the sample documents and sections into ``store``; return the documents."""
    docs = sample_documents(hostile)
    store.add_documents(docs, input_source="sample", input_digest="sample")
    for name, items in sample_sections(docs).items():
        store.put_section(name, items)
    return docs
