"""The dedup path's compiled kernels: C twins of the per-line text work in `_dedup_kernels_pure.py`.

Each function here has a pure-Python twin there with the same name, arguments, docstring and result
(tests/test_dedup_kernels.py runs both side by side); `cleaner.dedup_kernels` picks one set per process.
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.unicode cimport Py_UNICODE_ISALNUM

cdef extern from "Python.h":
    object PyUnicode_FromKindAndData(int kind, const void *buffer, Py_ssize_t size)
    int PyUnicode_4BYTE_KIND


cdef inline Py_ssize_t count_words(str text):
    # The matches of [^\W_]+(?:['’][^\W_]+)? found left to right: a run of letters and digits, joined to the
    # next run by one apostrophe between them. State: 0 outside a word, 1 in its first run, 2 just past
    # an apostrophe after it, 3 in the run after the apostrophe (the word ends with that run).
    cdef Py_ssize_t count = 0
    cdef int state = 0
    cdef Py_UCS4 c
    for c in text:
        if Py_UNICODE_ISALNUM(c):
            if state == 0:
                count += 1
                state = 1
            elif state == 2:
                state = 3
        elif state == 1 and (c == 0x27 or c == 0x2019):
            state = 2
        else:
            state = 0
    return count


def word_counts(list texts):
    """How many words each text has, as `cleaner.features.word_count` counts them (runs of letters and digits,
    two of them joined by an apostrophe counting once), as a list of ints.

    >>> word_counts(["Don’t stop: 3 more!", "", "a'b'c __ x_y"])
    [4, 0, 4]
    """
    return [count_words(text) for text in texts]


cdef str squash_one(str text):
    cdef str folded = text.casefold()
    cdef Py_ssize_t size = len(folded), n = 0
    cdef Py_UCS4 c
    cdef bint gap = False
    if size == 0:
        return ""
    cdef Py_UCS4 *out = <Py_UCS4 *> PyMem_Malloc(size * sizeof(Py_UCS4))
    if out == NULL:
        raise MemoryError()
    try:
        for c in folded:
            if Py_UNICODE_ISALNUM(c) or c == 0x5F:
                if gap and n:
                    out[n] = 0x20
                    n += 1
                gap = False
                out[n] = c
                n += 1
            else:
                gap = True
        return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, n)
    finally:
        PyMem_Free(out)


def squashed(list texts):
    """Each text as `cleaner.features.squash` makes it: case-folded, its runs of word characters joined by one space.

    >>> squashed(["  Share this: ", "STRASSE_1 ß", ""])
    ['share this', 'strasse_1 ss', '']
    """
    return [squash_one(text) for text in texts]
