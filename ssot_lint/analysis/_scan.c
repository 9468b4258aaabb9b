/* The statement scan of ``ssot_lint.analysis.chunks`` (``blank`` and ``scan``), the outline of
 * ``ssot_lint.analysis.outline`` and the line starts of ``ssot_lint.analysis.source_lines`` in C.
 *
 * The scan looks at every character of every file once, and in Python that per-character work
 * was the largest part of a cold check that no rule can skip (about a tenth of its CPU on Home
 * Assistant). This module does exactly what the Python functions in ``chunks.py`` do and
 * returns the same values; ``chunks.py`` uses it when it was built and keeps the Python code as
 * the reference (tests/test_native_scan.py compares the two). Every rule below is the Python
 * code's, with the name of the function or regex it mirrors: change both together.
 *
 * A text is read through ``PyUnicode_READ`` whatever its kind. Nesting deeper than
 * ``MAX_NESTING`` (f-strings inside replacement fields) returns ``TOO_DEEP`` and the caller
 * runs the Python code, so a hostile file cannot exhaust the C stack. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define NOT_FOLLOWED (-1) /* the Python code's None: an f-string not followed to its end */
#define TOO_DEEP (-2)
#define MAX_NESTING 200

#if PY_VERSION_HEX >= 0x030C0000 /* PEP 701: f-string fields may reuse the quotes (_NESTABLE) */
#define NESTABLE 1
#else
#define NESTABLE 0
#endif

#if PY_VERSION_HEX >= 0x030E0000 /* PEP 750 t-strings (_FIELD_LETTERS) */
#define FIELD_LETTER(c) ((c) == 'f' || (c) == 'F' || (c) == 't' || (c) == 'T')
#else
#define FIELD_LETTER(c) ((c) == 'f' || (c) == 'F')
#endif
#define PREFIX_LAST_LETTER(c) (FIELD_LETTER(c) || (c) == 'r' || (c) == 'R') /* _PREFIX_LETTERS */

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t n;
} Text;

/* The character at ``i``, or 0 past the end (no rule below looks for a NUL). */
static inline Py_UCS4 at(const Text *t, Py_ssize_t i) {
    return i < t->n ? PyUnicode_READ(t->kind, t->data, i) : 0;
}

static inline int is_word(Py_UCS4 c) { return c == '_' || Py_UNICODE_ISALNUM(c); } /* _word, re's \w */

static inline int is_break(Py_UCS4 c) { return c == '\r' || c == '\n'; }

static inline int is_string_prefix(Py_UCS4 c) { /* [rRbBuUfFtT] (_STRING_PREFIX) */
    switch (c) {
    case 'r': case 'R': case 'b': case 'B': case 'u': case 'U': case 'f': case 'F': case 't': case 'T':
        return 1;
    default:
        return 0;
    }
}

/* _STRING.match at the quote ``i``: where the literal ends (an unterminated one runs to the end
 * of its line, or of the text when triple-quoted). A triple-quoted body that stops at a
 * backslash ending the text matches neither ``"""`` nor ``\Z``, so the regex falls back to
 * its single-quote alternative, as here. */
static Py_ssize_t string_end(const Text *t, Py_ssize_t i) {
    Py_UCS4 q = at(t, i);
    if (at(t, i + 1) == q && at(t, i + 2) == q) {
        Py_ssize_t j = i + 3;
        for (;;) {
            if (j >= t->n)
                return t->n;
            Py_UCS4 c = at(t, j);
            if (c == '\\') {
                if (j + 1 >= t->n)
                    break;
                j += 2;
            } else if (c == q && at(t, j + 1) == q && at(t, j + 2) == q) {
                return j + 3;
            } else {
                j += 1;
            }
        }
    }
    Py_ssize_t j = i + 1;
    while (j < t->n) {
        Py_UCS4 c = at(t, j);
        if (c == q || is_break(c))
            break;
        if (c == '\\') {
            if (j + 1 >= t->n)
                break;
            j += (at(t, j + 1) == '\r' && at(t, j + 2) == '\n') ? 3 : 2;
        } else {
            j += 1;
        }
    }
    return at(t, j) == q && j < t->n ? j + 1 : j;
}

/* _prefix_before: the length of the string prefix written before the quote at ``quote`` (0 when
 * the letters end a name), and whether it holds a field letter and an ``r``. */
static Py_ssize_t prefix_before(const Text *t, Py_ssize_t quote, int *fields, int *raw) {
    Py_ssize_t start;
    if (quote >= 2 && is_string_prefix(at(t, quote - 2)) && is_string_prefix(at(t, quote - 1)))
        start = quote - 2;
    else if (quote >= 1 && is_string_prefix(at(t, quote - 1)))
        start = quote - 1;
    else
        return 0;
    if (start > 0 && is_word(at(t, start - 1)))
        return 0;
    *fields = *raw = 0;
    for (Py_ssize_t k = start; k < quote; k++) {
        Py_UCS4 c = at(t, k);
        *fields |= FIELD_LETTER(c);
        *raw |= c == 'r' || c == 'R';
    }
    return quote - start;
}

