"""heuristics: structural decisions that no single-line rule can make.

- a line repeated within the document (the title printed twice) keeps its first copy;
- a prose teaser cut off with an ellipsis under a headline is a related-article teaser;
- a region (donation appeal, newsletter box, related list) runs from the line where a
  region rule fired to where the article resumes;
- a headline after the last kept paragraph is a teaser or a widget title.

"Where the article resumes" is a run of clean prose: paragraphs that read as
sentences, are not cut off, and do not talk to the reader ("we", "your"),
possibly under a headline. A single such paragraph is not enough, because
related-article lists alternate headlines with one-paragraph teasers.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources
from itertools import takewhile

from ..document import Block, Document, Reason
from ..features import HEADING_MAX_WORDS, HEADING_MIN_WORDS, address_count, ends_truncated, is_heading, is_prose, squash_key, word_count
from .alternation import word_alternation
from .base import DocumentStage
from .content_lists import LIST_MARKER, is_quantity_line

STAGE = "heuristics"
RESUME_PROSE_BLOCKS = 2  # one paragraph after a marker is a teaser; two in a row are the article
RESUME_PARAGRAPH_WORDS = 40  # a paragraph this long is no teaser: alone it is enough
RESUME_LOOKAHEAD = 8  # blocks scanned for that run, enough to pass a byline and a caption
ADDRESS_MIN_WORDS = 2  # one "we" is ordinary; two or more at this density is an appeal
ADDRESS_MIN_SHARE = 0.05
TEASER_LOOKBEHIND = 3  # lines before a related-widget title searched for the article's prose (past a subheading)
REPEAT_MIN_WORDS = 3  # shorter repeats ("Share", "Reply") are labels that rules judge


def is_addressed(text: str) -> bool:
    """Talks to the reader or about the publisher, as appeals and sign-up boxes do.

    >>> is_addressed("Your support, no matter how small, makes a difference to our work.")
    True
    >>> is_addressed("The ministry said the troops arrived in January.")
    False
    """
    count = address_count(text)
    return count >= ADDRESS_MIN_WORDS and count >= ADDRESS_MIN_SHARE * max(1, word_count(text))


def is_clean_prose(block: Block) -> bool:
    """A kept paragraph that reads as article text."""
    text = block.text
    return block.kept and is_prose(text) and not ends_truncated(text) and not is_addressed(text)


def resumes_at(blocks: list[Block], start: int) -> bool:
    """Whether the article resumes at `start`: a run of clean prose, optionally under a headline."""
    first = blocks[start]
    if not first.kept or not (is_clean_prose(first) or is_heading(first.text)):
        return False
    found = 0
    for index in range(start, min(len(blocks), start + RESUME_LOOKAHEAD)):
        block = blocks[index]
        if not block.kept:
            continue
        if is_clean_prose(block):
            found += 1
            if found >= RESUME_PROSE_BLOCKS:
                return True
        elif index == start or word_count(block.text) < HEADING_MIN_WORDS:
            continue  # the headline itself, or a short label such as a photo credit
        else:
            return False
    return False


def drop_repeated_lines(blocks: list[Block]) -> set[int]:
    """Keep the first copy of a repeated line, except where the first is a list item and a later copy
    is not: that is a table of contents (or a menu) naming a heading of the article, and the heading stays.
    Returns the indices of those headings."""
    seen: dict[str, Block] = {}
    headings: set[int] = set()
    for index, block in enumerate(blocks):
        if not block.kept:
            continue
        text = block.text
        if word_count(text) < REPEAT_MIN_WORDS:
            continue
        key = squash_key(text)
        first = seen.get(key)
        if first is None:
            seen[key] = block
        elif first.kept and LIST_MARKER.match(first.text) and not LIST_MARKER.match(text):
            first.drop(Reason(STAGE, "contents_entry", "navigation"))
            seen[key] = block
            headings.add(index)
        else:
            block.drop(Reason(STAGE, "repeated_line", "duplicate"))
    return headings


_INNER_ELLIPSIS = re.compile(r"(?:…|\.\.\.)(?=.*\w)")


def is_cut_off(text: str) -> bool:
    """Ends in an ellipsis and has none before: a site cuts a teaser once, at the end, while a writer
    who trails off ("about… my death? I don’t remember dying…") does so again and again.

    >>> is_cut_off("The council met on Monday to decide on the budget…"), is_cut_off("It was… my death? Dying…")
    (True, False)
    """
    return ends_truncated(text) and not _INNER_ELLIPSIS.search(text)


def drop_truncated_teasers(blocks: list[Block]) -> None:
    previous: Block | None = None
    for block in blocks:
        # ends_truncated first: memoised and false for nearly every line, it spares is_cut_off's call.
        if block.kept and ends_truncated(block.text) and is_cut_off(block.text) and word_count(block.text) >= 5 \
                and previous is not None:
            if not previous.kept or is_heading(previous.text):
                block.drop(Reason(STAGE, "truncated_teaser", "related"))
        previous = block


MORE_LINK_RULE = "related.more-link"  # "Read more", "Weiterlesen", "Czytaj więcej": the link that closes a teaser
TEASER_MIN_WORDS = 5


def drop_teasers_before_more_links(blocks: list[Block]) -> None:
    """The paragraph right above a "Read more" link is a teaser of another page, and the headline right
    above that paragraph is its title: a card of a related list, whether or not the dump cut it short.
    Where the line above is a paragraph longer than a headline, the link continues the article itself."""
    for index in range(2, len(blocks)):
        link = blocks[index]
        # `kept` first: the `dropped` property costs a call, and most lines are kept.
        if link.kept or link.dropped.rule != MORE_LINK_RULE or link.text.rstrip().endswith(":"):
            continue  # "Read more:" introduces a list of links instead
        teaser, title = blocks[index - 1], blocks[index - 2]
        if not teaser.kept or word_count(teaser.text) < TEASER_MIN_WORDS:
            continue
        if title.kept and word_count(title.text) > HEADING_MAX_WORDS and is_prose(title.text):
            continue  # under a paragraph longer than any headline, the link continues the article (a paywall)
        teaser.drop(Reason(STAGE, "teaser_before_more_link", "related"))
        if title.kept and HEADING_MIN_WORDS <= word_count(title.text) <= HEADING_MAX_WORDS and not title.text.rstrip().endswith("."):
            title.drop(Reason(STAGE, "teaser_before_more_link", "related"))


def extend_regions(doc: Document, headings: set[int] = frozenset()) -> None:
    """Drop from each region marker to where the article resumes, or to the next marker, which takes over.
    A heading the page's table of contents names (`headings`) is the article's: it resumes there."""
    blocks = doc.blocks
    starts = [start for start, _ in doc.region_starts]
    for number, (start, marker) in enumerate(doc.region_starts):
        reason = Reason(STAGE, marker.rule, marker.category)
        end = starts[number + 1] if number + 1 < len(starts) else len(blocks)
        first = next((i for i in range(start + 1, end) if blocks[i].kept), end)
        # Within the article (one of its paragraphs just above, nothing removed between), the first
        # headline under "Read also" / "Related" is the teaser the title announces, even where the
        # article resumes right after it. Above the article, or after other chrome, the headline
        # after a widget title may be the article's own.
        previous = list(takewhile(lambda b: b.kept, reversed(blocks[max(0, start - TEASER_LOOKBEHIND) : start])))
        in_article = marker.category == "related" and any(is_clean_prose(b) for b in previous)
        listed = False  # whether only the short lines of a list have been dropped so far
        for index in range(start + 1, end):
            teaser = in_article and index == first and not is_prose(blocks[index].text)
            if not teaser and (index in headings or resumes_at(blocks, index)):
                break
            if not blocks[index].kept:
                listed = None  # other chrome (a form, a footer) between: no longer a box within the article
            elif listed is not None and marker.category == "related":
                if word_count(blocks[index].text) <= HEADING_MAX_WORDS:
                    listed = True
                else:
                    if listed and is_clean_prose(blocks[index]) and word_count(blocks[index].text) >= RESUME_PARAGRAPH_WORDS:
                        listed = None  # the article's own paragraph after the links, once; the region goes on
                        continue
                    listed = None
            blocks[index].drop(reason)


def drop_trailing_headings(blocks: list[Block]) -> None:
    """Drop headlines after the last kept paragraph that stand right above page chrome a rule removed:
    with no article under them they are teasers. A closing subheading of the article itself, with
    nothing or only unjudged lines after it, stays."""
    chrome_follows = False
    for block in reversed(blocks):
        if not block.kept:
            chrome_follows = True
            continue
        if not is_heading(block.text):
            return
        if not chrome_follows:
            return
        block.drop(Reason(STAGE, "trailing_heading", "related"))


ARTICLE_PARAGRAPH_WORDS = 40  # a paragraph this long is the article's; what follows the last one is its tail
# Where no paragraph is that long (news written in one- and two-sentence paragraphs), a comment section needs a
# sentence this long before its heading: an article comes before its comments.
SHORT_ARTICLE_PARAGRAPH_WORDS = 15
BIO_NAME_DISTANCE = 3  # a bio follows its name line within this many lines
COMMENT_META_DISTANCE = 15  # a comment heading is followed by its first comment's metadata within this many
DATED_TEASER_WORDS = (6, 60)  # a line this long that ends in a date is a teaser with its timestamp


_WORD_START = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _structure() -> dict[str, re.Pattern[str]]:
    raw = resources.files("cleaner.wordlists").joinpath("structure.toml").read_text(encoding="utf-8")
    table = tomllib.loads(raw)
    headings = table["comment_headings"]
    if not all(_WORD_START.match(heading) for heading in headings):
        # The atomic group below never gives back the non-word characters it took, which is only
        # the same as backtracking into them when no heading can start at one.
        raise ValueError("structure.toml: each comment heading must start with a letter")
    roles = word_alternation(table["roles"], r"\w*")  # "redakteur" stands for "Redakteurin" too
    return {
        "role": re.compile(rf"(?<!\w){roles}", re.IGNORECASE),
        "opener": re.compile(rf"^{word_alternation(table['bio_openers'])}(?!\w)", re.IGNORECASE),
        # Atomic (?>...): the same matches, five times faster over the dev pages' short lines than plain \W*.
        "comments": re.compile(rf"^(?>\W*)(?:\d+\s+)?{word_alternation(headings)}(?!\w)", re.IGNORECASE),
        "meta": re.compile(rf"{word_alternation(table['comment_meta'])}|\bum \d{{1,2}}:\d{{2}}|\bat \d{{1,2}}:\d{{2}}", re.IGNORECASE),
    }


_NAME_LINE = re.compile(r"^(?:(?:Dr|Prof)\.\s+)?[^\W\d_][\w'’-]+(?:\s+[^\W\d_][\w'’.-]+){1,2}$")
_ENDS_WITH_DATE = re.compile(r"(?:\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}(?:\s*uhr)?)\s*$", re.IGNORECASE)
_AGO = re.compile(
    r"^(?:vor \d+ (?:minuten|stunden|tagen|wochen|monaten)|\d+ (?:minutes|hours|days|weeks|months) ago"
    r"|il y a \d+ \w+|hace \d+ \w+|\d+ (?:минут|час|дн)\w* назад)\b", re.IGNORECASE)


def article_end(blocks: list[Block]) -> int:
    """Index of the last kept paragraph long enough to be the article's, or -1."""
    for index in range(len(blocks) - 1, -1, -1):
        block = blocks[index]
        if block.kept and word_count(block.text) >= ARTICLE_PARAGRAPH_WORDS and is_prose(block.text):
            return index
    return -1


