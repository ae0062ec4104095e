"""Reading and writing corpora: finding input files, decoding them, writing atomically."""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
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


def bomless_utf16(data: bytes) -> str | None:
    """The codec of UTF-16 text written without a BOM, told by where its NUL bytes fall; None if it is not that.

    Text in a Latin, Greek or Cyrillic script has a NUL in every other byte, all at odd offsets (little-endian)
    or all at even ones (big-endian); binary data has them anywhere.

    >>> bomless_utf16("Grüße aus Köln".encode("utf-16-le")), bomless_utf16(b"\\x89PNG\\x00\\x00\\x00\\rIHDR")
    ('utf-16-le', None)
    """
    if len(data) < 2 or len(data) % 2:
        return None
    head = data[:8192]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    for codec, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if others == 0 and zeros >= len(head) // 4:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                return None
            # Control characters other than line breaks and tabs say it was binary after all.
            return codec if not any(c < " " and c not in "\t\n\r\f" for c in text[:4096]) else None
    return None


def decode(data: bytes, name: str) -> str:
    """Bytes to text, as `decode_text` reads them.

    >>> decode(b"\\xef\\xbb\\xbfhi", "a.txt")
    'hi'
    """
    return decode_text(data, name)[0]


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Bytes to text and the codec that read them: UTF-8 (a BOM is dropped), UTF-16 (with or without a BOM),
    else the lines that are not UTF-8 in the codec detected on them; binary data is an InputError.

    Line by line, because files put together from several sources mix UTF-8 with a legacy code page.

    >>> decode_text("Grüße aus Köln\\n".encode("cp1252"), "a.txt")
    ('Grüße aus Köln\\n', 'cp1252')
    >>> decode_text("Grüße\\n".encode() + "Viele Grüße aus Köln.\\n".encode("cp1252"), "a.txt")
    ('Grüße\\nViele Grüße aus Köln.\\n', 'cp1252')
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: invalid UTF-16 at byte {exc.start}") from None
    if b"\x00" in data[:8192]:
        codec = bomless_utf16(data)
        if codec is not None:
            return data.decode(codec), codec
        raise InputError(f"{name}: binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    lines = data.splitlines(keepends=True)
    foreign = [line for line in lines if not _is_utf8(line)]
    codec = detect_text_charset(b"".join(foreign))
    if codec is None:
        line = data[:first_bad].count(b"\n") + 1
        raise InputError(f"{name}:{line}: not valid UTF-8 (byte {first_bad}), nor text in any encoding detected")
    text = "".join(line.decode("utf-8") if _is_utf8(line) else line.decode(codec, errors="replace") for line in lines)
    return text.removeprefix("\ufeff"), codec


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def detect_text_charset(data: bytes) -> str | None:
    """The codec of text bytes that are not UTF-8 (charset-normalizer), or None when nothing reads them as text.

    Short texts read equally well in several code pages; Windows-1252, the commonest legacy encoding of
    Western text, is chosen among those that read them best, or when it gives the same text as the best.

    >>> detect_text_charset("für Straßen und Schulen".encode("cp1252")), detect_text_charset("Привет, как дела".encode("cp1251"))
    ('cp1252', 'cp1251')
    """
    from charset_normalizer import from_bytes  # only text that is not UTF-8 needs it

    matches = list(from_bytes(data))
    if not matches:
        return None
    best = min(matches, key=lambda match: match.chaos)
    tied = {match.encoding for match in matches if match.chaos <= best.chaos}
    codec = codecs.lookup(_SUPERSETS.get(best.encoding, best.encoding)).name
    if "cp1252" in tied:
        return "cp1252"
    try:
        if data.decode("cp1252") == data.decode(codec):
            return "cp1252"
    except UnicodeDecodeError:
        pass
    return codec


def read_bytes(path: Path) -> bytes:
    """The bytes of one input file (`-` is standard input); failures become a one-line InputError."""
    try:
        return sys.stdin.buffer.read() if str(path) == STDIN else path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def read_text(path: Path) -> str:
    """Read and decode one input text file (`-` is standard input); failures become a one-line InputError."""
    return read_text_and_codec(path)[0]


def read_text_and_codec(path: Path) -> tuple[str, str]:
    """One input text file's text and the codec that read it (see `decode_text`)."""
    return decode_text(read_bytes(path), str(path))


# A charset declared in the first bytes of a page: <meta charset=...> or http-equiv's content="...; charset=...".
_DECLARED = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{2,40})""", re.IGNORECASE)
PRESCAN_BYTES = 4096  # browsers look no further (the HTML standard says 1,024; pages put long heads first)
# Labels whose bytes browsers decode with a superset codec (the WHATWG Encoding Standard's mapping).
_SUPERSETS = {
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252",
    "iso-8859-9": "cp1254", "tis-620": "cp874", "iso-8859-11": "cp874", "shift_jis": "cp932", "shift-jis": "cp932",
    "sjis": "cp932", "x-sjis": "cp932", "gb2312": "gb18030", "gbk": "gb18030", "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949", "big5": "big5hkscs", "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8",
}


def declared_charset(data: bytes) -> str | None:
    """The codec a page's <meta> names, mapped as browsers map it; None if none is named or known.

    >>> declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">')
    'cp932'
    >>> declared_charset(b"<meta charset='utf-8'>"), declared_charset(b"<meta charset=klingon>")
    ('utf-8', None)
    """
    found = _DECLARED.search(data[:PRESCAN_BYTES])
    if found is None:
        return None
    label = found.group(1).decode("ascii").lower()
    label = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(data: bytes, name: str) -> str:
    """A page's bytes to text: the charset of a BOM, else of its <meta>, else UTF-8, else detected.

    Valid UTF-8 with non-ASCII bytes wins over a declared single-byte charset: such
    bytes are almost never meant as Latin-1, and pages often declare one thing
    and are served as the other.

    >>> decode_html("<meta charset=windows-1251><p>Привет".encode("cp1251"), "a.html")
    '<meta charset=windows-1251><p>Привет'
    >>> decode_html("<meta charset=iso-8859-1><p>Grüße".encode("utf-8"), "a.html")
    '<meta charset=iso-8859-1><p>Grüße'
    """
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    if b"\x00" in data[:8192]:
        codec = bomless_utf16(data)
        if codec is not None:
            return data.decode(codec)
        raise InputError(f"{name}: binary file (NUL bytes), not HTML")
    declared = declared_charset(data)
    if declared != "utf-8" and not data.isascii():
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if declared is not None:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass  # declared wrongly: detect instead
    return data.decode(detect_charset(data) or declared or "cp1252", errors="replace")


def detect_charset(data: bytes) -> str | None:
    """The most likely codec of undeclared, non-UTF-8 bytes (charset-normalizer), or None.

    >>> detect_charset("これは日本語の文章です。文字コードを推測します。".encode("shift_jis"))
    'cp932'
    """
    from charset_normalizer import from_bytes  # only pages that neither declare nor are UTF-8 need it

    best = from_bytes(data).best()
    if best is None:
        return None
    return codecs.lookup(_SUPERSETS.get(best.encoding, best.encoding)).name


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