static Py_ssize_t field_end(const Text *t, Py_ssize_t pos, int nesting);

/* fstring_end: the offset after the f-string whose literal part starts at ``pos``. */
static Py_ssize_t fstring_end(const Text *t, Py_ssize_t pos, Py_UCS4 q, int triple, int raw, int nesting) {
    if (nesting > MAX_NESTING)
        return TOO_DEEP;
    while (pos < t->n) {
        Py_UCS4 c = at(t, pos);
        if (c == '\\') {
            if (!raw && at(t, pos + 1) == 'N' && at(t, pos + 2) == '{') { /* a named escape */
                Py_ssize_t close = pos;
                while (close < t->n && at(t, close) != '}')
                    close++;
                if (close >= t->n)
                    return NOT_FOLLOWED;
                pos = close + 1;
            } else {
                pos += (at(t, pos + 1) == '\r' && at(t, pos + 2) == '\n') ? 3 : 2;
            }
        } else if (c == '{') {
            if (at(t, pos + 1) == '{') {
                pos += 2;
            } else {
                Py_ssize_t field = field_end(t, pos + 1, nesting + 1);
                if (field < 0)
                    return field;
                pos = field;
            }
        } else if (c == '}') {
            if (at(t, pos + 1) != '}')
                return NOT_FOLLOWED;
            pos += 2;
        } else if (is_break(c)) {
            if (!triple)
                return NOT_FOLLOWED;
            pos += 1;
        } else if (c == q) {
            if (!triple)
                return pos + 1;
            if (at(t, pos + 1) == q && at(t, pos + 2) == q)
                return pos + 3;
            pos += 1;
        } else {
            pos += 1;
        }
    }
    return NOT_FOLLOWED;
}

/* _spec_end: the offset after the ``}`` ending a format spec. */
static Py_ssize_t spec_end(const Text *t, Py_ssize_t pos, int nesting) {
    for (; pos < t->n; pos++) {
        Py_UCS4 c = at(t, pos);
        if (c == '{') {
            Py_ssize_t field = field_end(t, pos + 1, nesting + 1);
            if (field < 0)
                return field;
            pos = field - 1;
        } else if (c == '}') {
            return pos + 1;
        } else if (c == '\\' || c == '\'' || c == '"' || is_break(c)) {
            return NOT_FOLLOWED;
        }
    }
    return NOT_FOLLOWED;
}

/* _field_end: the offset after the ``}`` closing the field whose expression starts at ``pos``. */
static Py_ssize_t field_end(const Text *t, Py_ssize_t pos, int nesting) {
    if (nesting > MAX_NESTING)
        return TOO_DEEP;
    Py_ssize_t depth = 0;
    while (pos < t->n) {
        Py_ssize_t i = pos;
        Py_UCS4 c = at(t, i);
        pos = i + 1;
        switch (c) {
        case '(': case '[': case '{':
            depth++;
            break;
        case ')': case ']':
            if (--depth < 0)
                return NOT_FOLLOWED;
            break;
        case '}':
            if (depth == 0)
                return pos;
            depth--;
            break;
        case '\'': case '"': {
            int fields = 0, raw = 0;
            Py_ssize_t end;
            if (prefix_before(t, i, &fields, &raw) && fields) {
                int triple = at(t, i + 1) == c && at(t, i + 2) == c;
                end = fstring_end(t, i + (triple ? 3 : 1), c, triple, raw, nesting + 1);
            } else {
                Py_ssize_t literal = string_end(t, i);
                end = literal - i >= 2 && at(t, literal - 1) == c ? literal : NOT_FOLLOWED;
            }
            if (end < 0)
                return end;
            pos = end;
            break;
        }
        case '#':
            while (pos < t->n && !is_break(at(t, pos)))
                pos++;
            break;
        case '!':
            if (at(t, pos) == '=')
                pos++; /* `!=`, not a conversion */
            break;
        case ':':
            if (depth == 0)
                return spec_end(t, pos, nesting);
            break;
        default:
            break;
        }
    }
    return NOT_FOLLOWED;
}

/* _blanked, written over ``out``: a comment as spaces, a string as ``"`` and spaces, line
 * breaks kept. */
static inline __attribute__((always_inline)) void blank_range(int kind, void *out, const Text *t, Py_ssize_t start, Py_ssize_t end, int comment) {
    for (Py_ssize_t k = start; k < end; k++) {
        if (k == start && !comment)
            PyUnicode_WRITE(kind, out, k, '"');
        else if (!is_break(at(t, k)))
            PyUnicode_WRITE(kind, out, k, ' ');
    }
}

/* blank: ``out`` (a copy of the text) with its strings (when ``strings``) and comments blanked;
 * 0, or NOT_FOLLOWED / TOO_DEEP. Inlined once per string kind, as ``statements``. */
