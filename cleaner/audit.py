"""The audit page: one self-contained `report.html` showing what a run removed and why.

People judge a cleaner by looking at what it struck out, so the page shows a
summary (documents, bytes, lines removed per category, stage and rule) and a
sample of the most-hit documents as their original lines, each removed line
struck through in its category's colour with its rule on hover.

The sample is bounded (`Audit` keeps the N worst-hit documents in a heap while
the run streams), so the page of a billion-document run opens as fast as the
seeds'. Everything is inline (no network) and every piece of corpus text is
escaped: a scraped `<script>` shows as text. The page holds no timestamp, so
the same input renders byte-identical pages.
"""

from __future__ import annotations

import heapq
import zlib
from collections import Counter
from dataclasses import dataclass
from html import escape

from .document import Document, Reason
from .pipeline import Stats

DEFAULT_SAMPLE = 200  # enough to judge a run by eye, small enough that the page opens in a second
MAX_LINES = 2000  # per sampled document: one 50 MB page must not make the report huge
MAX_LINE_CHARS = 2000  # a minified script dumped on one line is still recognisable from its start
TOP_RULES = 15  # the long tail of rules that fired once or twice is in report.json

# Fixed colours for the shipped categories, so the same category looks the same in every report.
COLOURS = {
    "donation": "#e0a800", "newsletter": "#1f9bcf", "byline": "#3f6fd8", "related": "#8e5cd1", "navigation": "#6c7a89",
    "template": "#c0603a", "duplicate": "#c2388d", "promo": "#e0702a", "ui": "#4f9a5a", "comments": "#a0522d",
    "boilerplate": "#b03030", "account": "#2a9d8f", "cookie": "#8d6e63", "footer": "#7a7a3a", "social": "#d94f70",
}


def colour(category: str) -> str:
    """The category's colour: a fixed one for shipped categories, else a hue from its name (stable across runs).

    >>> colour("donation"), colour("my-own"), colour("my-own") == colour("my-own")
    ('#e0a800', 'hsl(89, 60%, 45%)', True)
    """
    if category in COLOURS:
        return COLOURS[category]
    return f"hsl({zlib.crc32(category.encode('utf-8')) % 360}, 60%, 45%)"


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a sampled document as the page shows it."""

    number: int
    text: str
    reason: Reason | None
    blank_before: bool


@dataclass(frozen=True, slots=True)
class Sample:
    """A sampled document: its name, how many of its lines went, and its lines (at most MAX_LINES).

    Ordered by how hard it was hit: a < b when a lost a smaller share of its
    lines, or the same share and its name sorts later (so ties go by name).

    >>> Sample("a", 1, 4) < Sample("b", 2, 4), Sample("b", 1, 2) < Sample("a", 2, 4)
    (True, True)
    """

    name: str
    dropped: int
    total: int
    language: str = ""
    lines: tuple[Line, ...] = ()

    @property
    def share(self) -> float:
        return self.dropped / self.total if self.total else 0.0

    def __lt__(self, other: Sample) -> bool:
        # Compare shares exactly (cross-multiplied), so float rounding never decides which document is kept.
        mine, theirs = self.dropped * max(other.total, 1), other.dropped * max(self.total, 1)
        return mine < theirs or (mine == theirs and self.name > other.name)


def snapshot(name: str, doc: Document) -> Sample:
    """The document's lines as the page needs them, cut to MAX_LINES lines of MAX_LINE_CHARS characters."""
    lines = tuple(Line(b.line, b.text if len(b.text) <= MAX_LINE_CHARS else b.text[:MAX_LINE_CHARS] + "…", b.dropped, b.blank_before)
                  for b in doc.blocks[:MAX_LINES])
    return Sample(name, len(doc.dropped_blocks()), len(doc.blocks), doc.language, lines)


