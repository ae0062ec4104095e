"""Reading and writing corpora: finding input files, decoding them, writing atomically."""

from __future__ import annotations

import codecs
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TEXT_SUFFIXES = (".txt",)
STDIN = "-"


class InputError(ValueError):
    """A file that cannot be cleaned; the message is one line naming the file."""


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file to clean and where its output goes, relative to the output folder."""

    path: Path
    relative: Path

    @property
    def name(self) -> str:
        return self.relative.as_posix()


def find_inputs(paths: list[str], exclude: Path | None = None) -> Iterator[InputFile]:
    """Expand files and folders (recursively, sorted) into input files.

    A file inside a named folder keeps its path relative to that folder; a file
    named directly goes to the top of the output. Symlinked folders are not
    followed, so a walk never leaves the tree it was given; `exclude` (the
    output folder) is skipped, so outputs are never read back as inputs.
    """
    skip = exclude.resolve() if exclude is not None else None
    seen: set[Path] = set()
    for item in _walk(paths, skip):
        # A file named twice (or inside two named folders) is cleaned once: a second pass would
        # read its own output, or dedup it against itself.
        key = item.path if str(item.path) == STDIN else item.path.resolve()
        if key not in seen:
            seen.add(key)
            yield item


def _walk(paths: list[str], skip: Path | None) -> Iterator[InputFile]:
    for given in paths:
        root = Path(given)
        if given == STDIN:
            yield InputFile(root, Path("stdin.txt"))
        elif root.is_dir():
            found = []
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(
                    d for d in dirnames if not d.startswith(".") and (Path(dirpath) / d).resolve() != skip
                )
                for filename in filenames:
                    if filename.endswith(TEXT_SUFFIXES) and not filename.startswith("."):
                        path = Path(dirpath) / filename
                        found.append(InputFile(path, path.relative_to(root)))
            yield from sorted(found, key=lambda f: f.relative.as_posix())
        else:
            yield InputFile(root, Path(root.name))


def decode(data: bytes, name: str) -> str:
    """Bytes to text: UTF-8 (a BOM is dropped) or UTF-16 with a BOM; anything else is an InputError.

    >>> decode(b"\\xef\\xbb\\xbfhi", "a.txt")
    'hi'
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: invalid UTF-16 at byte {exc.start}") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{name}:{line}: not valid UTF-8 (byte {exc.start})") from None


def read_text(path: Path) -> str:
    """Read and decode one input file (`-` is standard input); failures become a one-line InputError."""
    try:
        data = sys.stdin.buffer.read() if str(path) == STDIN else path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return decode(data, str(path))


def write_atomic(path: Path, text: str) -> None:
    """Write text so that `path` holds either its old content or the new, never a part.

    The temporary file sits in the same folder (same file system), is flushed to
    disk, then renamed over the target; on any error it is removed.
    """
    path = path.resolve()  # rewriting a symlinked file must change the file, not replace the link
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private; give it the target's mode, or the usual one for a new file.
        os.chmod(temp, path.stat().st_mode & 0o7777 if path.exists() else 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