static inline __attribute__((always_inline)) int blank_of_kind(const Text *given, int kind, void *out, int strings) {
    const Text text = {kind, given->data, given->n};
    const Text *t = &text;
    Py_ssize_t i = 0;
    while (i < t->n) {
        Py_UCS4 c = at(t, i);
        if (c == '#') {
            Py_ssize_t end = i + 1;
            while (end < t->n && !is_break(at(t, end)))
                end++;
            blank_range(t->kind, out, t, i, end, 1);
            i = end;
        } else if (c == '"' || c == '\'') {
            Py_ssize_t start = i, end = string_end(t, i);
            if (NESTABLE && start > 0 && PREFIX_LAST_LETTER(at(t, start - 1))) {
                int fields = 0, raw = 0;
                Py_ssize_t prefix = prefix_before(t, start, &fields, &raw);
                if (prefix && fields) {
                    int triple = at(t, start + 1) == c && at(t, start + 2) == c;
                    Py_ssize_t found = fstring_end(t, start + (triple ? 3 : 1), c, triple, raw, 0);
                    if (found < 0)
                        return (int)found;
                    start -= prefix;
                    end = found;
                }
            }
            if (strings)
                blank_range(t->kind, out, t, start, end, 0);
            i = end;
        } else {
            i++;
        }
    }
    return 0;
}

static int blank_into(const Text *t, void *out, int strings) {
    switch (t->kind) {
    case PyUnicode_1BYTE_KIND:
        return blank_of_kind(t, PyUnicode_1BYTE_KIND, out, strings);
    case PyUnicode_2BYTE_KIND:
        return blank_of_kind(t, PyUnicode_2BYTE_KIND, out, strings);
    default:
        return blank_of_kind(t, PyUnicode_4BYTE_KIND, out, strings);
    }
}

/* The blanked text as a str: the text's own kind, made canonical (a text whose only non-ASCII
 * characters were in comments or strings gives an ASCII str, as the Python code's does).
 * Sets *status to NOT_FOLLOWED / TOO_DEEP (and returns NULL without an error) when it fails. */
static PyObject *blanked_str(PyObject *text, const Text *t, int strings, int *status) {
    *status = 0;
    if (PyUnicode_IS_ASCII(text)) {
        PyObject *out = PyUnicode_New(t->n, 127);
        if (out == NULL)
            return NULL;
        memcpy(PyUnicode_DATA(out), t->data, (size_t)t->n);
        *status = blank_into(t, PyUnicode_DATA(out), strings);
        if (*status < 0) {
            Py_DECREF(out);
            return NULL;
        }
        return out;
    }
    void *buffer = PyMem_Malloc((size_t)(t->n ? t->n : 1) * (size_t)t->kind);
    if (buffer == NULL)
        return PyErr_NoMemory();
    memcpy(buffer, t->data, (size_t)t->n * (size_t)t->kind);
    *status = blank_into(t, buffer, strings);
    PyObject *out = *status < 0 ? NULL : PyUnicode_FromKindAndData(t->kind, buffer, t->n);
    PyMem_Free(buffer);
    return out;
}

static int read_text(PyObject *text, Text *t) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "expected str");
        return -1;
    }
    t->kind = PyUnicode_KIND(text);
    t->data = PyUnicode_DATA(text);
    t->n = PyUnicode_GET_LENGTH(text);
    return 0;
}

/* NOT_FOLLOWED is the Python code's None; TOO_DEEP is NotImplemented, for the caller to run the
 * Python code. */
static PyObject *failure(int status) {
    if (status == TOO_DEEP)
        Py_RETURN_NOTIMPLEMENTED;
    Py_RETURN_NONE;
}

static PyObject *py_blank(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *text;
    int strings = 1;
    if (!PyArg_ParseTuple(args, "U|p:blank", &text, &strings))
        return NULL;
    Text t;
    if (read_text(text, &t) < 0)
        return NULL;
    int status;
    PyObject *out = blanked_str(text, &t, strings, &status);
    if (out == NULL && status < 0 && !PyErr_Occurred())
        return failure(status);
    return out;
}

static inline int starts_word(const Text *c, Py_ssize_t i, const char *word) {
    Py_ssize_t k = 0;
    for (; word[k]; k++)
        if (at(c, i + k) != (Py_UCS4)(unsigned char)word[k])
            return 0;
    return i + k >= c->n || !is_word(at(c, i + k)); /* \b after the word */
}

static int is_clause(const Text *c, Py_ssize_t i) { /* _CLAUSE */
    return starts_word(c, i, "else") || starts_word(c, i, "elif") || starts_word(c, i, "except") ||
           starts_word(c, i, "finally");
}

static int is_definition(const Text *c, Py_ssize_t i) { /* _DEFINITION */
    return starts_word(c, i, "def") || starts_word(c, i, "class") || starts_word(c, i, "async");
}

static int append_int(PyObject *list, Py_ssize_t value) {
    PyObject *number = PyLong_FromSsize_t(value);
    if (number == NULL)
        return -1;
    int result = PyList_Append(list, number);
    Py_DECREF(number);
    return result;
}

