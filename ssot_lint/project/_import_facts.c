/* The import statements of the module summary's walk turned into ImportFacts, in C.

   ssot_lint/project/summary_walk.py (_Summariser._record) is the reference: for each name an
   import statement binds, the fact it records and what the binding does to the walk's `pure` and
   `objects` sets. Home Assistant's 73,532 import statements bind 125,810 names, and that loop was
   the largest Python part of the summaries left. The C code covers the common case and refuses
   the rest before it changes anything (it returns False; the Python loop then runs): a name that
   (re)binds a TYPE_CHECKING spelling or `typing` itself, a star import while such a spelling is
   known, a `__getattr__`, a file whose deprecations are tested (`warned` is always False here),
   and a text that is not ASCII (columns are then bytes + 1). A statement comes as CPython's node
   or, for a top-level import the outline left out, as the record read from the text
   (analysis/simple_imports.py). tests/test_import_facts.py compares both over the standard
   library. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *s_name, *s_asname, *s_names, *s_lineno, *s_col_offset, *s_end_lineno, *s_end_col_offset;

/* The first dotted part of `s` (a new reference). */
static PyObject *head_of(PyObject *s) {
    Py_ssize_t dot = PyUnicode_FindChar(s, '.', 0, PyUnicode_GET_LENGTH(s), 1);
    if (dot == -2) return NULL;
    if (dot < 0) return Py_NewRef(s);
    return PyUnicode_Substring(s, 0, dot);
}

static int is_typing(PyObject *module) { /* module in ("typing", "typing_extensions") */
    return module != Py_None && (PyUnicode_CompareWithASCIIString(module, "typing") == 0 ||
                                 PyUnicode_CompareWithASCIIString(module, "typing_extensions") == 0);
}

/* module is not None and level == 0 and its top-level name is not the project's `top` and is
   the standard library's (effects.pure_source): -1 on error. */
static int from_stdlib(PyObject *module, int level, PyObject *top, PyObject *pure_tops) {
    if (module == Py_None || level != 0) return 0;
    PyObject *head = head_of(module);
    if (head == NULL) return -1;
    int found = 0;
    if (top == Py_None || PyUnicode_Compare(head, top) != 0) found = PySet_Contains(pure_tops, head);
    Py_DECREF(head);
    return found;
}

/* Field `index` of an alias: an ast.alias's attribute `name`, or item `index` of an alias read
   from the text (simple_imports.AliasRecord: name, asname, lineno, col_offset, end_lineno,
   end_col_offset). A new reference. */
static PyObject *alias_field(PyObject *alias, Py_ssize_t index, PyObject *name) {
    if (PyTuple_Check(alias)) {
        if (PyTuple_GET_SIZE(alias) != 6) {
            PyErr_SetString(PyExc_TypeError, "import_facts: an alias record has 6 items");
            return NULL;
        }
        return Py_NewRef(PyTuple_GET_ITEM(alias, index));
    }
    return PyObject_GetAttr(alias, name);
}

/* (lineno, col_offset + 1, end_lineno, end_col_offset + 1) of an alias in an ASCII text. */
static PyObject *span_of(PyObject *alias) {
    PyObject *values[4] = {NULL, NULL, NULL, NULL};
    PyObject *names[4] = {s_lineno, s_col_offset, s_end_lineno, s_end_col_offset};
    PyObject *span = NULL;
    for (int i = 0; i < 4; i++) {
        PyObject *value = alias_field(alias, 2 + i, names[i]);
        if (value == NULL) goto done;
        if (i % 2) {
            long column = PyLong_AsLong(value);
            Py_DECREF(value);
            if (column == -1 && PyErr_Occurred()) goto done;
            value = PyLong_FromLong(column + 1);
            if (value == NULL) goto done;
        }
        values[i] = value;
    }
    span = PyTuple_Pack(4, values[0], values[1], values[2], values[3]);
done:
    for (int i = 0; i < 4; i++) Py_XDECREF(values[i]);
    return span;
}

typedef struct {
    PyObject *module, *name, *bound; /* new references; name and bound may be Py_None */
} Binding;

static void clear(Binding *bindings, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_XDECREF(bindings[i].module);
        Py_XDECREF(bindings[i].name);
        Py_XDECREF(bindings[i].bound);
    }
    PyMem_Free(bindings);
}

