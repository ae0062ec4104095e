"""Corpora on disk: finding the input files and where their outputs go, and writing an output atomically.

Reading a file's bytes into text is `decoding`'s.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
# Record files (see `formats`): cleaned record by record into a file of the same form.
RECORD_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson", ".ndjson.gz", ".ndjson.zst", ".parquet")
STDIN = "-"


class InputError(ValueError):
    """A file that cannot be cleaned; the message is one line naming the file."""


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file to clean and where its output goes, relative to the output folder."""

    path: Path
    relative: Path  # where the output goes: an HTML page NAME.html is cleaned into NAME.txt

    @property
    def name(self) -> str:
        """The output's relative path as one printable line (for the report, the manifest and messages).

        >>> InputFile(Path("x"), Path(os.fsdecode(b"a\\xff\\nb.txt"))).name
        'a\\\\xff\\\\nb.txt'
        """
        return printable(self.relative.as_posix())

    @property
    def is_html(self) -> bool:
        """Whether the file is an HTML page (by its suffix), read with `decode_html` and parsed.

        >>> InputFile(Path("a/Page.HTM"), Path("Page.txt")).is_html
        True
        """
        return self.path.suffix.lower() in HTML_SUFFIXES

    @property
    def is_records(self) -> bool:
        """Whether the file holds records (JSONL, Parquet) rather than one document.

        >>> InputFile(Path("shard.jsonl.zst"), Path("shard.jsonl.zst")).is_records
        True
        """
        return self.path.name.lower().endswith(RECORD_SUFFIXES)


def printable(text: str) -> str:
    """Text fit for one line of stderr and for UTF-8 JSON: undecodable bytes of a file name and control characters escaped.

    File names are bytes: a name that is not UTF-8 comes into Python with lone surrogates, which
    cannot be written as UTF-8, and a name may hold a newline, which would split a one-line error.

    >>> printable("ok.txt"), printable(os.fsdecode(b"bad\\xff.txt")), printable("two\\nlines")
    ('ok.txt', 'bad\\\\xff.txt', 'two\\\\nlines')
    """
    if text.isprintable():
        return text
    out = []
    for char in text:
        if "\udc80" <= char <= "\udcff":
            out.append(f"\\x{ord(char) - 0xDC00:02x}")  # a byte that was not UTF-8
        elif char.isprintable() or char == " ":
            out.append(char)
        else:
            out.append(char.encode("unicode_escape", "backslashreplace").decode("ascii"))
    return "".join(out)


def output_path(path: Path) -> Path:
    """The output's relative path for an input's: a page's text goes beside it as .txt.

    >>> output_path(Path("news/page.html")).as_posix(), output_path(Path("a.txt")).as_posix()
    ('news/page.txt', 'a.txt')
    """
    return path.with_suffix(".txt") if path.suffix.lower() in HTML_SUFFIXES else path


def find_inputs(paths: list[str], exclude: Path | None = None, keep_paths: bool = False,
                skipped: list[str] | None = None) -> Iterator[InputFile]:
    """Expand files and folders (recursively, sorted) into input files.

    A file inside a named folder keeps its path relative to that folder; a file
    named directly goes to the top of the output. Symlinked folders are not
    followed, so a walk never leaves the tree it was given; `exclude` (the
    output folder) is skipped, so outputs are never read back as inputs.
    Inside a folder only regular files are inputs: a FIFO (reading it would wait
    for a writer forever), a socket, a device, or a link that loops or leads
    nowhere is named in `skipped` (one line each) and left alone. A path named
    directly may be a pipe (`<(cmd)`, `/dev/stdin`): it is read once (`is_regular`).

    With `keep_paths` (nothing is written under an output folder: check, in place) each file is named
    by its path as given or walked, so that a persisted dedup index knows `corpus/a.txt` by one name whether
    the folder or the file was named, and two `a.txt` in different folders by two.
    """
    skip = exclude.resolve() if exclude is not None else None
    seen: set[Path] = set()
    for item in _walk(paths, skip, skipped if skipped is not None else []):
        if keep_paths and str(item.path) != STDIN:
            item = InputFile(item.path, item.path)
        # A file named twice (or inside two named folders) is cleaned once: a second pass would
        # read its own output, or dedup it against itself.
        try:
            key = item.path if str(item.path) == STDIN else item.path.resolve()
        except (OSError, RuntimeError):  # a link that loops: reading it says so, in one line
            key = item.path.absolute()
        if key not in seen:
            seen.add(key)
            yield item


def is_regular(path: Path) -> bool:
    """Whether a path (links followed) is a regular file, which can be read more than once.

    Standard input, a pipe and a device can be read once only, so the first (templates) pass leaves them to the
    cleaning pass.

    >>> is_regular(Path(__file__)), is_regular(Path(STDIN)), is_regular(Path("/dev/null"))
    (True, False, False)
    """
    if str(path) == STDIN:
        return False
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (OSError, RuntimeError):
        return True  # reading it fails, and says why


def _not_regular(path: Path) -> str | None:
    """Why a file found in a folder is not an input (a FIFO, a socket, a looping link...), or None when it is one."""
    try:
        mode = path.stat().st_mode
    except (OSError, RuntimeError) as exc:
        if path.is_symlink():
            return "a symbolic link that loops or leads nowhere"
        return f"cannot read: {getattr(exc, 'strerror', None) or exc}"
    if stat.S_ISREG(mode):
        return None
    kinds = {stat.S_ISFIFO: "a FIFO", stat.S_ISSOCK: "a socket", stat.S_ISCHR: "a character device", stat.S_ISBLK: "a block device"}
    return "not a regular file (" + next((name for test, name in kinds.items() if test(mode)), "special") + ")"


def _walk(paths: list[str], skip: Path | None, skipped: list[str]) -> Iterator[InputFile]:
    for given in paths:
        root = Path(given)
        if given == STDIN:
            yield InputFile(root, Path("stdin.txt"))
        elif root.is_dir():
            found = []
            inside = root.resolve()
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(
                    d for d in dirnames if not d.startswith(".") and (Path(dirpath) / d).resolve() != skip
                )
                for filename in sorted(filenames):
                    if filename.lower().endswith(TEXT_SUFFIXES + HTML_SUFFIXES + RECORD_SUFFIXES) and not filename.startswith("."):
                        path = Path(dirpath) / filename
                        if path.is_symlink() and path.exists() and not _inside(path, inside):
                            continue  # a link out of the tree it was given: never read
                        why = _not_regular(path)
                        if why is not None:
                            skipped.append(printable(f"{path}: {why}; skipped"))
                            continue
                        found.append(InputFile(path, output_path(path.relative_to(root))))
            yield from sorted(found, key=lambda f: f.relative.as_posix())
        else:
            yield InputFile(root, output_path(Path(root.name)))


def _inside(path: Path, root: Path) -> bool:
    """Whether a path, links resolved, lies under `root` (itself resolved)."""
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):  # elsewhere, or a dangling or looping link
        return False
    return True


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