/* scan's loop over the blanked code: the lines, offsets and heads of the top-level statements.
 * Inlined once per string kind (``statements`` below), so that reading a character is one load. */
static inline __attribute__((always_inline)) int statements_of_kind(const Text *c, int kind, PyObject *starts,
                                                                    PyObject *offsets, PyObject *heads) {
    const Text text = {kind, c->data, c->n};
    c = &text;
    if (append_int(starts, 1) < 0 || append_int(offsets, 0) < 0 || append_int(heads, is_definition(c, 0) ? 0 : -1) < 0)
        return -1;
    Py_ssize_t depth = 0, line = 1;
    int in_decorator = at(c, 0) == '@';
    for (Py_ssize_t p = 0; p < c->n; p++) {
        Py_UCS4 ch = at(c, p);
        switch (ch) {
        case '(': case '[': case '{':
            depth++;
            continue;
        case ')': case ']': case '}':
            depth--;
            continue;
        case '\r':
            if (at(c, p + 1) == '\n')
                continue; /* `\r\n` is one line break, counted at its `\n` */
            break;
        case '\n':
            break;
        default:
            continue;
        }
        line++;
        Py_ssize_t offset = p + 1;
        if (offset >= c->n)
            break;
        Py_UCS4 first = at(c, offset); /* _LINE_START: [^\s#)\]}] */
        if (Py_UNICODE_ISSPACE(first) || first == '#' || first == ')' || first == ']' || first == '}')
            continue;
        /* _continued: the line before ends with a backslash */
        Py_ssize_t end = offset;
        if (end && at(c, end - 1) == '\n')
            end--;
        if (end && at(c, end - 1) == '\r')
            end--;
        if (depth != 0 || (end > 0 && at(c, end - 1) == '\\') || is_clause(c, offset))
            continue;
        if (in_decorator) {
            if (is_definition(c, offset)) {
                in_decorator = 0;
                PyObject *number = PyLong_FromSsize_t(offset);
                if (number == NULL || PyList_SetItem(heads, PyList_GET_SIZE(heads) - 1, number) < 0)
                    return -1;
            }
            continue; /* a decorated statement starts at its first decorator */
        }
        in_decorator = first == '@';
        if (append_int(starts, line) < 0 || append_int(offsets, offset) < 0 ||
            append_int(heads, is_definition(c, offset) ? offset : -1) < 0)
            return -1;
    }
    return 0;
}

static int statements(const Text *c, PyObject *starts, PyObject *offsets, PyObject *heads) {
    switch (c->kind) {
    case PyUnicode_1BYTE_KIND:
        return statements_of_kind(c, PyUnicode_1BYTE_KIND, starts, offsets, heads);
    case PyUnicode_2BYTE_KIND:
        return statements_of_kind(c, PyUnicode_2BYTE_KIND, starts, offsets, heads);
    default:
        return statements_of_kind(c, PyUnicode_4BYTE_KIND, starts, offsets, heads);
    }
}

/* scan: (code, starts, offsets, heads), None, or NotImplemented (run the Python code). */
static PyObject *py_scan(PyObject *self, PyObject *text) {
    (void)self;
    Text t;
    if (read_text(text, &t) < 0)
        return NULL;
    int status;
    PyObject *code = blanked_str(text, &t, 1, &status);
    if (code == NULL)
        return status < 0 && !PyErr_Occurred() ? failure(status) : NULL;
    Text c;
    read_text(code, &c);
    PyObject *starts = PyList_New(0), *offsets = PyList_New(0), *heads = PyList_New(0);
    if (starts == NULL || offsets == NULL || heads == NULL || statements(&c, starts, offsets, heads) < 0) {
        Py_DECREF(code);
        Py_XDECREF(starts);
        Py_XDECREF(offsets);
        Py_XDECREF(heads);
        return NULL;
    }
    return Py_BuildValue("(NNNN)", code, starts, offsets, heads);
}

/* ---- The outline (``ssot_lint.analysis.outline``): each function mirrors the one named. ---- */

static inline int is_blank_space(Py_UCS4 c) { return c == ' ' || c == '\t' || c == '\f'; } /* [ \t\f] */

/* ``(?:async[ \t\f]+)?`` at ``i``: where what follows it starts (``i`` when there is none). */
static Py_ssize_t after_async(const Text *c, Py_ssize_t i, Py_ssize_t end) {
    if (i + 5 < end && at(c, i) == 'a' && at(c, i + 1) == 's' && at(c, i + 2) == 'y' && at(c, i + 3) == 'n' &&
        at(c, i + 4) == 'c' && is_blank_space(at(c, i + 5))) {
        Py_ssize_t j = i + 5;
        while (j < end && is_blank_space(at(c, j)))
            j++;
        return j;
    }
    return i;
}

static int spelled_at(const Text *c, Py_ssize_t i, Py_ssize_t end, const char *word) {
    for (Py_ssize_t k = 0; word[k]; k++)
        if (i + k >= end || at(c, i + k) != (Py_UCS4)(unsigned char)word[k])
            return 0;
    return 1;
}

