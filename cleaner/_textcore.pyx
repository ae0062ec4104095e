"""The text path's compiled kernels: C twins of the per-line work in `_textcore_pure.py`.

Each function here has a pure-Python twin there with the same name, arguments, docstring and result
(tests/test_textcore.py runs both side by side); `cleaner.textcore` picks one set per process.
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.unicode cimport Py_UNICODE_ISALNUM, Py_UNICODE_ISDECIMAL, Py_UNICODE_ISSPACE

cdef extern from "Python.h":
    object PyUnicode_FromKindAndData(int kind, const void *buffer, Py_ssize_t size)
    int PyUnicode_4BYTE_KIND

include "_line_text.pxi"

# The only characters str.lower() maps by context or to two characters (see `features._lower_is_local`).
cdef Py_UCS4 SIGMA = 0x3A3, DOTTED_I = 0x130
# The characters `code_char_count` counts, as a table of the ASCII range.
cdef bint CODE_CHARS[128]
for _code in "{}()[];=<>|\\/_$&+*^~`#@%":
    CODE_CHARS[ord(_code)] = True
# Kinds of `stages.line_kind.Kind`, by value.
cdef int BAD = 0, SHORT = 1, NEAR_GOOD = 2, GOOD = 3


def word_count(str text):
    """Number of words: runs of letters and digits, two of them joined by one apostrophe counting once.

    >>> word_count("Don’t stop: 3 more!"), word_count(""), word_count("a'b'c __ x_y")
    (4, 0, 4)
    """
    return count_words(text)


cdef tuple find_words(str text):
    # As word_count, keeping each match: a word that ends at an apostrophe ends before it.
    cdef list found = []
    cdef Py_ssize_t index = 0, start = 0, size = len(text)
    cdef int state = 0
    cdef Py_UCS4 c
    for index in range(size):
        c = text[index]
        if Py_UNICODE_ISALNUM(c):
            if state == 0:
                start = index
                state = 1
            elif state == 2:
                state = 3
        elif state == 1 and (c == 0x27 or c == 0x2019):
            state = 2
        elif state != 0:
            found.append(text[start:index - 1] if state == 2 else text[start:index])
            state = 0
    if state != 0:
        found.append(text[start:size - 1] if state == 2 else text[start:size])
    return tuple(found)


def lower_words(str text):
    """The words of a text, lower-cased, as a tuple.

    >>> lower_words("Ünter den LINDEN"), lower_words("Don’t stop'")
    (('ünter', 'den', 'linden'), ('don’t', 'stop'))
    >>> lower_words("ΟΔΟΣ İstanbul") == ("ΟΔΟΣ".lower(), "İstanbul".lower())  # a final sigma; "i" and a combining dot
    True
    """
    cdef Py_UCS4 c
    for c in text:
        if c == SIGMA or c == DOTTED_I:
            # Lower-casing these depends on their neighbours or adds a character: word by word, as found.
            return tuple([word.lower() for word in find_words(text)])
    return find_words(text.lower())


def squash(str text):
    """A line as repeat checks compare it: case-folded, its runs of word characters joined by one space.

    >>> squash("  Share this: "), squash("STRASSE_1 ß"), squash("")
    ('share this', 'strasse_1 ss', '')
    """
    return squash_text(text)


def revise_kinds(list kinds, tuple members):
    """jusText's context pass over line kinds (0 bad, 1 short, 2 near-good, 3 good): short and near-good lines take
    their class from the nearest lines that are neither; the result as `members[kind]`.

    A short line between good ones is good; with bad on one side it is bad, unless good is on the other, where it
    is near-good when a good line touches it. Then a near-good line is bad when the nearest non-near-good lines on
    both sides (bad past the edges) are bad, else good.

    >>> revise_kinds([3, 1, 3, 1, 0, 1, 1, 2, 0], tuple(range(4)))
    [3, 3, 3, 3, 0, 0, 0, 0, 0]
    >>> revise_kinds([3, 1, 0], tuple(range(4))), revise_kinds([3, 1, 1, 0], tuple(range(4))), revise_kinds([], ())
    ([3, 3, 0], [3, 3, 0, 0], [])
    """
    cdef Py_ssize_t size = len(kinds), index
    cdef int *alone = <int *> PyMem_Malloc((3 * size + 1) * sizeof(int))
    if alone == NULL:
        raise MemoryError()
    cdef int *revised = alone + size
    cdef int *after = revised + size
    cdef int last, before, kind
    try:
        for index in range(size):
            alone[index] = kinds[index]
        last = BAD
        for index in range(size - 1, -1, -1):
            after[index] = last
            if alone[index] != SHORT:
                last = alone[index]
        last = BAD
        for index in range(size):
            kind = alone[index]
            before = last
            if kind != SHORT:
                last = kind
                revised[index] = kind
            elif before == GOOD and after[index] == GOOD:
                revised[index] = GOOD
            elif before == BAD or after[index] == BAD:
                if before == GOOD or after[index] == GOOD:
                    revised[index] = NEAR_GOOD if ((index > 0 and alone[index - 1] == GOOD)
                                                   or (index + 1 < size and alone[index + 1] == GOOD)) else BAD
                else:
                    revised[index] = BAD
            else:
                revised[index] = NEAR_GOOD
        last = BAD
        for index in range(size - 1, -1, -1):
            after[index] = last
            if revised[index] != NEAR_GOOD:
                last = revised[index]
        last = BAD
        result = [None] * size
        for index in range(size):
            kind = revised[index]
            before = last
            if kind != NEAR_GOOD:
                last = kind
            else:
                kind = BAD if before == BAD and after[index] == BAD else GOOD
            result[index] = members[kind]
        return result
    finally:
        PyMem_Free(alone)


cdef str collapse_one(str line):
    # " ".join(line.split()): the runs of other characters, one space between them.
    cdef Py_ssize_t size = len(line), n = 0
    cdef Py_UCS4 c
    cdef bint gap = False
    if size == 0:
        return line
    cdef Py_UCS4 *out = <Py_UCS4 *> PyMem_Malloc(size * sizeof(Py_UCS4))
    if out == NULL:
        raise MemoryError()
    try:
        for c in line:
            if Py_UNICODE_ISSPACE(c):
                gap = True
            else:
                if gap and n:
                    out[n] = 0x20
                    n += 1
                gap = False
                out[n] = c
                n += 1
        return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, n)
    finally:
        PyMem_Free(out)


cdef bint is_tidy(str line):
    # Whether collapsing would leave the line as it is: no whitespace but single spaces between other characters.
    cdef Py_ssize_t size = len(line), index
    cdef Py_UCS4 c, previous = 0x20
    for index in range(size):
        c = line[index]
        if Py_UNICODE_ISSPACE(c) and (c != 0x20 or previous == 0x20):
            return False
        previous = c
    return previous != 0x20 or size == 0


def collapse_lines(str text, fix):
    """Each line of the text with its runs of whitespace one space and none at either end, as
    `" ".join(line.split())` makes it; a line with "_" in it is first passed through `fix`.

    >>> collapse_lines("  a \\t b \\nx_y  z\\n\\u3000", lambda line: line.replace("x_y", ""))
    'a b\\nz\\n'
    """
    cdef list lines = text.split("\n")
    cdef Py_ssize_t index
    cdef str line
    for index in range(len(lines)):
        line = lines[index]
        if "_" in line:
            line = fix(line)
        elif is_tidy(line):
            continue
        lines[index] = collapse_one(line)
    return "\n".join(lines)


def segment_blocks(str text, block):
    """One `block(text, line, start, paragraph, blank_before)` per line with more than whitespace in it: its
    1-based line number, its offset in the text, the index of its blank-line separated paragraph, and whether
    a blank line comes between it and the block before.

    >>> segment_blocks("a\\n \\nb\\n\\n\\u3000\\nc", lambda *fields: fields)
    [('a', 1, 0, 0, False), ('b', 3, 4, 1, True), ('c', 6, 9, 2, True)]
    """
    cdef list blocks = []
    cdef Py_ssize_t size = len(text), index, start = 0, number = 1, paragraph = 0
    cdef bint blank = False, seen = False
    cdef Py_UCS4 c
    for index in range(size + 1):
        c = text[index] if index < size else 0x0A
        if c != 0x0A:
            if not seen and not Py_UNICODE_ISSPACE(c):
                seen = True
            continue
        if seen:
            if blank and blocks:
                paragraph += 1
            blocks.append(block(text[start:index], number, start, paragraph, blank and len(blocks) > 0))
            blank = False
        else:
            blank = True
        seen = False
        start = index + 1
        number += 1
    return blocks


cdef inline bint fewer_spaces(str line, Py_ssize_t limit):
    # line.count(" ") < limit, stopping at the limit.
    cdef Py_ssize_t count = 0
    cdef Py_UCS4 c
    if limit <= 0:
        return False
    for c in line:
        if c == 0x20:
            count += 1
            if count >= limit:
                return False
    return True


def few_spaces(list lines, Py_ssize_t limit):
    """The lines with fewer than `limit` spaces, each once, in order of first appearance.

    >>> few_spaces(["a b", "a b c", "", "a b", "x"], 2)
    ['a b', '', 'x']
    """
    return list(dict.fromkeys([line for line in lines if fewer_spaces(line, limit)]))


def short_with_letter(list lines, Py_ssize_t max_words):
    """The indexes of the lines of at most `max_words` space-separated words with a letter in them (a word
    character that is neither a digit nor "_").

    >>> short_with_letter(["Share this", "19'", "", "a b c", "x_1", "²"], 2)
    [0, 4, 5]
    """
    cdef list found = []
    cdef Py_ssize_t index
    cdef str line
    cdef Py_UCS4 c
    for index in range(len(lines)):
        line = lines[index]
        if not fewer_spaces(line, max_words):
            continue
        for c in line:
            if Py_UNICODE_ISALNUM(c) and not Py_UNICODE_ISDECIMAL(c):
                found.append(index)
                break
    return found


def code_char_count(str text):
    """How many of the text's characters are ones code is full of and prose is not: {}()[];=<>|\\/_$&+*^~`#@%

    >>> code_char_count("f(x) { return x_1; }"), code_char_count("Prose, plain.")
    (6, 0)
    """
    cdef Py_ssize_t count = 0
    cdef Py_UCS4 c
    for c in text:
        if c < 128 and CODE_CHARS[c]:
            count += 1
    return count


def cjk_count(str text):
    """How many of the text's characters are kana, CJK ideographs (and extension A) or Hangul syllables.

    >>> cjk_count("中文 and ひらがな, 한국어"), cjk_count("abc")
    (9, 0)
    """
    cdef Py_ssize_t count = 0
    cdef Py_UCS4 c
    for c in text:
        if 0x3040 <= c <= 0x30FF or 0x3400 <= c <= 0x4DBF or 0x4E00 <= c <= 0x9FFF or 0xAC00 <= c <= 0xD7AF:
            count += 1
    return count


def split_word_counts(list lines):
    """How many words each line has as `len(line.split())` counts them: runs of non-whitespace.

    >>> split_word_counts(["a b", "", " \\t ", "one\\u3000two  three "])
    [2, 0, 0, 3]
    """
    cdef list counts = []
    cdef Py_ssize_t count
    cdef bint gap
    cdef str line
    cdef Py_UCS4 c
    for line in lines:
        count = 0
        gap = True
        for c in line:
            if Py_UNICODE_ISSPACE(c):
                gap = True
            elif gap:
                count += 1
                gap = False
        counts.append(count)
    return counts


def lines_within(list lines, list counts, Py_ssize_t limit):
    """The indexes of the lines whose count is at most `limit`, and those lines joined by newlines.

    >>> lines_within(["a b", "c", "d e f"], [2, 1, 3], 2)
    ([0, 1], 'a b\\nc')
    """
    cdef list chosen = [], texts = []
    cdef Py_ssize_t index
    for index in range(len(lines)):
        if <Py_ssize_t> counts[index] <= limit:
            chosen.append(index)
            texts.append(lines[index])
    return chosen, "\n".join(texts)
