"""The library gives, byte for byte, what `cleaner clean` writes for the same input and settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from texts import P1, P2, P3

from cleaner.formats import dumps

SHARED = "Lindenberg Gazette weekly digest"  # a short line in most records: a template line, learned in a first pass

PAGE = (
    "<!DOCTYPE html><html lang=de><head><meta charset=windows-1252><title>Haushalt beschlossen</title>"
    "<script>var tracking = 'Skip to content';</script><style>p { color: red }</style></head><body>"
    "<nav><ul><li><a href=/>Startseite</a></li><li><a href=/politik>Politik</a></li></ul></nav>"
    "<article><h1>Haushalt beschlossen</h1>"
    f"<p>{P1}</p><p>Die Bürgermeisterin sagte, dass das Geld vor allem für die Straßen und für zwei neue Schulen"
    " verwendet werde, und dass die Stadt die Liste der Projekte noch in diesem Monat veröffentlichen wolle.</p>"
    f"<p>{P2}</p></article>"
    "<aside class=newsletter><p>Sign up for our newsletter</p></aside>"
    "<footer><p>© 2024 Lindenberger Zeitung. Alle Rechte vorbehalten.</p></footer></body></html>"
)


def corpus(seed_files: list[Path]) -> list[dict]:
    """Records as a corpus has them: a recurring line, repeated paragraphs, records without an id or text."""
    records: list[dict] = [
        {"id": f"seed-{n}", "text": f"{SHARED}\n\n{path.read_text(encoding='utf-8')}\n\nMore from the Gazette desk", "file": path.name}
        for n, path in enumerate(seed_files)
    ]
    records += [{"text": f"{SHARED}\n\n{P1}"}, {"id": None, "text": f"{P2}\n{SHARED}"}, {"id": 7, "text": P3},
                {"body": "no text"}, {"text": "Skip to content"}, {"text": f"{P1}\n\n{P3}"}]
    return records


def test_clean_many_gives_what_cleaner_clean_writes_for_a_jsonl_file(run_cli, tmp_path, seed_files, default_cleaner):
    records = corpus(seed_files)
    source = tmp_path / "c.jsonl"
    source.write_bytes(b"".join(json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in records))
    run_cli("clean", source, "-o", tmp_path / "out", "--no-progress")
    written = [json.loads(line) for line in (tmp_path / "out" / "c.jsonl").read_bytes().splitlines()]
    rejects = [json.loads(line) for line in (tmp_path / "out" / "c.rejects.jsonl").read_bytes().splitlines()]

    results = list(default_cleaner.clean_many(records))
    assert len(results) == len(records)  # one result per record, rejected ones included
    assert [r.text for r in results if not r.rejected] == [record["text"] for record in written]
    assert [r.language for r in results if not r.rejected] == [record["cleaner"]["language"] for record in written]
    # The CLI's rejects name the line ("c.jsonl:9: ..."), the library's the record ("record 8: ...").
    assert [r.rejected.split(": ", 1)[-1] for r in results if r.rejected] == [
        reject["reason"].split("c.jsonl:", 1)[-1].split(": ", 1)[-1] for reject in rejects]
    assert any(block.category == "template" for r in results for block in r.removed)  # the first pass mattered
    # The record as the CLI writes it, byte for byte, but where the first copy of a duplicate is named: the CLI
    # names it by file and line, the library by the stream's ids.
    lines = (tmp_path / "out" / "c.jsonl").read_bytes().splitlines(keepends=True)
    kept = [(record, r) for record, r in zip(records, results, strict=True) if not r.rejected]
    unnamed = [(line, record, r) for line, (record, r) in zip(lines, kept, strict=True) if "duplicate_of" not in r.summary]
    assert len(unnamed) >= len(kept) - 1
    for line, record, result in unnamed:
        assert dumps({**record, "text": result.text, "cleaner": result.summary}) == line


def test_clean_gives_what_cleaner_clean_writes_for_an_html_file(run_cli, tmp_path, default_cleaner):
    page = PAGE.encode("cp1252")
    (tmp_path / "page.html").write_bytes(page)
    run_cli("clean", tmp_path / "page.html", "-o", tmp_path / "out", "--no-progress")
    written = (tmp_path / "out" / "page.txt").read_text(encoding="utf-8")
    assert "Bürgermeisterin" in written and "Startseite" not in written and "tracking" not in written

    for given in (page, PAGE):
        result = default_cleaner.clean(given)
        assert result.text == written
        assert result.metadata["title"] == "Haushalt beschlossen"
    assert default_cleaner.clean(page, format="html").text == written


def test_clean_gives_what_cleaner_clean_writes_for_a_text_file(run_cli, tmp_path, seed_files, default_cleaner):
    for path in seed_files[:2]:
        run_cli("clean", path, "-o", tmp_path / "out", "--no-progress")
        written = (tmp_path / "out" / path.name).read_text(encoding="utf-8")
        assert default_cleaner.clean(path.read_bytes()).text == written
        assert default_cleaner.clean(path.read_text(encoding="utf-8")).text == written


def test_format_can_be_given(fast_cleaner):
    markup = f"<p>{P1}</p>"
    assert fast_cleaner.clean(markup).text == P1 + "\n"  # detected: read as a page
    assert fast_cleaner.clean(markup, format="text").text == markup + "\n"  # given: kept as the text it is
    assert fast_cleaner.clean(f"<ul><li>{P3}</ul>", format="html").text == f"* {P3}\n"
    (record,) = fast_cleaner.clean_many([{"text": markup}], templates=None)
    assert record.text == markup + "\n"  # a record's text is text, as in a JSONL file
    (page,) = fast_cleaner.clean_many([{"text": markup}], templates=None, format="html")
    assert page.text == P1 + "\n"
    with pytest.raises(ValueError, match="format must be one of auto, text, html"):
        fast_cleaner.clean(markup, format="xml")


def test_templates_none_cleans_without_the_first_pass(default_cleaner, seed_files):
    records = corpus(seed_files)
    learned = list(default_cleaner.clean_many(records))
    without = list(default_cleaner.clean_many(records, templates=None))
    assert [r.text for r in learned] != [r.text for r in without]
    table = default_cleaner.learn_templates(r["text"] for r in records if isinstance(r.get("text"), str))
    assert [r.text for r in default_cleaner.clean_many(iter(records), templates=table)] == [r.text for r in learned]