/* A word followed by \b, read no further than ``end``. */
static int word_at(const Text *c, Py_ssize_t i, Py_ssize_t end, const char *word) {
    if (!spelled_at(c, i, end, word))
        return 0;
    Py_ssize_t after = i + (Py_ssize_t)strlen(word);
    return after >= end || !is_word(at(c, after));
}

/* _spells_import_or_global */
static int spells_import_or_global(const Text *c, Py_ssize_t start, Py_ssize_t end) {
    static const char *const words[] = {"import", "global"};
    for (int w = 0; w < 2; w++) {
        for (Py_ssize_t i = start; i + 6 <= end; i++) {
            if (!spelled_at(c, i, end, words[w]))
                continue;
            Py_ssize_t after = i + 6;
            if ((after == end || !is_word(at(c, after))) && !(i && is_word(at(c, i - 1))))
                return 1;
        }
    }
    return 0;
}

/* _header_end: the offset after the ``:`` ending a def's or class's header, or -1. */
static Py_ssize_t header_end(const Text *c, Py_ssize_t keyword, Py_ssize_t end) {
    Py_ssize_t after = after_async(c, keyword, c->n);
    int header = word_at(c, after, c->n, "def") || word_at(c, keyword, c->n, "class"); /* _HEADER */
    if (!header || spells_import_or_global(c, keyword, end))
        return -1;
    if (spelled_at(c, keyword, c->n, "def")) { /* _GETATTR: def[ \t\f]+__getattr__\b */
        Py_ssize_t j = keyword + 3;
        if (j < c->n && is_blank_space(at(c, j))) {
            while (j < c->n && is_blank_space(at(c, j)))
                j++;
            if (word_at(c, j, c->n, "__getattr__"))
                return -1;
        }
    }
    Py_ssize_t depth = 0;
    for (Py_ssize_t i = keyword; i < end; i++) { /* _HEADER_TOKENS: [()\[\]{}:;] */
        switch (at(c, i)) {
        case '(': case '[': case '{':
            depth++;
            break;
        case ')': case ']': case '}':
            depth--;
            break;
        case ':': case ';':
            if (depth == 0)
                return at(c, i) == ':' && at(c, i + 1) != '=' ? i + 1 : -1;
            break;
        default:
            break;
        }
    }
    return -1;
}

/* _quiet_parameters: the offset of the ``(`` opening a def's parameters when no other ``(`` is
 * written up to ``colon``; -1 otherwise. */
static Py_ssize_t quiet_parameters(const Text *c, Py_ssize_t keyword, Py_ssize_t colon) {
    Py_ssize_t j = after_async(c, keyword, colon); /* _DEF_NAME, with endpos=colon */
    if (!spelled_at(c, j, colon, "def"))
        return -1;
    j += 3;
    if (!(j < colon && is_blank_space(at(c, j))))
        return -1;
    while (j < colon && is_blank_space(at(c, j)))
        j++;
    Py_ssize_t name = j;
    while (j < colon && is_word(at(c, j)))
        j++;
    if (j == name)
        return -1;
    while (j < colon && is_blank_space(at(c, j)))
        j++;
    if (!(j < colon && at(c, j) == '('))
        return -1;
    for (Py_ssize_t k = j + 1; k < colon; k++)
        if (at(c, k) == '(')
            return -1;
    return j;
}

/* _NOT_A_NAME.search(code, value, end): a ``[`` or ``{``, or a call. */
static int not_a_name(const Text *c, Py_ssize_t value, Py_ssize_t end) {
    for (Py_ssize_t i = value; i < end; i++) {
        Py_UCS4 ch = at(c, i);
        if (ch == '[' || ch == '{')
            return 1;
        if (is_word(ch) || ch == ')' || ch == ']' || ch == '}' || ch == '"') {
            Py_ssize_t j = i + 1;
            while (j < end && is_blank_space(at(c, j)))
                j++;
            if (j < end && at(c, j) == '(')
                return 1;
        }
    }
    return 0;
}

/* _value_start: the offset after the ``=`` of ``NAME = value`` / ``NAME: T = value`` when the
 * value may be left out; -1 otherwise. ``t`` is the text (``:=`` is looked for there), ``c`` the
 * code. */
