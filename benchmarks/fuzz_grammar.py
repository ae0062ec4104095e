"""Structure-aware inputs for `fuzz.py`: pages and JSONL files built from a small grammar of what makes them hostile.

Pages: elements with a few to 200,000 attributes in every syntax the HTML tokenizer knows, nesting from flat
to 300,000 levels (unclosed, misnested and stray tags; tables, lists, selects, formatting elements), raw-text
elements and comments holding markup, text in several scripts; encoded in a declared or undeclared charset and
often cut at any byte. Record files: good and bad JSONL lines of every kind, a BOM, huge and deep values,
compressed or not, often cut.

>>> import random; rng = random.Random(1)
>>> isinstance(page(rng), bytes) and isinstance(records(rng), bytes)
True
"""

from __future__ import annotations

import gzip
import json
import random
import tempfile
from pathlib import Path

from cleaner import Cleaner
from cleaner.engines.records import RecordCleaner, rejects_name
from cleaner.formats import read_jsonl
from cleaner.io import InputFile

KINDS = ("text", "html", "html-structured", "records")
BLOCK_TAGS = "div p section article main nav aside footer header ul ol li dl dt dd table tr td th blockquote pre h1 h2 form".split()
INLINE_TAGS = "a b i u s em strong span font nobr small big code label sup sub abbr".split()
SPECIAL_TAGS = "select option optgroup caption colgroup tbody thead button object marquee template svg math".split()
RAW_TEXT_TAGS = "script style textarea title xmp noembed noframes iframe noscript".split()
VOID_TAGS = "br hr img input meta link wbr".split()
WORDS = ("The council approved the budget on Monday after a long debate", "Read more", "Subscribe", "Home",
         "Grüße aus Köln", "Привет, мир", "東京の天気は晴れ", "مرحبا", "😀 ✓ …", "a&amp;b &lt;c&gt; &#x1F600; &#0; &bogus;")