def is_name_line(text: str) -> bool:
    """Two or three capitalised words and nothing else: a person's name over a bio.

    >>> is_name_line("Anna Smith"), is_name_line("Read more"), is_name_line("The end.")
    (True, False, False)
    """
    return bool(_NAME_LINE.match(text)) and all(word[0].isupper() for word in text.replace("Dr.", "").split())


def drop_author_bios(blocks: list[Block], end: int) -> None:
    """After the article (which ends at block `end`): a paragraph about a person's job, just under
    their name ("Anna Smith / is a reporter...")."""
    patterns = _structure()
    last_name = -BIO_NAME_DISTANCE - 1
    for index in range(max(0, end + 1 - BIO_NAME_DISTANCE), len(blocks)):
        block = blocks[index]
        # Name lines are rare and cheap to spot; the job-word patterns are long alternations.
        if index > end and index - last_name <= BIO_NAME_DISTANCE and block.kept and (
            patterns["opener"].match(block.text) or patterns["role"].search(block.text)
        ):
            block.drop(Reason(STAGE, "author_bio", "byline"))
        if _NAME_LINE.match(block.text) and is_name_line(block.text):  # the regex first: it rules out most lines
            last_name = index


def drop_comment_section(blocks: list[Block], end: int) -> None:
    """From a comment heading after the article (which ends at block `end`) to the last block,
    when comment metadata follows it. Where no paragraph was long enough to end the article (`end` is -1), the
    heading must come after a kept sentence-long line: a comment count above the headline is not a thread.

    >>> from cleaner.document import Block
    >>> story = "The utility said on Wednesday that it hoped to have most of its customers back by Sunday night."
    >>> def kept(first):
    ...     blocks = [Block(text, n, 0, n, True) for n, text in enumerate([first, "Comments", "on May 2, 2012 at 11:54 AM", story])]
    ...     drop_comment_section(blocks, -1)
    ...     return [block.kept for block in blocks]
    >>> kept("Home"), kept(story)
    ([True, True, True, True], [True, False, False, False])
    """
    patterns = _structure()
    article_before = end >= 0
    for index in range(end + 1, len(blocks)):
        block = blocks[index]
        text = block.text
        if not article_before:
            article_before = block.kept and word_count(text) >= SHORT_ARTICLE_PARAGRAPH_WORDS and is_prose(text)
        if word_count(text) > 8 or not article_before or not patterns["comments"].match(text):
            continue
        following = blocks[index : index + COMMENT_META_DISTANCE]
        if any(patterns["meta"].search(b.text) for b in following):
            reason = Reason(STAGE, "comment_section", "comments")
            for block in blocks[index:]:
                block.drop(reason)
            return