static Py_ssize_t value_start(const Text *t, const Text *c, Py_ssize_t start, Py_ssize_t end) {
    /* _TARGET: (?!__)[^\W\d]\w*[ \t\f]*(?=[:=]) with endpos=end */
    if (spelled_at(c, start, end, "__"))
        return -1;
    if (!(start < end && is_word(at(c, start)) && !Py_UNICODE_ISDECIMAL(at(c, start))))
        return -1;
    Py_ssize_t j = start + 1;
    while (j < end && is_word(at(c, j)))
        j++;
    while (j < end && is_blank_space(at(c, j)))
        j++;
    if (!(j < end && (at(c, j) == ':' || at(c, j) == '=')))
        return -1;
    Py_ssize_t target_end = j;
    for (Py_ssize_t i = start; i + 1 < end; i++)
        if (at(t, i) == ':' && at(t, i + 1) == '=')
            return -1;
    Py_ssize_t depth = 0, value = -1;
    for (Py_ssize_t i = target_end; i < end; i++) { /* _VALUE_TOKENS: [()\[\]{}:;=] */
        Py_UCS4 token = at(c, i);
        switch (token) {
        case '(': case '[': case '{':
            depth++;
            continue;
        case ')': case ']': case '}':
            depth--;
            continue;
        case ':': case ';': case '=':
            break;
        default:
            continue;
        }
        if (depth != 0)
            continue;
        if (value >= 0)
            return -1; /* a second `=`, a `;` or a `:` after the value starts: keep it whole */
        if (token == ':' && i == target_end)
            continue; /* the annotation's colon */
        if (token == '=' && at(c, i + 1) != '=') {
            Py_UCS4 before = at(c, i - 1);
            if (before != '=' && before != '<' && before != '>' && before != '!') {
                value = i + 1;
                continue;
            }
        }
        return -1;
    }
    if (value < 0 || !not_a_name(c, value, end))
        return -1;
    return value;
}

/* bisect_right(line_starts, end) - bisect_right(line_starts, cut): the line breaks ending in
 * (cut, end]. */
static Py_ssize_t breaks_between(const Text *t, Py_ssize_t cut, Py_ssize_t end) {
    Py_ssize_t count = 0;
    for (Py_ssize_t p = cut; p < end; p++) {
        Py_UCS4 ch = at(t, p);
        if (ch == '\n' || (ch == '\r' && at(t, p + 1) != '\n'))
            count++;
    }
    return count;
}

typedef struct {
    int kind;
    void *data;
    Py_ssize_t length;
} Writer;

static void write_text(Writer *w, const Text *t, Py_ssize_t start, Py_ssize_t end) {
    if (end > start) {
        memcpy((char *)w->data + w->length * w->kind, (const char *)t->data + start * t->kind,
               (size_t)(end - start) * (size_t)t->kind);
        w->length += end - start;
    }
}

static void write_ascii(Writer *w, const char *piece, Py_ssize_t times) {
    for (Py_ssize_t n = 0; n < times; n++)
        for (const char *p = piece; *p; p++)
            PyUnicode_WRITE(w->kind, w->data, w->length++, (Py_UCS4)(unsigned char)*p);
}

/* The line breaks of text[start:end], each written as one: as the text writes it, but a `\n`
 * that would follow a written `\r` (the line before ended with a lone `\r`, or blanks between
 * the two were left out) as `\r`, so the two do not become one `\r\n`. Never longer than the
 * text it stands for. */
static void write_breaks(Writer *w, const Text *t, Py_ssize_t start, Py_ssize_t end) {
    for (Py_ssize_t p = start; p < end; p++) {
        Py_UCS4 ch = at(t, p);
        Py_UCS4 last = w->length ? PyUnicode_READ(w->kind, w->data, w->length - 1) : 0;
        if (ch == '\r' && p + 1 < end && at(t, p + 1) == '\n') {
            write_ascii(w, "\r\n", 1);
            p++;
        } else if (ch == '\r' || (ch == '\n' && last == '\r')) {
            write_ascii(w, "\r", 1);
        } else if (ch == '\n') {
            write_ascii(w, "\n", 1);
        }
    }
}

/* _simple_imports.c: 1 and a new reference in *record when text[start:end] is one simple import
 * statement starting line `line`, 0 when not, -1 on error. */
int simple_import(const Py_UCS1 *text, const Py_UCS1 *code, Py_ssize_t start, Py_ssize_t end, Py_ssize_t line, PyObject **record);

/* outline(text, code, offsets, heads[, starts, imports]): (the outline, [(cut, end), ...]).
 * With ``starts`` (the scan's statement lines) and a list ``imports``, the top-level statements
 * that are one simple import are left out too (their line breaks kept) and read into
 * ``imports`` (``_simple_imports.c``); the cuts do not list them. */
