"""What the library takes in: text or an HTML page, as str or bytes, a record (a dict) or a Document.

Each becomes a `Document` the way `cleaner clean` reads the same input: bytes
are decoded as the CLI decodes a file (`decoding.decode` for text, `decoding.decode_html`
with its charset for a page), a page is left for the html stage, and a record's
text field is text, as in a JSONL file. What cannot become a document raises
`InputError` with a one-line reason naming the input.
"""

from __future__ import annotations

import codecs
import re

from .decoding import decode, decode_html
from .document import Document
from .html import page_text
from .io import InputError

FORMATS = ("auto", "text", "html")
SNIFF_CHARS = 4096  # a page names its first tags within its first few kB; a head of scripts may push them later
# Tags a page opens with or holds near its start. A text dump of a page never starts with "<", so a text that
# does, and has one of these within SNIFF_CHARS, is taken for markup.
_PAGE_TAG = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|link|script|style|div|p|article|section|main|header|nav|table|"
    r"ul|ol|li|h[1-6]|span|a|br|img|form)[\s/>]",
    re.IGNORECASE,
)


def looks_like_html(text: str) -> bool:
    """Whether a text is an HTML page (or fragment) rather than text: it starts with a tag and has a known one early.

    >>> looks_like_html("<!DOCTYPE html><html><body><p>Hi"), looks_like_html("  <p>One.</p>")
    (True, True)
    >>> looks_like_html("Use <b>bold</b> sparingly."), looks_like_html("<3 to all of you"), looks_like_html("")
    (False, False, False)
    """
    start = text.lstrip("\ufeff \t\r\n")
    return start.startswith("<") and _PAGE_TAG.search(start, 0, SNIFF_CHARS) is not None


def bytes_look_like_html(data: bytes) -> bool:
    """`looks_like_html` on the first bytes of a page, whatever its encoding (UTF-16 too: its NULs are skipped).

    >>> bytes_look_like_html("<html><p>Grüße".encode("utf-16")), bytes_look_like_html(b"plain text")
    (True, False)
    """
    head = data[: SNIFF_CHARS * 2]
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        head = head.removeprefix(bom)
    return looks_like_html(head.replace(b"\x00", b"").decode("latin-1"))


def read_input(data: str | bytes, name: str, format: str = "auto", id: str = "") -> Document:  # noqa: A002 - the caller's words
    """One input as a Document, read as the CLI reads a file of it; raises InputError naming `name`.

    `format` is "text", "html", or "auto" (`looks_like_html` decides).

    >>> read_input(b"<p>Hi</p>", "a").format, read_input("Hi", "a").format, read_input("<p>Hi", "a", "text").format
    ('html', 'text', 'text')
    >>> read_input(b"\\xff\\xfe\\x00", "record 3")
    Traceback (most recent call last):
    cleaner.io.InputError: record 3: invalid UTF-16 at byte 2
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    if isinstance(data, bytes | bytearray | memoryview):
        data = bytes(data)
        html = format == "html" or (format == "auto" and bytes_look_like_html(data))
        text = decode_html(data, name) if html else decode(data, name)
    elif isinstance(data, str):
        html = format == "html" or (format == "auto" and looks_like_html(data))
        text = data
    else:
        raise InputError(f"{name}: a {type(data).__name__}, not text or bytes")
    return Document(text, id, format="html" if html else "text")


def record_document(record: dict, number: int, text_field: str, id_field: str, format: str = "auto") -> Document:  # noqa: A002
    """A record as a Document: its text field read as text (as in a JSONL file) unless `format` says "html";
    its id, else its position; its other fields in `metadata`. Raises InputError for a record without text.

    >>> doc = record_document({"id": None, "text": "Hi", "url": "u"}, 7, "text", "id")
    >>> doc.text, doc.id, doc.metadata
    ('Hi', '7', {'id': None, 'url': 'u'})
    >>> record_document({"body": "Hi"}, 7, "text", "id")
    Traceback (most recent call last):
    cleaner.io.InputError: record 7: no string field 'text'
    """
    text = record.get(text_field)
    if not isinstance(text, str):
        raise InputError(f"record {number}: no string field {text_field!r}")
    # A null id names no record, as in the CLI: two such records must not pass for one document checked twice.
    record_id = record.get(id_field)
    doc = read_input(text, f"record {number}", "html" if format == "html" else "text", str(number if record_id is None else record_id))
    doc.metadata = {k: v for k, v in record.items() if k != text_field}
    return doc


def template_text(doc: Document) -> str:
    """A document's lines as the templates pass counts them: a page's lines as the text stages will see them.

    >>> template_text(Document("<p>One</p><p>Two</p>", format="html")), template_text(Document("x"))
    ('One\\n\\nTwo', 'x')
    """
    return page_text(doc.text) if doc.format == "html" else doc.text