def drop_dated_teasers(blocks: list[Block]) -> None:
    """A teaser line stamped with its date or age ("... 12.03.2021", "vor 3 Tagen"), with the headline above it."""
    kept = [b for b in blocks[article_end(blocks) + 1 :] if b.kept]
    low, high = DATED_TEASER_WORDS
    for position, block in enumerate(kept):
        words_in = word_count(block.text)
        if words_in > high:
            continue
        # The date stands in the last characters; searching only those keeps long lines cheap.
        stamped = words_in >= low and bool(_ENDS_WITH_DATE.search(block.text[-24:]))
        if not (stamped or (words_in <= 8 and _AGO.match(block.text))):
            continue
        block.drop(Reason(STAGE, "dated_teaser", "related"))
        if position > 0 and is_heading(kept[position - 1].text):
            kept[position - 1].drop(Reason(STAGE, "dated_teaser", "related"))


_STARTS_WITH_DATE = re.compile(
    r"^(?:[*•-]\s+)?(?:(?:0?[1-9]|[12]\d|3[01])[./](?:0?[1-9]|1[0-2])(?:[./](?:\d{4}|\d{2}))?\.?|\d{4}-\d{2}-\d{2})\s")
DATED_FEED_RUN = 3  # three entries in a row that open with their date make a news feed, not the article


