# A line's words counted and its squashed form, in C: shared by `_textcore.pyx` and `_dedup_kernels.pyx`, which
# include this file (a textual include: the includer cimports PyMem_Malloc, PyMem_Free and Py_UNICODE_ISALNUM and
# declares PyUnicode_FromKindAndData and PyUnicode_4BYTE_KIND from Python.h).


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


cdef str squash_text(str text):
    # case-folded, its runs of word characters joined by one space (`cleaner.features.squash`)
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
