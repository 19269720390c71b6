"""The ``storyline`` commands that show results: events, timeline, claims, conflicts,
quotes, and the report and web UI. Registered on the group of :mod:`storyline.cli`.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import click

from storyline import api
from storyline.cli import (
    CONFIG_OPTION,
    DB_OPTION,
    Fatal,
    _config,
    _query,
    _require_store,
    cli,
    echo,
)
from storyline.errors import StorylineError

PLOVER = click.Choice(
    [
        "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
        "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
        "OTHER",
    ],
    case_sensitive=False,
)  # fmt: skip


def _event_filters(fn: Any) -> Any:
    options = [
        click.option("--entity", help="Only events with this entity (id or name) as actor, "
                     "target or place."),
        click.option("--type", "type_", type=PLOVER, help="Only events of this PLOVER type."),
        click.option("--since", help="Only events dated on or after this ISO date."),
        click.option("--until", help="Only events dated on or before this ISO date."),
        click.option("--story", help="Only events of this story id."),
        click.option("--json", "as_json", is_flag=True, help="Print JSON."),
        CONFIG_OPTION,
        DB_OPTION,
    ]  # fmt: skip
    return functools.reduce(lambda f, opt: opt(f), options, fn)


def _ref(ref: dict[str, Any] | None) -> str:
    return ref["name"] if ref else "?"


def _date(d: dict[str, Any] | None) -> str:
    if not d or not d.get("value"):
        return "date unknown"
    if d.get("source") == "published":
        return f"by {d['value']} (publication date)"
    return str(d["value"])


@cli.command()
@_event_filters
def events(db: str | None, config_path: Path | None, as_json: bool, **filters: Any) -> None:
    """List events (who did what to whom, where and when), each with its reports."""
    filters["type"] = filters.pop("type_")
    found = _query(functools.partial(api.events, **filters), db, config_path, as_json)
    if found is None:
        return
    echo(f"{len(found)} event(s)")
    for e in found:
        actors = ", ".join(_ref(a) for a in e["actors"]) or "?"
        targets = ", ".join(_ref(a) for a in e["targets"])
        place = f" in {_ref(e['location'])}" if e.get("location") else ""
        flag = "  [conflicting dates]" if e.get("conflicting_dates") else ""
        echo(
            f"\n{e['id']}  {e['event_type']}  {_date(e['date'])}{flag}\n"
            f"  {actors} -> {targets or '?'}{place}  ({e['modality']})\n"
            f"  {len(e['mentions'])} mention(s), {len(e['documents'])} document(s), "
            f"{e['independent_sources']} independent source(s)"
        )
        for m in e["mentions"][:3]:
            echo(f"    {m['evidence']['document_id'][:12]}: {m['sentence']['text'][:110]}")


@cli.command()
@_event_filters
def timeline(db: str | None, config_path: Path | None, as_json: bool, **filters: Any) -> None:
    """Events in date order (unknown dates last), with their date precision."""
    filters["type"] = filters.pop("type_")
    found = _query(functools.partial(api.timeline, **filters), db, config_path, as_json)
    if found is None:
        return
    for t in found:
        when = t["date"] or "unknown"
        if t.get("source") == "published":
            when = f"<= {when}"
        flag = " !" if t.get("conflicting_dates") else ""
        echo(
            f"{when:<14} {t.get('precision') or '':<8} {t['event_type']:<10} {t['label']}"
            f"  [{t['mentions']} mention(s), {t['independent_sources']} source(s)]{flag}"
        )


@cli.command()
@DB_OPTION
@CONFIG_OPTION
@click.option("--counted", help="Only claims counting this (e.g. troop, missile, killed).")
@click.option("--story", help="Only claims in this story id.")
@click.option("--speaker", help="Only claims asserted by this entity (id or name).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def claims(db: str | None, config_path: Path | None, as_json: bool, **filters: Any) -> None:
    """List numeric claims: value, what is counted, whose, who says so."""
    found = _query(functools.partial(api.claims, **filters), db, config_path, as_json)
    if found is None:
        return
    echo(f"{len(found)} claim(s)")
    for c in found:
        owner = f" ({_ref(c['owner'])})" if c.get("owner") else ""
        who = f", says {_ref(c['speaker'])}" if c.get("speaker") else ""
        echo(
            f"  {c['evidence']['text']:<24} {c.get('counted') or '?'}{owner}  "
            f"[{c.get('modality')}{who}]  {c['evidence']['document_id'][:12]}"
        )


@cli.command()
@DB_OPTION
@CONFIG_OPTION
@click.option(
    "--status",
    type=click.Choice(["conflict", "corroborated", "compatible"]),
    help="Only groups with this status.",
)
@click.option("--counted", help="Only groups counting this.")
@click.option("--story", help="Only groups with a document in this story id.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def conflicts(db: str | None, config_path: Path | None, as_json: bool, **filters: Any) -> None:
    """Figures that sources report differently (and the ones they agree on), side by side."""
    found = _query(functools.partial(api.conflicts, **filters), db, config_path, as_json)
    if found is None:
        return
    echo(f"{len(found)} group(s)")
    for g in found:
        owner = f" of {g['owner']}" if g.get("owner") else ""
        echo(f"\n{g['id']}  {g['status'].upper()}: {g['counted']}{owner}")
        for v in g["values"]:
            quotes = " | ".join(e["text"] for e in v["evidence"][:2])
            echo(
                f"  {v['value']!s:>10}  {v['independent_sources']} independent source(s), "
                f"{len(v['documents'])} document(s): {quotes}"
            )


@cli.command()
@DB_OPTION
@CONFIG_OPTION
@click.option("--speaker", help="Only quotes by this entity (id or name), or 'unknown'.")
@click.option("--story", help="Only quotes in this story id.")
@click.option("--kind", type=click.Choice(["direct", "indirect"]), help="Only this kind.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def quotes(db: str | None, config_path: Path | None, as_json: bool, **filters: Any) -> None:
    """List quotes with their speakers (unknown when the text does not say)."""
    found = _query(functools.partial(api.quotes, **filters), db, config_path, as_json)
    if found is None:
        return
    echo(f"{len(found)} quote(s)")
    for q in found:
        speaker = _ref(q["speaker"]) if q.get("speaker") else "unknown"
        text = q["text"] if len(q["text"]) < 120 else q["text"][:117] + "..."
        echo(f"  {speaker}: {'“' + text + '”' if q['kind'] == 'direct' else text}")


@cli.command()
@DB_OPTION
@CONFIG_OPTION
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("report.html"),
    show_default=True,
    help="The HTML file to write.",
)
@click.option("--title", help="Title of the report (default: from the stories).")
def report(db: str | None, config_path: Path | None, out: Path, title: str | None) -> None:
    """Write one self-contained HTML report (opens offline) of everything found."""
    config = _config(config_path)
    path = _require_store(db, config)
    try:
        written = api.report(out, db=path, config=config, title=title)
    except StorylineError as e:
        raise Fatal(str(e)) from None
    echo(f"Report: {written}")


@cli.command()
@DB_OPTION
@CONFIG_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--token",
    envvar="STORYLINE_TOKEN",
    help="Access token, required when binding beyond loopback (or $STORYLINE_TOKEN).",
)
def serve(
    db: str | None, config_path: Path | None, host: str, port: int, token: str | None
) -> None:
    """Browse the results in a web UI (read-only; JSON API under /api/)."""
    config = _config(config_path)
    path = _require_store(db, config)
    from storyline.web.app import serve as _serve

    try:
        _serve(path, host=host, port=port, token=token)
    except (StorylineError, ValueError) as e:
        raise Fatal(str(e)) from None
