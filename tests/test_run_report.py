"""report.json written from spooled entries is the JSON `json.dumps(report, indent=2)` gives."""

from __future__ import annotations

import json

from cleaner.run_report import FileEntries, write_report


def expected(head: dict, files: dict, tail: dict) -> str:
    return json.dumps({**head, "files": files, **tail}, indent=2, ensure_ascii=False) + "\n"


def test_the_report_is_byte_for_byte_what_json_dumps_writes(tmp_path):
    files = {
        'päge "1".txt': {"documents": 1, "removed": {"navigation": 3, "byline": 1}, "page": {"title": "Grüße\nzwei"}},
        "d/b.jsonl": {"documents": 5, "rejected": 2, "failed": 1, "removed": {}},
        "c.txt": {"documents": 1, "removed": {"duplicate": 2}, "language": "de"},
    }
    head = {"cleaner": "9.9", "totals": {"documents": 7, "removed": {"navigation": 3}}}
    tail = {"errors": [{"file": "x.txt", "error": "x.txt: bad"}], "dedup": {"clusters": [], "count": 0}}
    entries = FileEntries(tmp_path / "work")
    for name, entry in files.items():
        entries.add(name, entry)
    write_report(tmp_path / "report.json", head, entries, tail)
    assert (tmp_path / "report.json").read_text(encoding="utf-8") == expected(head, files, tail)
    assert entries.rejected == 1  # 2 rejected, of which 1 unreadable (a failure)


def test_an_empty_run_writes_empty_files_and_entries_can_be_read_twice(tmp_path):
    entries = FileEntries()
    write_report(tmp_path / "report.json", {"cleaner": "1"}, entries, {"errors": []})
    assert (tmp_path / "report.json").read_text(encoding="utf-8") == expected({"cleaner": "1"}, {}, {"errors": []})
    entries.add("a.txt", {"documents": 1})
    assert list(entries) == list(entries) == [("a.txt", {"documents": 1})]
    entries.add("b.txt", {"documents": 2})  # after a read, entries still append at the end
    assert [name for name, _ in entries] == ["a.txt", "b.txt"]