static PyObject *py_outline(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *text, *code, *offsets, *heads, *starts = NULL, *imports = NULL;
    if (!PyArg_ParseTuple(args, "UUO!O!|O!O!:outline", &text, &code, &PyList_Type, &offsets, &PyList_Type, &heads, &PyList_Type,
                          &starts, &PyList_Type, &imports))
        return NULL;
    if ((starts == NULL) != (imports == NULL)) {
        PyErr_SetString(PyExc_TypeError, "outline: starts and imports go together");
        return NULL;
    }
    Text t, c;
    read_text(text, &t);
    read_text(code, &c);
    Py_ssize_t count = PyList_GET_SIZE(offsets);
    if (PyList_GET_SIZE(heads) != count || c.n != t.n) {
        PyErr_SetString(PyExc_ValueError, "outline: the scan does not belong to this text");
        return NULL;
    }
    PyObject *cuts = PyList_New(0);
    if (cuts == NULL)
        return NULL;
    Writer w = {t.kind, NULL, 0};
    /* The outline is never longer than the text plus what replaces each statement's left-out part. */
    w.data = PyMem_Malloc((size_t)(t.n + 8 * count + 1) * (size_t)t.kind);
    if (w.data == NULL) {
        Py_DECREF(cuts);
        return PyErr_NoMemory();
    }
    /* _KEPT_WHOLE, and one more when line 1 holds only comments and blank lines */
    Py_ssize_t kept = 2;
    if (count > 1) {
        Py_ssize_t second = PyLong_AsSsize_t(PyList_GET_ITEM(offsets, 1));
        int only_space = 1;
        for (Py_ssize_t i = 0; i < second && only_space; i++)
            only_space = Py_UNICODE_ISSPACE(at(&c, i));
        kept += only_space;
    }
    /* Imports are read only from a text of ASCII and Latin-1 (one byte a character), whose
     * statements of ASCII the reader takes. */
    int reads_imports = imports != NULL && t.kind == PyUnicode_1BYTE_KIND && c.kind == PyUnicode_1BYTE_KIND;
    if (imports != NULL && PyList_GET_SIZE(starts) != count) {
        PyErr_SetString(PyExc_ValueError, "outline: the scan does not belong to this text");
        goto failed;
    }
    Py_ssize_t copied = 0, read = 0;
    for (Py_ssize_t index = kept; index < count; index++) {
        Py_ssize_t start = PyLong_AsSsize_t(PyList_GET_ITEM(offsets, index));
        Py_ssize_t head = PyLong_AsSsize_t(PyList_GET_ITEM(heads, index));
        Py_ssize_t end = index + 1 < count ? PyLong_AsSsize_t(PyList_GET_ITEM(offsets, index + 1)) : t.n;
        if (PyErr_Occurred())
            goto failed;
        if (start < copied || end < start || end > t.n || head >= end) { /* not a scan of this text */
            PyErr_SetString(PyExc_ValueError, "outline: the scan does not belong to this text");
            goto failed;
        }
        if (reads_imports && head < 0) {
            Py_ssize_t line = PyLong_AsSsize_t(PyList_GET_ITEM(starts, index));
            PyObject *record = NULL;
            int found = line == -1 && PyErr_Occurred() ? -1 : simple_import(t.data, c.data, start, end, line, &record);
            if (found < 0)
                goto failed;
            if (found) {
                int appended = PyList_Append(imports, record);
                Py_DECREF(record);
                if (appended < 0)
                    goto failed;
                write_text(&w, &t, copied, start);
                write_breaks(&w, &t, start, end);
                copied = end;
                read++;
                continue;
            }
        }
        Py_ssize_t cut = head >= 0 ? header_end(&c, head, end) : value_start(&t, &c, start, end);
        if (cut < 0)
            continue;
        Py_ssize_t parameters = head >= 0 ? quiet_parameters(&c, head, cut) : -1;
        if (parameters >= 0) {
            write_text(&w, &t, copied, parameters);
            write_ascii(&w, "(): ...", 1);
            cut = parameters;
        } else {
            write_text(&w, &t, copied, cut);
            write_ascii(&w, " ...", 1);
        }
        PyObject *pair = Py_BuildValue("(nn)", cut, end);
        if (pair == NULL || PyList_Append(cuts, pair) < 0) {
            Py_XDECREF(pair);
            goto failed;
        }
        Py_DECREF(pair);
        write_ascii(&w, "\n", breaks_between(&t, cut, end));
        copied = end;
    }
    PyObject *result;
    if (PyList_GET_SIZE(cuts) == 0 && read == 0) {
        Py_INCREF(text);
        result = text;
    } else {
        write_text(&w, &t, copied, t.n);
        result = PyUnicode_FromKindAndData(w.kind, w.data, w.length);
        if (result == NULL)
            goto failed;
    }
    PyMem_Free(w.data);
    return Py_BuildValue("(NN)", result, cuts);
failed:
    PyMem_Free(w.data);
    Py_DECREF(cuts);
    return NULL;
}

/* SourceLines' line starts: 0, then the offset after each line break (``\r\n``, ``\r`` or ``\n``).
 * Counted first, so that the list is made at its size; inlined once per string kind. */
static inline __attribute__((always_inline)) Py_ssize_t line_breaks(const Text *given, int kind, PyObject *into) {
    const Text text = {kind, given->data, given->n};
    const Text *t = &text;
    Py_ssize_t count = 0;
    for (Py_ssize_t i = 0; i < t->n; i++) {
        Py_UCS4 c = at(t, i);
        if (c == '\r' && at(t, i + 1) == '\n')
            i++;
        else if (c != '\r' && c != '\n')
            continue;
        count++;
        if (into != NULL) {
            PyObject *number = PyLong_FromSsize_t(i + 1);
            if (number == NULL)
                return -1;
            PyList_SET_ITEM(into, count, number);
        }
    }
    return count;
}

