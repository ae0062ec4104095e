"""The manifest of a run into a folder: which inputs are finished, so that `--resume` can skip them.

One JSON line per finished input, appended (and flushed to disk) right after
its output was written: a run killed at any moment leaves a manifest naming
only inputs whose outputs are complete. A torn last line (the kill came in the
middle of the append) is ignored, and that input is simply cleaned again.
An input counts as finished only while its size and modification time are
those recorded: an edited input is cleaned again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .io import InputFile

WORK_DIR = ".cleaner"  # inside the output folder; hidden, so never read back as input
MANIFEST = "manifest.jsonl"


def fingerprint(item: InputFile) -> dict:
    """What identifies the version of an input that was cleaned."""
    try:
        status = item.path.stat()
    except OSError:
        return {"source": str(item.path)}
    return {"source": str(item.path), "size": status.st_size, "mtime_ns": status.st_mtime_ns}


class Manifest:
    """Finished inputs of the run writing into one output folder.

    >>> import tempfile; out = Path(tempfile.mkdtemp())
    >>> source = out / "a.txt"; _ = source.write_text("x")
    >>> manifest = Manifest(out); manifest.reset(); manifest.add(InputFile(source, Path("a.txt")), {"documents": 1})
    >>> Manifest(out).finished([InputFile(source, Path("a.txt"))])
    {'a.txt': {'documents': 1}}
    """

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / WORK_DIR / MANIFEST

    def reset(self) -> None:
        """Start a fresh run: nothing is finished."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.unlink(missing_ok=True)

    def finished(self, inputs: list[InputFile]) -> dict[str, dict]:
        """For each of `inputs` already finished (same size and modification time), its report entry."""
        wanted = {item.name: fingerprint(item) for item in inputs}
        done: dict[str, dict] = {}
        try:
            lines = self.path.read_bytes().splitlines()
        except OSError:
            return done
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a torn last line
            if isinstance(entry, dict) and wanted.get(entry.get("name")) == entry.get("input"):
                done[entry["name"]] = entry.get("report", {})
        return done

    def add(self, item: InputFile, report: dict) -> None:
        """Record one input as finished, durably, after its output is in place."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # ASCII: a file name that is not UTF-8 (lone surrogates in Python) is written as \\udcXX and read back the same.
        # The report entry keeps its keys in their order: a resumed run writes it into report.json as it was.
        line = json.dumps({"name": item.name, "input": fingerprint(item), "report": report}, ensure_ascii=True)
        try:
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        except OSError:
            pass  # a full disk: the input is simply not counted finished, and --resume cleans it again