CODECS = ("utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "shift_jis", "koi8-r", "gb18030")
CHARSET_LABELS = ("utf-8", "windows-1252", "iso-8859-1", "shift_jis", "koi8-r", "gbk", "utf-16", "klingon", "")


def sized(rng: random.Random, most: int) -> int:
    """A count spread over orders of magnitude, from 0 to `most`: small ones often (the median is about 30),
    huge ones sometimes."""
    return min(most, int(10 ** (rng.random() ** 2 * 6)) - 1)


def attributes(rng: random.Random) -> str:
    """The attributes of one start tag, from none to 200,000, in one of the tokenizer's syntaxes."""
    chance = rng.random()
    count = rng.choice((0, 1, 2, 5, 30)) if chance < 0.97 else rng.choice((999, 1000, 1001)) if chance < 0.99 else sized(rng, 200_000)
    syntax = rng.choice(("spaced", "valued", "quoted", "single", "slash", "glued", "gt-quoted", "lt-quoted", "duplicate",
                         "class", "unterminated"))
    names = (f"a{i}" if syntax != "duplicate" else "a" for i in range(count))
    forms = {"spaced": " {}", "valued": " {}=x", "quoted": ' {}="v"', "single": " {}='v'", "slash": "/{}", "glued": '{}=""',
             "gt-quoted": ' {}=">"', "lt-quoted": ' {}="<b c d>"', "duplicate": " {}=1", "class": ' class="nav {}"',
             "unterminated": ' {}="v'}
    return "".join(forms[syntax].format(name) for name in names)


def text(rng: random.Random) -> str:
    return rng.choice(WORDS) + rng.choice(("", ".", "\n", "  ", "\t"))


def markup(rng: random.Random, steps: int) -> str:
    """A random walk over the tokens of a page: opening, closing (in order, out of order, stray), text, voids,
    comments, raw-text elements holding markup, elements with many attributes."""
    pieces: list[str] = []
    open_tags: list[str] = []
    weights = [rng.random() for _ in range(9)]  # each page has a character of its own: deep, flat, sloppy...
    for _ in range(steps):
        move = rng.choices(range(9), weights)[0]
        if move == 0:
            tag = rng.choice(BLOCK_TAGS + INLINE_TAGS + SPECIAL_TAGS)
            pieces.append(f"<{tag}{attributes(rng) if rng.random() < 0.2 else ''}>")
            open_tags.append(tag)
        elif move == 1 and open_tags:
            pieces.append(f"</{open_tags.pop()}>")
        elif move == 2 and open_tags:
            pieces.append(f"</{open_tags.pop(rng.randrange(len(open_tags)))}>")  # misnested
        elif move == 3:
            pieces.append(f"</{rng.choice(BLOCK_TAGS + INLINE_TAGS)}>")  # stray
        elif move == 4:
            pieces.append(text(rng))
        elif move == 5:
            pieces.append(f"<{rng.choice(VOID_TAGS)}{attributes(rng) if rng.random() < 0.1 else ''}>")
        elif move == 6:
            inner = rng.choice(("<div a b c>", "x<y", "</p>", "'", '"', "<!--", "-->", "</scrip", "</script x>"))
            tag = rng.choice(RAW_TEXT_TAGS)
            pieces.append(f"<{tag}>{inner * rng.randint(1, 50)}" + (f"</{tag}>" if rng.random() < 0.8 else ""))
        elif move == 7:
            pieces.append(rng.choice(("<!-- c -->", "<!-->", "<!--->", "<!-- a --!>", "<!doctype html>", "<?xml x?>",
                                      "<! bogus '>", "</ 3>", "<![CDATA[x]]>", "&", "<", ">", "<<p>>")))
        else:
            tag = rng.choice(("table", "ul", "ol", "select", "dl", "tr", "li", "option", "td", "p"))
            child = {"table": "<tr><td>", "ul": "<li>", "ol": "<li>", "select": "<option>", "dl": "<dt>x<dd>"}.get(tag, "")
            pieces.append(f"<{tag}>" + (child + text(rng)) * rng.randint(1, 20))
    if rng.random() < 0.5:
        pieces.extend(f"</{tag}>" for tag in reversed(open_tags))
    return "".join(pieces)


def shaped(rng: random.Random) -> str:
    """A page of one regular shape at a size from one to 300,000: the shapes that cost parsers the most."""
    count = sized(rng, 300_000)
    unit = rng.choice(("<div>", "<div><p>x\n", "<b>", "<font>x</p>", "<table>", "<li>x", "<option>x", "<a href=x>",
                       "<b><i><u><s><em><strong>x</p>", "<a><b></a></b>", "<div><table></div>", "<p><b>x",
                       "<div class=newsletter>", "x<br>", "<td>", "<svg><g>", "<math><mi>", "<nobr>x", "<h1><h2>"))
    head = rng.choice(("", "<select>", "<table>", "<ul>", "<div class=nav>" * 999, "<b>" * 999))
    return head + unit * count + rng.choice(("", "</div>" * count, "x" * 1000))


def page(rng: random.Random) -> bytes:
    """A page's bytes: built, then encoded in a charset it may or may not declare, then perhaps cut."""
    body = shaped(rng) if rng.random() < 0.3 else markup(rng, sized(rng, 30_000))
    label = rng.choice(CHARSET_LABELS)
    head = f"<meta charset={label}>" if label else ""
    html = f"<html><head>{head}<title>{text(rng)}</title></head><body>{body}</body></html>"
    codec = rng.choice(CODECS)
    data = html.encode(codec, errors=rng.choice(("replace", "xmlcharrefreplace", "ignore")))
    if rng.random() < 0.4:
        data = data[: rng.randint(0, len(data))]
    return data


def record_line(rng: random.Random, number: int) -> bytes:
    """One line of a JSONL file, good or bad in one of many ways."""
    kind = rng.choices(("good", "fields", "bad-json", "array", "scalar", "no-text", "non-string", "huge", "deep",
                        "blank", "crlf", "nul", "bad-utf8", "empty-text", "boilerplate"),
                       (30, 5, 3, 2, 2, 2, 2, 1, 1, 2, 2, 1, 2, 2, 5))[0]
    paragraph = "\n\n".join(text(rng) for _ in range(rng.randint(1, 8)))
    record: object = {"id": number, "text": paragraph}
    if kind == "fields":
        record = {"url": "https://x/" + str(number), "meta": {"a": [1, 2, None]}, "text": paragraph, "id": str(number)}
    elif kind == "bad-json":
        return b'{"id": 1, "text": "unterminated\n'
    elif kind == "array":
        record = [paragraph]
    elif kind == "scalar":
        record = rng.choice((1, None, "text", 2.5))
    elif kind == "no-text":
        record = {"id": number}
    elif kind == "non-string":
        record = {"id": number, "text": rng.choice((1, None, ["a"], {"b": 1}))}
    elif kind == "huge":
        record = {"id": number, "text": (paragraph + "\n\n") * rng.randint(20, 2000)}
    elif kind == "deep":
        depth = rng.choice((10, 1000, 5000))
        return b'{"id": 1, "text": "x", "deep": ' + b"[" * depth + b"]" * depth + b"}\n"
    elif kind == "blank":
        return rng.choice((b"\n", b"   \n", b"\r\n"))
    elif kind == "empty-text":
        record = {"id": number, "text": rng.choice(("", " ", "\n\n"))}
    elif kind == "boilerplate":
        record = {"id": number, "text": rng.choice(("Subscribe\n\nRead more", "Home | About | Contact", "Donate now"))}
    line = json.dumps(record, ensure_ascii=rng.random() < 0.5).encode("utf-8")
    if kind == "nul":
        line = line.replace(b'"text"', b'"te\x00xt"', 1)
    elif kind == "bad-utf8":
        line = line.replace(b'"text": "', b'"text": "\xff\xfe', 1)
    return line + (b"\r\n" if kind == "crlf" else b"\n")


def records(rng: random.Random) -> bytes:
    """A JSONL file's bytes: lines of every kind, perhaps after a BOM, perhaps compressed, perhaps cut."""
    data = b"".join(record_line(rng, number) for number in range(sized(rng, 3_000)))
    if rng.random() < 0.2:
        data = b"\xef\xbb\xbf" + data
    packing = rng.random()
    if packing < 0.2:
        data = gzip.compress(data, mtime=0)
    elif packing < 0.35:
        import zstandard

        data = zstandard.ZstdCompressor().compress(data)
    if rng.random() < 0.3:
        data = data[: rng.randint(0, len(data))]
    return data


_WORK = Path(tempfile.mkdtemp(prefix="cleaner-fuzz-records-"))


def check_records(cleaner: Cleaner, data: bytes) -> str | None:
    """A JSONL file through the record cleaner: every record read is written or rejected, and errors are one line."""
    source = _WORK / "in" / "fuzz.jsonl"
    source.parent.mkdir(exist_ok=True)
    source.write_bytes(data)
    out = _WORK / "out"
    read = sum(1 for _ in read_jsonl(source, "text"))
    outcome = RecordCleaner(cleaner.pipeline(), "text", "id", 1 << 30).clean_file(InputFile(source, Path("fuzz.jsonl")), out)
    for error in [outcome.error or "", *outcome.errors]:
        if "\n" in error:
            return "crash: a message of more than one line: " + error[:200]
    if outcome.error is not None:
        return "refused"
    written = (out / "fuzz.jsonl").read_bytes().count(b"\n")
    rejects = out / rejects_name(Path("fuzz.jsonl"))
    rejected = rejects.read_bytes().count(b"\n") if rejects.exists() else 0
    if written + rejected != read or rejected != outcome.rejected:
        return f"lost records: {read} read, {written} written, {rejected} rejected ({outcome.rejected} counted)"
    return None