static Py_ssize_t line_breaks_of(const Text *t, PyObject *into) {
    switch (t->kind) {
    case PyUnicode_1BYTE_KIND:
        return line_breaks(t, PyUnicode_1BYTE_KIND, into);
    case PyUnicode_2BYTE_KIND:
        return line_breaks(t, PyUnicode_2BYTE_KIND, into);
    default:
        return line_breaks(t, PyUnicode_4BYTE_KIND, into);
    }
}

static PyObject *py_line_starts(PyObject *self, PyObject *text) {
    (void)self;
    Text t;
    if (read_text(text, &t) < 0)
        return NULL;
    PyObject *starts = PyList_New(line_breaks_of(&t, NULL) + 1); /* its items are set before it is seen */
    if (starts == NULL)
        return NULL;
    PyList_SET_ITEM(starts, 0, PyLong_FromLong(0));
    if (line_breaks_of(&t, starts) < 0) {
        Py_DECREF(starts);
        return NULL;
    }
    return starts;
}

/* prefilter.spelled / prefilter.spells_any: which of ``needles`` ``text`` holds, as ``needle in
 * text`` tells. Prefilters ask every file for a handful of words, and CPython's search took
 * 0.5-1 ns a character for each (Home Assistant: 20-40 ms a word): here 16 positions are tried
 * at once against a needle's first and last byte, and only where both match is the rest
 * compared. Texts with a character past U+00FF: NotImplemented, and the Python code searches. */
#if defined(__GNUC__) || defined(__clang__)
#define BLOCKS 1
typedef unsigned char bytes16 __attribute__((vector_size(16)));
typedef signed char flags16 __attribute__((vector_size(16)));
#endif

static int holds(const unsigned char *text, Py_ssize_t n, const unsigned char *needle, Py_ssize_t m) {
    const unsigned char first = needle[0], last = needle[m - 1];
    Py_ssize_t i = 0;
#ifdef BLOCKS
    bytes16 firsts, lasts;
    memset(&firsts, first, sizeof firsts);
    memset(&lasts, last, sizeof lasts);
    for (; i + (m - 1) + 16 <= n; i += 16) {
        bytes16 starting, ending;
        memcpy(&starting, text + i, 16);
        memcpy(&ending, text + i + m - 1, 16);
        flags16 both = (starting == firsts) & (ending == lasts);
        uint64_t halves[2];
        memcpy(halves, &both, sizeof halves);
        if ((halves[0] | halves[1]) == 0)
            continue;
        for (int k = 0; k < 16; k++)
            if (both[k] && memcmp(text + i + k + 1, needle + 1, (size_t)(m - 2)) == 0)
                return 1;
    }
#endif
    for (; i + m <= n; i++)
        if (text[i] == first && text[i + m - 1] == last && memcmp(text + i + 1, needle + 1, (size_t)(m - 2)) == 0)
            return 1;
    return 0;
}

static PyObject *py_spelled(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *text, *needles;
    int any = 0;
    if (!PyArg_ParseTuple(args, "UO!|p", &text, &PyTuple_Type, &needles, &any))
        return NULL;
    if (PyUnicode_KIND(text) != PyUnicode_1BYTE_KIND)
        Py_RETURN_NOTIMPLEMENTED;
    const unsigned char *data = PyUnicode_1BYTE_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    PyObject *found = any ? NULL : PyList_New(0);
    if (!any && found == NULL)
        return NULL;
    for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(needles); j++) {
        PyObject *item = PyTuple_GET_ITEM(needles, j);
        if (!PyUnicode_Check(item)) {
            Py_XDECREF(found);
            PyErr_SetString(PyExc_TypeError, "spelled: the needles must be str");
            return NULL;
        }
        /* A needle of a wider kind holds a character past U+00FF: never in this text. */
        Py_ssize_t m = PyUnicode_GET_LENGTH(item);
        const unsigned char *needle = PyUnicode_1BYTE_DATA(item);
        int here = m == 0 || (PyUnicode_KIND(item) == PyUnicode_1BYTE_KIND && m <= n &&
                              (m == 1 ? memchr(data, needle[0], (size_t)n) != NULL : holds(data, n, needle, m)));
        if (!here)
            continue;
        if (any)
            Py_RETURN_TRUE;
        if (append_int(found, j) < 0) {
            Py_DECREF(found);
            return NULL;
        }
    }
    if (any)
        Py_RETURN_FALSE;
    return found;
}

static PyMethodDef methods[] = {
    {"blank", py_blank, METH_VARARGS, "chunks.blank(text, strings=True), or NotImplemented when nested too deep."},
    {"outline", py_outline, METH_VARARGS, "outline.outline's text and cuts, from the text and its scan; with starts and a list, the simple imports read into it."},
    {"line_starts", py_line_starts, METH_O, "SourceLines' line starts: 0 and the offset after each line break."},
    {"spelled", py_spelled, METH_VARARGS, "prefilter.spelled(text, needles), with any=True prefilter.spells_any; NotImplemented for a text past U+00FF."},
    {"scan", py_scan, METH_O, "chunks.scan's (code, starts, offsets, heads), None, or NotImplemented when nested too deep."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_scan", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__scan(void) { return PyModule_Create(&module); }
