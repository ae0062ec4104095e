"""report.json of a run: each input's entry kept on disk as the run goes, the whole written at the end as one file.

A folder of ten million pages has ten million entries; held in a dict until the
end, they were the run's largest memory (5 to 10 kB of Python objects each). Here each entry
is a JSON line in a spool file, and the report is written from it a part at a
time, byte for byte what `json.dumps(report, indent=2)` gives.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .formats import AtomicOutput

INDENT = 2


class FileEntries:
    """Each input's report entry in the order added, spooled to a temporary file (in `folder`, if given).

    >>> entries = FileEntries(); entries.add("a.txt", {"documents": 1}); entries.add("b.jsonl", {"rejected": 2})
    >>> list(entries), len(entries), entries.rejected
    ([('a.txt', {'documents': 1}), ('b.jsonl', {'rejected': 2})], 2, 2)
    """

    def __init__(self, folder: Path | None = None) -> None:
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        self._spool = tempfile.TemporaryFile(dir=folder, prefix="report-files-")  # gone when closed, or if the run dies
        self._count = 0
        self.rejected = 0  # records with nothing left to write, over all record files

    def __len__(self) -> int:
        return self._count

    def add(self, name: str, entry: dict, failed_whole: bool = False) -> None:
        """Add one input's entry; `failed_whole` for a record file that failed as a whole (counted among the failed,
        with no record rejected for it)."""
        self._spool.write(json.dumps([name, entry], ensure_ascii=False).encode("utf-8") + b"\n")
        self._count += 1
        if "rejected" in entry:  # a record file's: its unreadable records count among the failed too
            self.rejected += entry["rejected"] - (entry.get("failed", 0) - failed_whole)

    def __iter__(self) -> Iterator[tuple[str, dict]]:
        self._spool.flush()
        self._spool.seek(0)
        for line in self._spool:
            name, entry = json.loads(line)
            yield name, entry
        self._spool.seek(0, 2)  # where the next entry goes

    def close(self) -> None:
        self._spool.close()


class RunEntries(FileEntries):
    """The entries of a run in the order of one uninterrupted run, `order`: those of inputs an earlier run finished
    (`done`, by name) take their places among the ones added, so a resumed run writes the same report.

    >>> entries = RunEntries(None, ["a", "b", "c"], {"a": {"documents": 1}, "c": {"documents": 3}})
    >>> entries.add("b", {"documents": 2}); entries.finish(); [name for name, _ in entries]
    ['a', 'b', 'c']
    """

    def __init__(self, folder: Path | None, order: list[str], done: dict[str, dict]) -> None:
        super().__init__(folder)
        self._position = {name: number for number, name in enumerate(order)}
        self._done = sorted(done.items(), key=lambda item: self._position.get(item[0], len(order)), reverse=True)

    def add(self, name: str, entry: dict, failed_whole: bool = False) -> None:
        position = self._position.get(name, len(self._position))
        while self._done and self._position.get(self._done[-1][0], len(self._position)) < position:
            super().add(*self._done.pop())
        super().add(name, entry, failed_whole)

    def finish(self) -> None:
        """Add the finished entries that come after the last one added."""
        while self._done:
            super().add(*self._done.pop())


def write_report(path: Path, head: dict, files: FileEntries, tail: dict) -> None:
    """Write `{**head, "files": {name: entry, ...}, **tail}` as `json.dumps(..., indent=2)` would, atomically.

    >>> import tempfile; path = Path(tempfile.mkdtemp()) / "report.json"
    >>> entries = FileEntries(); entries.add("a.txt", {"documents": 1})
    >>> write_report(path, {"cleaner": "1"}, entries, {"errors": []})
    >>> path.read_text() == json.dumps({"cleaner": "1", "files": {"a.txt": {"documents": 1}}, "errors": []}, indent=2) + "\\n"
    True
    """
    with AtomicOutput(path) as out:
        for number, (name, value) in enumerate([*head.items(), ("files", files), *tail.items()]):
            out.write(f"{',' if number else '{'}\n{' ' * INDENT}{_dumps(name)}: ".encode())
            if value is files:
                _write_entries(out, files)
            else:
                out.write(_nested(value, 1))
        out.write(b"\n}\n")


def _write_entries(out: BinaryIO, files: FileEntries) -> None:
    """The `files` object, an entry at a time, as it sits one level inside the report."""
    if not len(files):
        out.write(b"{}")
        return
    for number, (name, entry) in enumerate(files):
        out.write(f"{',' if number else '{'}\n{' ' * 2 * INDENT}{_dumps(name)}: ".encode() + _nested(entry, 2))
    out.write(f"\n{' ' * INDENT}}}".encode())


def _dumps(value: object) -> str:
    return json.dumps(value, indent=INDENT, ensure_ascii=False)


def _nested(value: object, depth: int) -> bytes:
    """`value` as `json.dumps` writes it at `depth` levels inside a document (strings never hold a raw newline)."""
    return _dumps(value).replace("\n", "\n" + " " * INDENT * depth).encode("utf-8")