class Audit:
    """The bounded sample of a run: the `limit` worst-hit documents, kept while the documents stream past.

    >>> from cleaner.document import Block
    >>> audit = Audit(limit=2)
    >>> gone = Reason("patterns", "donation.appeal", "donation")
    >>> for name, drops in [("a", 1), ("b", 3), ("c", 0), ("d", 3)]:
    ...     audit.add(name, Document("", name, blocks=[Block("x", i + 1, 0, 0, False, gone if i < drops else None)
    ...                                                for i in range(4)]))
    >>> [s.name for s in audit.samples()], audit.documents, audit.emptied
    (['b', 'd'], 4, 0)
    """

    def __init__(self, limit: int = DEFAULT_SAMPLE) -> None:
        self.limit = limit
        self.heap: list[Sample] = []  # the least-hit sample on top, the first to go
        self.documents = 0
        self.emptied = 0  # documents with nothing left

    def add(self, name: str, doc: Document) -> None:
        self.documents += 1
        dropped = len(doc.dropped_blocks())
        self.emptied += dropped == len(doc.blocks)
        if self.limit <= 0:
            return
        probe = Sample(name, dropped, len(doc.blocks))
        # Copy the lines only for a document that gets in: most of a large run never does.
        if len(self.heap) < self.limit:
            heapq.heappush(self.heap, snapshot(name, doc))
        elif self.heap[0] < probe:
            heapq.heapreplace(self.heap, snapshot(name, doc))

    def samples(self) -> list[Sample]:
        """The sample, worst-hit first."""
        return sorted(self.heap, reverse=True)


def percent(part: int, whole: int) -> str:
    """A share for people: one decimal, never "0.0%" for something that happened.

    >>> percent(1, 3), percent(0, 0), percent(1, 100000)
    ('33.3%', '0.0%', '<0.1%')
    """
    if not whole or not part:
        return "0.0%"
    share = 100 * part / whole
    return "<0.1%" if share < 0.05 else f"{share:.1f}%"


def origin_anchor(detail: str, anchors: dict[str, int]) -> str | None:
    """The page anchor of the line a duplicate repeats ("DOCID:LINE"), when that document is in the sample.

    >>> origin_anchor("a/b.txt:12", {"a/b.txt": 3}), origin_anchor("c.txt:1", {"a/b.txt": 3}), origin_anchor("", {})
    ('d3-L12', None, None)
    """
    name, _, line = detail.rpartition(":")
    if not name or not line.isdigit() or name not in anchors:
        return None
    return f"d{anchors[name]}-L{line}"


def bars(counts: Counter, whole: int, unit: str, colours: bool = False) -> str:
    """A bar chart as plain HTML: one row per key, largest first, bars scaled to the largest, shares of `whole`."""
    if not counts:
        return '<p class="none">Nothing removed.</p>'
    largest = max(counts.values())
    rows = []
    for key, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        fill = f"background:{colour(key)}" if colours else ""
        rows.append(f'<div class="bar"><span class="key">{escape(key)}</span><span class="track"><span class="fill" '
                    f'style="width:{100 * n / largest:.1f}%;{fill}"></span></span>'
                    f'<span class="n">{n:,} {unit} · {percent(n, whole)}</span></div>')
    return "\n".join(rows)