static long attribute_long(PyObject *node, PyObject *name) { /* -1 with an error set on failure */
    PyObject *value = PyObject_GetAttr(node, name);
    if (value == NULL) return -1;
    long result = PyLong_AsLong(value);
    Py_DECREF(value);
    return result;
}

static inline int is_word_char(Py_UCS1 c) { return c == '_' || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

/* Where the module sits in `from ..a.b import x` (SourceLines.module_span), when the statement is
   written `from[ \t]+(\.*[\w.]*)[ \t]+import\b` on its first line: the start and end offsets of
   the module part in `text` (ASCII), or 0 when it is written otherwise. */
static int plain_from(const Py_UCS1 *text, Py_ssize_t length, Py_ssize_t begin, Py_ssize_t *start, Py_ssize_t *end) {
    Py_ssize_t i = begin;
    if (length - i < 4 || memcmp(text + i, "from", 4) != 0) return 0;
    i += 4;
    Py_ssize_t blank = i;
    while (i < length && (text[i] == ' ' || text[i] == '\t')) i++;
    if (i == blank) return 0;
    *start = i;
    while (i < length && (text[i] == '.' || is_word_char(text[i]))) i++;
    *end = i;
    blank = i;
    while (i < length && (text[i] == ' ' || text[i] == '\t')) i++;
    if (i == blank || length - i < 6 || memcmp(text + i, "import", 6) != 0) return 0;
    i += 6;
    return i == length || !is_word_char(text[i]);
}

/* The facts of the statement's names (import_facts once the statement's own spans are known). */
static PyObject *facts(PyObject *names, int plain, PyObject *module, long level, PyObject *top, int module_level, int checking,
                       PyObject *heads, PyObject *pure, PyObject *objects, PyObject *pure_tops, PyTypeObject *fact_type,
                       PyObject *module_span, PyObject *statement, PyObject *rest, PyObject *into) {
    int spellings = PySet_GET_SIZE(heads) > 0;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(names);
    Binding *bindings = PyMem_Calloc(n ? n : 1, sizeof(Binding));
    if (bindings == NULL) return PyErr_NoMemory();

    /* First every name's binding, refusing before anything changes. */
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *alias = PySequence_Fast_GET_ITEM(names, i);
        Binding *b = &bindings[i];
        PyObject *name = alias_field(alias, 0, s_name);
        if (name == NULL) goto error;
        PyObject *asname = alias_field(alias, 1, s_asname);
        if (asname == NULL) {
            Py_DECREF(name);
            goto error;
        }
        if (plain) { /* module = alias.name; bound = asname or the module's first name */
            b->module = name;
            b->name = Py_NewRef(Py_None);
            b->bound = asname != Py_None ? Py_NewRef(asname) : head_of(name);
        } else { /* bound = None for `*`, else asname or name */
            b->module = Py_NewRef(module);
            b->name = name;
            b->bound = PyUnicode_CompareWithASCIIString(name, "*") == 0 ? Py_NewRef(Py_None)
                       : Py_NewRef(asname != Py_None ? asname : name);
        }
        Py_DECREF(asname);
        if (b->bound == NULL) goto error;
        if (!module_level) continue;
        if (b->bound == Py_None) {
            if (spellings && !checking) goto refuse; /* star_rebinds may drop spellings */
            continue;
        }
        if (PyUnicode_CompareWithASCIIString(b->bound, "__getattr__") == 0) goto refuse;
        if (is_typing(b->module) && (b->name == Py_None || PyUnicode_CompareWithASCIIString(b->name, "TYPE_CHECKING") == 0))
            goto refuse; /* typing_spellings adds a spelling */
        if (spellings) {
            int shadows = PySet_Contains(heads, b->bound);
            if (shadows < 0) goto error;
            if (shadows) goto refuse; /* typing_spellings drops one */
        }
    }

    int stdlib = -2; /* a from-import's one module: decided once, when a name needs it */
    for (Py_ssize_t i = 0; i < n; i++) {
        Binding *b = &bindings[i];
        PyObject *bound = module_level ? b->bound : Py_None;
        if (bound != Py_None) {
            int failed = 0;
            if (checking) {
                failed = PySet_Discard(pure, bound) < 0 || PySet_Discard(objects, bound) < 0;
            } else {
                int from = plain || stdlib == -2 ? from_stdlib(b->module, plain ? 0 : (int)level, top, pure_tops) : stdlib;
                if (from < 0) goto error;
                if (!plain) stdlib = from;
                if (from) {
                    failed = PySet_Add(pure, bound) < 0 || PySet_Discard(objects, bound) < 0;
                } else {
                    failed = PySet_Discard(pure, bound) < 0 ||
                             (b->name != Py_None ? PySet_Add(objects, bound) : PySet_Discard(objects, bound)) < 0;
                }
            }
            if (failed) goto error;
        }
        PyObject *where = span_of(PySequence_Fast_GET_ITEM(names, i));
        if (where == NULL) goto error;
        PyObject *fields = PyTuple_New(13);
        if (fields == NULL) {
            Py_DECREF(where);
            goto error;
        }
        /* (module, name, bound, where, module_span or where, statement, in_function, checking,
           main, expected, guarded, warned, conditional) */
        PyTuple_SET_ITEM(fields, 0, Py_NewRef(b->module));
        PyTuple_SET_ITEM(fields, 1, Py_NewRef(b->name));
        PyTuple_SET_ITEM(fields, 2, Py_NewRef(bound));
        PyTuple_SET_ITEM(fields, 3, Py_NewRef(where));
        PyTuple_SET_ITEM(fields, 4, Py_NewRef(module_span != Py_None ? module_span : where));
        PyTuple_SET_ITEM(fields, 5, Py_NewRef(statement));
        for (Py_ssize_t k = 0; k < 7; k++) PyTuple_SET_ITEM(fields, 6 + k, Py_NewRef(PyTuple_GET_ITEM(rest, k)));
        Py_DECREF(where);
        /* tuple.__new__(ImportFact, fields), as the Python loop builds it: a tuple subtype made
           any other way may miss what the interpreter's own constructor sets (3.14's hash cache). */
        PyObject *args = PyTuple_Pack(1, fields);
        Py_DECREF(fields);
        PyObject *fact = args == NULL ? NULL : PyTuple_Type.tp_new(fact_type, args, NULL);
        Py_XDECREF(args);
        if (fact == NULL) goto error;
        int appended = PyList_Append(into, fact);
        Py_DECREF(fact);
        if (appended < 0) goto error;
    }
    clear(bindings, n);
    Py_RETURN_TRUE;
refuse:
    clear(bindings, n);
    Py_RETURN_FALSE;
error:
    clear(bindings, n);
    return NULL;
}

