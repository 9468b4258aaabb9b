/* The top-level import statements the outline leaves out, read from the text (part of the
 * ``_scan`` extension; ``outline`` in ``_scan.c`` calls ``simple_import``).
 *
 * Import statements are half of a typical outline (Home Assistant: 3.9 of 8.4 MB) and CPython
 * parses them into nodes that only the module summary's walk reads. A top-level statement that
 * is exactly one import written the plain way is read here instead, into the tuple
 * ``analysis.simple_imports.import_node`` turns into the node CPython would have made:
 *
 *     (lineno, col_offset, end_lineno, end_col_offset, level, module, names)
 *
 * ``level`` is -1 for ``import a.b`` (``module`` None), the number of dots for ``from``; each of
 * ``names`` is ``(name, asname, lineno, col_offset, end_lineno, end_col_offset)``. Anything
 * this reader does not follow keeps the statement in the outline, where CPython parses it as
 * before: a character past ASCII, a NUL, a backslash, a ``;``, spaces inside a dotted name or between
 * the dots, a name that is a keyword, ``__future__`` (it may change how the rest parses), and
 * any other shape than the grammar's:
 *
 *     import_name: 'import' dotted_as_name (',' dotted_as_name)*
 *     import_from: 'from' '.'* dotted_name 'import' targets | 'from' '.'+ 'import' targets
 *     targets:     '*' | '(' import_as_names [','] ')' | import_as_names
 *
 * Only ``code`` (the text with comments and strings blanked, ``chunks.blank``) is read, so a
 * comment inside the parentheses is only spaces. tests/test_simple_imports.py compares every
 * tuple with CPython's node, over the standard library and over edge cases. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

static const char *const KEYWORDS[] = {
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else",
    "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass",
    "raise", "return", "try", "while", "with", "yield", NULL,
};

typedef struct {
    const Py_UCS1 *code;
    Py_ssize_t i, end;
    Py_ssize_t line, line_start; /* the line of position i and the offset that line starts at */
    int nesting;                 /* inside the parentheses of `from x import (...)` */
} Reader;

static inline int is_name_start(Py_UCS1 c) { return c == '_' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }
static inline int is_name_char(Py_UCS1 c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

/* Spaces, and inside parentheses line breaks too (a comment there is blanked to spaces). */
static void skip_blank(Reader *r) {
    while (r->i < r->end) {
        Py_UCS1 c = r->code[r->i];
        if (c == ' ' || c == '\t' || c == '\f') {
            r->i++;
        } else if (r->nesting && (c == '\n' || c == '\r')) {
            r->i += c == '\r' && r->i + 1 < r->end && r->code[r->i + 1] == '\n' ? 2 : 1;
            r->line++;
            r->line_start = r->i;
        } else {
            return;
        }
    }
}

static int is_keyword(const Py_UCS1 *word, Py_ssize_t length) {
    for (const char *const *k = KEYWORDS; *k; k++)
        if ((Py_ssize_t)strlen(*k) == length && memcmp(*k, word, (size_t)length) == 0)
            return 1;
    return 0;
}

/* A NAME that is no keyword at r->i: its length (r->i moves past it), or 0. */
static Py_ssize_t name(Reader *r) {
    Py_ssize_t start = r->i;
    if (start >= r->end || !is_name_start(r->code[start]))
        return 0;
    while (r->i < r->end && is_name_char(r->code[r->i]))
        r->i++;
    if (is_keyword(r->code + start, r->i - start)) {
        r->i = start;
        return 0;
    }
    return r->i - start;
}

/* The keyword `word` as a whole word at r->i (r->i moves past it), or 0. */
static int keyword(Reader *r, const char *word) {
    Py_ssize_t n = (Py_ssize_t)strlen(word);
    if (r->end - r->i < n || memcmp(r->code + r->i, word, (size_t)n) != 0)
        return 0;
    if (r->i + n < r->end && is_name_char(r->code[r->i + n]))
        return 0;
    r->i += n;
    return 1;
}

/* NAME ('.' NAME)*, no spaces inside: its length, or 0. */
static Py_ssize_t dotted(Reader *r) {
    Py_ssize_t start = r->i;
    if (!name(r))
        return 0;
    while (r->i < r->end && r->code[r->i] == '.') {
        r->i++;
        if (!name(r)) {
            r->i = start;
            return 0;
        }
    }
    return r->i - start;
}

static PyObject *text_of(const Reader *r, Py_ssize_t start, Py_ssize_t length) {
    return PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, r->code + start, length);
}

/* One alias: a dotted name (plain imports) or a NAME, and `as NAME`; appended to `names` as
 * (name, asname, lineno, col, end_lineno, end_col). 1, 0 when not one, -1 on error. */