def summary(stats: Stats, audit: Audit) -> str:
    """Documents and bytes in and out, lines removed, and the charts per category and stage."""
    left = stats.documents - audit.emptied
    numbers = [
        ("Documents", f"{stats.documents:,} in, {left:,} with text left" + (f", {stats.failed:,} failed" if stats.failed else "")),
        ("Bytes", f"{stats.bytes_in:,} in, {stats.bytes_out:,} out ({percent(stats.bytes_in - stats.bytes_out, stats.bytes_in)} removed)"),
        ("Lines", f"{stats.blocks_in:,} in, {stats.blocks_dropped:,} removed ({percent(stats.blocks_dropped, stats.blocks_in)})"),
    ]
    table = "\n".join(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in numbers)
    rules = sorted(stats.by_rule.items(), key=lambda item: (-item[1], item[0]))[:TOP_RULES]
    rule_rows = "\n".join(f"<tr><td><code>{escape(rule)}</code></td><td class=\"num\">{n:,}</td></tr>" for rule, n in rules)
    return f"""<section id="summary">
<table class="numbers">{table}</table>
<div class="charts">
<div><h2>Removed per category</h2><p class="hint">share of all lines in</p>
{bars(stats.by_category, stats.blocks_in, "lines", colours=True)}</div>
<div><h2>Removed per stage</h2><p class="hint">share of all lines in</p>
{bars(stats.by_stage, stats.blocks_in, "lines")}</div>
<div><h2>Rules that fired most</h2>
<table class="rules"><tr><th>rule</th><th class="num">lines</th></tr>
{rule_rows}</table></div>
</div>
</section>"""


def render_line(index: int, line: Line, anchors: dict[str, int], classes: dict[str, int]) -> str:
    """One line: kept as plain text, removed struck through in its category's colour with the rule on hover."""
    gap = " gap" if line.blank_before else ""
    head = f'<div class="line{gap}" id="d{index}-L{line.number}"><span class="ln">{line.number}</span>'
    reason = line.reason
    if reason is None:
        return f"{head}<span class=\"kept\">{escape(line.text)}</span></div>"
    where = f" (first copy at {reason.detail})" if reason.detail else ""
    link = ""
    if reason.detail:
        anchor = origin_anchor(reason.detail, anchors)
        link = (f' <a class="dup" href="#{anchor}">↩ {escape(reason.detail)}</a>' if anchor
                else f' <span class="dup">↩ {escape(reason.detail)} (not in the sample)</span>')
    cat = reason.category
    return (f'{head}<del class="c{classes[cat]}" data-cat="{escape(cat)}" title="{escape(reason.label + where)}">'
            f"{escape(line.text)}</del>{link}</div>")


def render_sample(index: int, sample: Sample, anchors: dict[str, int], classes: dict[str, int]) -> str:
    """One sampled document: its name, how much went, and every line."""
    cats = sorted({line.reason.category for line in sample.lines if line.reason is not None})
    language = f" · {escape(sample.language)}" if sample.language else ""
    more = sample.total - len(sample.lines)
    rest = f'<p class="more">… {more:,} more lines not shown</p>' if more > 0 else ""
    lines = "\n".join(render_line(index, line, anchors, classes) for line in sample.lines)
    return (f'<section class="doc" id="d{index}" data-cats="{escape(" ".join(cats))}">\n'
            f'<h3><a href="#d{index}">{escape(sample.name)}</a> <span class="meta">{sample.dropped:,} of {sample.total:,} '
            f"lines removed ({percent(sample.dropped, sample.total)}){language}</span></h3>\n{lines}\n{rest}</section>")