/* import_facts(node, plain, module, level, text, starts, top, module_level, checking, heads,
                pure, objects, pure_tops, fact_type, rest, into) -> bool

   node: the ast.Import (`plain`: each name a module of its own) or ast.ImportFrom (`module`
   resolved, `level` its dots) in the ASCII `text` whose line starts are `starts`; heads: the
   first names of the TYPE_CHECKING spellings known; rest: the fact's fields after `statement`
   (in_function, checking, main, expected, guarded, warned, conditional); into: the list the
   facts are appended to. */
static PyObject *py_import_facts(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 16) {
        PyErr_SetString(PyExc_TypeError, "import_facts takes 16 arguments");
        return NULL;
    }
    PyObject *node = args[0], *module = args[2], *text = args[4], *starts = args[5], *top = args[6], *heads = args[9],
             *pure = args[10], *objects = args[11], *pure_tops = args[12], *rest = args[14], *into = args[15];
    PyTypeObject *fact_type = (PyTypeObject *)args[13];
    int plain = PyObject_IsTrue(args[1]), module_level = PyObject_IsTrue(args[7]), checking = PyObject_IsTrue(args[8]);
    long level = PyLong_AsLong(args[3]);
    if (plain < 0 || module_level < 0 || checking < 0 || (level == -1 && PyErr_Occurred())) return NULL;
    if (!PyUnicode_Check(text) || !PyList_Check(starts) || !PyList_Check(into) || !PyTuple_Check(rest) ||
        PyTuple_GET_SIZE(rest) != 7 || !PyType_Check(args[13]) || !PyType_IsSubtype(fact_type, &PyTuple_Type) ||
        !PyAnySet_Check(pure) || !PyAnySet_Check(objects) || !PyAnySet_Check(heads) || !PyAnySet_Check(pure_tops)) {
        PyErr_SetString(PyExc_TypeError, "import_facts: unexpected argument types");
        return NULL;
    }
    if (!PyUnicode_IS_ASCII(text)) Py_RETURN_FALSE; /* columns are bytes + 1 only in ASCII */
    long line, column, end_line, end_column;
    PyObject *names;
    if (PyTuple_Check(node)) { /* read from the text: simple_imports.ImportRecord */
        if (PyTuple_GET_SIZE(node) != 7 || !PyTuple_Check(PyTuple_GET_ITEM(node, 6))) {
            PyErr_SetString(PyExc_TypeError, "import_facts: an import record has 7 items, its names a tuple");
            return NULL;
        }
        line = PyLong_AsLong(PyTuple_GET_ITEM(node, 0));
        column = PyLong_AsLong(PyTuple_GET_ITEM(node, 1));
        end_line = PyLong_AsLong(PyTuple_GET_ITEM(node, 2));
        end_column = PyLong_AsLong(PyTuple_GET_ITEM(node, 3));
        names = Py_NewRef(PyTuple_GET_ITEM(node, 6));
    } else {
        line = attribute_long(node, s_lineno);
        column = attribute_long(node, s_col_offset);
        end_line = attribute_long(node, s_end_lineno);
        end_column = attribute_long(node, s_end_col_offset);
        names = PyErr_Occurred() ? NULL : PyObject_GetAttr(node, s_names);
        if (names != NULL && !PyList_Check(names)) {
            Py_DECREF(names);
            PyErr_SetString(PyExc_TypeError, "import_facts: the node's names are not a list");
            return NULL;
        }
    }
    if (PyErr_Occurred()) {
        Py_XDECREF(names);
        return NULL;
    }
    if (line < 1 || line > PyList_GET_SIZE(starts)) {
        Py_DECREF(names);
        PyErr_SetString(PyExc_ValueError, "import_facts: a line the text does not have");
        return NULL;
    }
    Py_ssize_t begin = PyLong_AsSsize_t(PyList_GET_ITEM(starts, line - 1));
    if (begin == -1 && PyErr_Occurred()) {
        Py_DECREF(names);
        return NULL;
    }
    begin += column;
    Py_ssize_t module_start = 0, module_end = 0;
    if (!plain && !plain_from(PyUnicode_1BYTE_DATA(text), PyUnicode_GET_LENGTH(text), begin, &module_start, &module_end)) {
        Py_DECREF(names);
        Py_RETURN_FALSE; /* SourceLines.module_span's general search */
    }
    PyObject *statement = Py_BuildValue("(llll)", line, column + 1, end_line, end_column + 1);
    PyObject *module_span = plain ? Py_NewRef(Py_None)
                                  : Py_BuildValue("(lnln)", line, column + 1 + module_start - begin, line, column + 1 + module_end - begin);
    if (statement == NULL || module_span == NULL) {
        Py_XDECREF(statement);
        Py_XDECREF(module_span);
        Py_DECREF(names);
        return NULL;
    }
    PyObject *result = facts(names, plain, module, level, top, module_level, checking, heads, pure, objects, pure_tops, fact_type,
                             module_span, statement, rest, into);
    Py_DECREF(statement);
    Py_DECREF(module_span);
    Py_DECREF(names);
    return result;
}

static PyMethodDef methods[] = {
    {"import_facts", (PyCFunction)(void (*)(void))py_import_facts, METH_FASTCALL,
     "The ImportFacts of one import statement appended to a list, the walk's sets updated; False when refused."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "_import_facts", NULL, -1, methods};

PyMODINIT_FUNC PyInit__import_facts(void) {
    PyObject **strings[] = {&s_name, &s_asname, &s_names, &s_lineno, &s_col_offset, &s_end_lineno, &s_end_col_offset};
    const char *spelled[] = {"name", "asname", "names", "lineno", "col_offset", "end_lineno", "end_col_offset"};
    for (int i = 0; i < 7; i++) {
        *strings[i] = PyUnicode_InternFromString(spelled[i]);
        if (*strings[i] == NULL) return NULL;
    }
    return PyModule_Create(&module_def);
}
