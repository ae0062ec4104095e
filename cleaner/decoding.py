"""Input files' bytes into text: UTF-8, UTF-16 with or without a BOM, a page's declared or detected charset.

A file that cannot be read or is not text raises `io.InputError`, one line naming the file.
"""

from __future__ import annotations

import codecs
import re
import sys
from pathlib import Path

from .io import STDIN, InputError


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