def drop_dated_feeds(blocks: list[Block]) -> None:
    """A news feed after the article: entries in a row that each open with their date ("9/11 Plan dropped
    after protests (Press release)"). Quantities ("3/4 cup flour") are a recipe's list, not dates."""
    kept = [b for b in blocks[article_end(blocks) + 1 :] if b.kept]
    low, high = DATED_TEASER_WORDS
    run: list[Block] = []
    for block in [*kept, None]:
        if block is not None and low <= word_count(block.text) <= high and _STARTS_WITH_DATE.match(block.text) \
                and not is_quantity_line(block.text):
            run.append(block)
            continue
        if len(run) >= DATED_FEED_RUN:
            for entry in run:
                entry.drop(Reason(STAGE, "dated_feed", "related"))
        run = []


class Heuristics(DocumentStage):
    name = STAGE
    contextual = True

    def process(self, doc: Document) -> None:
        headings = drop_repeated_lines(doc.blocks)
        drop_truncated_teasers(doc.blocks)
        drop_dated_teasers(doc.blocks)
        drop_dated_feeds(doc.blocks)
        drop_teasers_before_more_links(doc.blocks)
        extend_regions(doc, headings)
        # Both drop only after the article's end, so they leave it where it is.
        end = article_end(doc.blocks)
        drop_comment_section(doc.blocks, end)
        drop_author_bios(doc.blocks, end)
        drop_trailing_headings(doc.blocks)