def render(stats: Stats, audit: Audit, title: str = "cleaner report") -> str:
    """The whole page: summary, filters, legend and the sampled documents, worst-hit first.

    >>> from cleaner.document import Block
    >>> audit = Audit()
    >>> audit.add("x.txt", Document("", "x.txt", blocks=[Block("<b>", 1, 0, 0, False, Reason("s", "r", "c"))]))
    >>> page = render(Stats(documents=1), audit)
    >>> page.startswith("<!DOCTYPE html>"), "&lt;b&gt;" in page, "<b>" in page, "http" in page
    (True, True, False, False)
    """
    samples = audit.samples()
    anchors = {sample.name: i for i, sample in enumerate(samples)}
    seen = {line.reason.category for s in samples for line in s.lines if line.reason is not None}
    categories = sorted(seen | set(stats.by_category))
    classes = {cat: i for i, cat in enumerate(categories)}
    # Class names by index, so a category name never has to be a valid CSS identifier.
    cat_css = "\n".join(f".c{i}{{--cat:{colour(cat)}}}" for cat, i in classes.items())
    options = "\n".join(f'<option value="{escape(cat)}">{escape(cat)}</option>' for cat in categories)
    legend = " ".join(f'<del class="c{i}">{escape(cat)}</del>' for cat, i in classes.items())
    docs = "\n".join(render_sample(i, sample, anchors, classes) for i, sample in enumerate(samples))
    shown = (f"The {len(samples):,} most-hit of {audit.documents:,} documents" if len(samples) < audit.documents
             else f"All {len(samples):,} documents")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>
{CSS}
{cat_css}
</style>
</head>
<body>
<h1>{escape(title)}</h1>
{summary(stats, audit)}
<section id="sample">
<h2>Sample</h2>
<p class="hint">{shown}, worst-hit first. Removed lines are struck through in their category's colour; hover for the rule.</p>
<div class="controls">
<label>Category <select id="category"><option value="">all</option>
{options}
</select></label>
<label>Search <input id="search" type="search" placeholder="text, rule or file name"></label>
<span id="shown"></span>
</div>
<p class="legend">{legend}</p>
{docs}
</section>
<script>
{JS}
</script>
</body>
</html>
"""


CSS = """body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1em 2em;color:#222;background:#fff}
h1{font-size:1.5em}h2{font-size:1.1em;margin:.2em 0}h3{font-size:1em;margin:0 0 .5em}
.hint,.meta,.more,.none{color:#666;font-weight:normal}
table.numbers th{text-align:left;padding-right:1em}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:1.5em;margin:1em 0}
.bar{display:grid;grid-template-columns:7em 1fr 10em;gap:.5em;align-items:center;margin:2px 0}
.bar .key{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.track{background:#eee;height:.9em;border-radius:2px}.fill{display:block;height:100%;background:#888;border-radius:2px}
.n,.num{text-align:right;font-variant-numeric:tabular-nums;color:#444}
table.rules{border-collapse:collapse;width:100%}table.rules td,table.rules th{padding:1px 4px;border-bottom:1px solid #eee;text-align:left}
.controls{display:flex;gap:1.5em;align-items:center;margin:.5em 0;position:sticky;top:0;background:#fff;padding:.4em 0;z-index:1}
.legend del{margin-right:.6em}
.doc{border:1px solid #ddd;border-radius:4px;padding:.6em .9em;margin:1em 0}
.line{white-space:pre-wrap;word-break:break-word;padding-left:3.5em;text-indent:-3.5em}
.line.gap{margin-top:.6em}
.ln{display:inline-block;width:3em;text-indent:0;text-align:right;margin-right:.5em;color:#aaa;font-size:.85em}
del{color:#555;text-decoration:line-through 2px var(--cat);background:color-mix(in srgb,var(--cat) 14%,transparent);
 border-left:3px solid var(--cat);padding:0 .2em}
del.dim{opacity:.35}
.dup{font-size:.85em;margin-left:.4em}
.line:target{outline:2px solid #f5c542}"""

# Reads everything from the page itself: no corpus text ever sits inside the script.
JS = """const category = document.getElementById('category'), search = document.getElementById('search');
const docs = Array.from(document.querySelectorAll('.doc')), shown = document.getElementById('shown');
function apply() {
  const cat = category.value, query = search.value.trim().toLowerCase();
  let count = 0;
  for (const doc of docs) {
    const hasCat = !cat || doc.dataset.cats.split(' ').includes(cat);
    const hasText = !query || doc.textContent.toLowerCase().includes(query)
      || Array.from(doc.querySelectorAll('del')).some(d => d.title.toLowerCase().includes(query));
    doc.hidden = !(hasCat && hasText);
    count += doc.hidden ? 0 : 1;
    for (const d of doc.querySelectorAll('del')) d.classList.toggle('dim', Boolean(cat) && d.dataset.cat !== cat);
  }
  shown.textContent = count + ' of ' + docs.length + ' documents shown';
}
category.addEventListener('change', apply);
search.addEventListener('input', apply);
apply();"""