static int alias(Reader *r, int plain, PyObject *names) {
    Py_ssize_t start = r->i, line = r->line, col = r->i - r->line_start;
    Py_ssize_t length = plain ? dotted(r) : name(r);
    if (!length)
        return 0;
    Py_ssize_t after_name = r->i, as_start = 0, as_length = 0;
    skip_blank(r);
    if (r->i > after_name && keyword(r, "as")) {
        Py_ssize_t after_as = r->i;
        skip_blank(r);
        as_start = r->i;
        if (r->i == after_as || !(as_length = name(r)))
            return 0;
    } else {
        r->i = after_name; /* the spaces after the name belong to what follows */
        if (r->nesting) { /* (a line break skipped above moved the line: read them again below) */
            r->line = line;
            r->line_start = start - col;
        }
    }
    PyObject *bound = as_length ? text_of(r, as_start, as_length) : Py_NewRef(Py_None);
    PyObject *item = bound == NULL ? NULL
                                   : Py_BuildValue("(NNnnnn)", text_of(r, start, length), bound, line, col, r->line,
                                                   r->i - r->line_start);
    if (item == NULL)
        return -1;
    int appended = PyList_Append(names, item);
    Py_DECREF(item);
    return appended < 0 ? -1 : 1;
}

/* alias (',' alias)*, with a trailing ',' allowed inside parentheses: 1, 0 when not, -1 on error. */
static int aliases(Reader *r, int plain, PyObject *names) {
    for (;;) {
        int found = alias(r, plain, names);
        if (found <= 0)
            return found;
        Py_ssize_t after = r->i, line = r->line, line_start = r->line_start;
        skip_blank(r);
        if (r->i >= r->end || r->code[r->i] != ',') {
            r->i = after;
            r->line = line;
            r->line_start = line_start;
            return 1;
        }
        r->i++;
        skip_blank(r);
        if (r->nesting && r->i < r->end && r->code[r->i] == ')')
            return 1;
    }
}

/* Whether only blank lines are left from r->i to the end of the statement's chunk. */
static int only_blank_lines_left(const Reader *r) {
    for (Py_ssize_t i = r->i; i < r->end; i++) {
        Py_UCS1 c = r->code[i];
        if (c != ' ' && c != '\t' && c != '\f' && c != '\r' && c != '\n')
            return 0;
    }
    return 1;
}

/* simple_import(text, code, start, end, line, &record): 1 and a new reference in *record when
 * text[start:end] (a top-level statement's chunk, starting line `line` at column 0) is one
 * simple import statement; 0 when it is not; -1 with an exception set. */
int simple_import(const Py_UCS1 *text, const Py_UCS1 *code, Py_ssize_t start, Py_ssize_t end, Py_ssize_t line,
                  PyObject **record) {
    for (Py_ssize_t i = start; i < end; i++) /* (a NUL, even in a comment, is a syntax error) */
        if (text[i] >= 0x80 || text[i] == 0 || code[i] == '\\' || code[i] == ';')
            return 0;
    Reader r = {code, start, end, line, start, 0};
    int plain = keyword(&r, "import");
    if (!plain && !keyword(&r, "from"))
        return 0;
    Py_ssize_t after_keyword = r.i;
    skip_blank(&r);
    if (r.i == after_keyword)
        return 0;
    long level = -1;
    PyObject *module = NULL;
    if (!plain) {
        level = 0;
        while (r.i < r.end && code[r.i] == '.') {
            level++;
            r.i++;
        }
        Py_ssize_t module_start = r.i, module_length = dotted(&r);
        if (!module_length && !level)
            return 0;
        if (module_length == 10 && memcmp(code + module_start, "__future__", 10) == 0)
            return 0;
        Py_ssize_t after_module = r.i;
        skip_blank(&r);
        if (r.i == after_module || !keyword(&r, "import"))
            return 0;
        after_keyword = r.i;
        skip_blank(&r);
        module = module_length ? text_of(&r, module_start, module_length) : Py_NewRef(Py_None);
        if (module == NULL)
            return -1;
    }
    PyObject *names = PyList_New(0);
    if (names == NULL) {
        Py_XDECREF(module);
        return -1;
    }
    int found = 0;
    if (plain) {
        found = aliases(&r, 1, names);
    } else if (r.i < r.end && code[r.i] == '*') {
        PyObject *star = Py_BuildValue("(sOnnnn)", "*", Py_None, r.line, r.i - r.line_start, r.line, r.i - r.line_start + 1);
        found = star == NULL ? -1 : PyList_Append(names, star) < 0 ? -1 : 1;
        Py_XDECREF(star);
        r.i++;
    } else if (r.i < r.end && code[r.i] == '(') {
        r.i++;
        r.nesting = 1;
        skip_blank(&r);
        found = aliases(&r, 0, names);
        if (found > 0) {
            skip_blank(&r);
            if (r.i < r.end && code[r.i] == ')')
                r.i++;
            else
                found = 0;
        }
        r.nesting = 0;
    } else if (r.i > after_keyword) {
        found = aliases(&r, 0, names);
    }
    if (found > 0 && !only_blank_lines_left(&r))
        found = 0;
    if (found > 0) {
        PyObject *tuple = PyList_AsTuple(names);
        *record = tuple == NULL ? NULL
                                : Py_BuildValue("(nnnnlON)", line, (Py_ssize_t)0, r.line, r.i - r.line_start, level,
                                                module != NULL ? module : Py_None, tuple);
        if (*record == NULL)
            found = -1;
    }
    Py_XDECREF(module);
    Py_DECREF(names);
    return found;
}
