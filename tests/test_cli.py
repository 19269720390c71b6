from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from storyline.cli import cli
from storyline.outputs.export import validate_export

BODY = "The island council approved a new timetable for the winter ferries on Tuesday evening."


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_analyze_export_status(tmp_path, fixtures) -> None:
    db = str(tmp_path / "s.db")
    code, _, err = run("analyze", str(fixtures / "articles"), "--db", db)
    assert code == 0, err
    assert "new document(s)" in err
    code, out, _ = run("export", "--db", db, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["schema"] == "storyline/1" and len(data["documents"]) == 4
    code, out, _ = run("export", "--db", db, "--format", "jsonl")
    assert code == 0 and all(json.loads(line) for line in out.splitlines())
    code, out, _ = run("status", "--db", db)
    assert code == 0 and "2 post(s)" in out


def test_failures_give_exit_code_1_and_one_line_each(tmp_path) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "ok.txt").write_text(BODY)
    code, _, err = run("analyze", str(tmp_path), "--db", str(tmp_path / "s.db"))
    assert code == 1
    lines = [line for line in err.splitlines() if line.startswith("storyline: ")]
    assert len(lines) == 1 and "empty.txt" in lines[0] and "empty" in lines[0]


def test_fatal_errors_exit_2(tmp_path) -> None:
    bad = tmp_path / "c.toml"
    bad.write_text("[fetch]\ntimeuot = 1\n")
    code, _, err = run("analyze", str(tmp_path), "--config", str(bad))
    assert code == 2 and "did you mean 'timeout'" in err
    code, _, err = run("export", "--db", str(tmp_path / "none.db"))
    assert code == 2 and "no store" in err
    notdb = tmp_path / "not.db"
    notdb.write_text("hello, I am not a database " * 100)
    code, _, err = run("analyze", str(bad), "--db", str(notdb))
    assert code == 2 and "error" in err


def test_export_to_folder(tmp_path, fixtures) -> None:
    db = str(tmp_path / "s.db")
    run("analyze", str(fixtures / "articles"), "--db", db)
    out = tmp_path / "tables"
    out.mkdir()
    code, _, _ = run("export", "--db", db, "--format", "csv", "--out", str(out))
    assert code == 0 and (out / "documents.csv").exists()
    code, _, _ = run(
        "export", "--db", db, "--format", "parquet", "--out", str(tmp_path / "d.parquet")
    )
    assert code == 0 and (tmp_path / "d.parquet").stat().st_size > 0


def test_demo(tmp_path) -> None:
    code, out, err = run("demo", "--out", str(tmp_path / "demo"))
    assert code == 0, err
    assert "demo.json" in out
    data = json.loads((tmp_path / "demo" / "demo.json").read_text())
    validate_export(data)
    kinds = [d["kind"] for d in data["documents"]]
    assert kinds.count("post") >= 2 and kinds.count("article") >= 5


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_and_docs(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0 and "Usage:" in out
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert f"storyline {command}" in readme


def test_progress_bar(tmp_path, fixtures) -> None:
    code, _, err = run(
        "analyze", str(fixtures / "articles"), "--db", str(tmp_path / "s.db"), "--progress"
    )
    assert code == 0 and "Ingesting" in err  # click draws the bar itself only on a terminal


def test_python_dash_m(tmp_path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "storyline", "--help"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 and "analyze" in proc.stdout


def test_eval_without_datasets_is_a_clear_error(tmp_path) -> None:
    code, _, err = run("eval", "--datasets", str(tmp_path / "missing"))
    assert code == 2 and "no datasets folder" in err


def test_sources_and_stories(tmp_path) -> None:
    fix = Path(__file__).parent / "fixtures" / "reuse"
    db = str(tmp_path / "s.db")
    assert run("analyze", str(fix), "--db", db)[0] == 0
    code, out, _ = run("sources", "--db", db)
    assert code == 0 and "expanded" in out and "independent source(s)" in out
    code, out, _ = run("sources", "--db", db, "--json")
    graph = json.loads(out)
    assert graph["independent_sources"] == len(graph["families"]) == 2
    code, out, _ = run("stories", "--db", db, "--json")
    found = json.loads(out)
    assert code == 0 and sum(s["size"] for s in found) == 4
    code, out, _ = run("stories", "--db", db)
    assert code == 0 and "independent source(s)" in out


def test_entities_command(tmp_path) -> None:
    pytest.importorskip("spacy")
    text = (
        "Mayor Ilona Varga of Kesteren said on Monday that the Kesteren Water Board (KWB) "
        "would rebuild the dyke. Varga said the KWB had warned of cracks in March."
    )
    f = tmp_path / "a.txt"
    f.write_text(text)
    db = str(tmp_path / "s.db")
    assert run("analyze", str(f), "--db", db)[0] == 0
    code, out, _ = run("entities", "--db", db, "--json")
    found = json.loads(out)
    assert code == 0
    varga = [e for e in found if e["label"] == "PERSON" and "Varga" in e["name"]]
    assert len(varga) == 1 and len(varga[0]["mentions"]) == 2
    for e in found:
        for m in e["mentions"]:
            assert text[m["start"] : m["end"]] == m["text"]
    code, out, _ = run("entities", "--db", db, "--label", "person")
    assert code == 0 and "Varga" in out


def test_hostile_text_cannot_drive_the_terminal(tmp_path) -> None:
    f = tmp_path / "post.txt"
    f.write_text(
        "The ferry \x1b[31mleft\x1b[0m the harbour at dawn, the port said.\x1b]0;owned\x07 "
        "Its captain, \u202eNadia Holm, waved.\n"
    )
    db = str(tmp_path / "s.db")
    assert run("analyze", str(f), "--db", db)[0] == 0
    for command in ("stories", "quotes", "claims", "entities", "status"):
        code, out, err = run(command, "--db", db)
        assert code == 0, err
        for bad in ("\x1b", "\x07", "\u202e"):
            assert bad not in out and bad not in err, (command, bad)
    code, out, _ = run("stories", "--db", db)
    # An untitled document is shown by the start of its text, its escapes visible.
    assert "(untitled) \u201cThe ferry \\u001b[31mleft" in out
    # The same escapes keep --json valid, and it reads back as the stored text.
    code, out, _ = run("stories", "--db", db, "--json")
    (story,) = json.loads(out)
    assert story["members"][0]["lead"].startswith("The ferry \x1b[31mleft\x1b[0m")


def test_terminal_safe_keeps_newlines_and_tabs() -> None:
    from storyline.outputs.terminal import terminal_safe

    assert terminal_safe("a\tb\nc") == "a\tb\nc"
    assert terminal_safe("\x00\x9b\u2066x") == "\\u0000\\u009b\\u2066x"
    # C1 controls and DEL, which json.dumps leaves as they are, become JSON escapes.
    raw = json.dumps({"t": "a\x85b\x7fc\u202ed"}, ensure_ascii=False)
    assert json.loads(terminal_safe(raw)) == {"t": "a\x85b\x7fc\u202ed"}
