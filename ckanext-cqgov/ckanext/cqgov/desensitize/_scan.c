/* The compiled cell scanner of the desensitization engine (see scanner.py).

   One call takes a column of cells (the UTF-8 values and offsets of an Arrow
   string column) whose candidate tokens have been wrapped in NULs by the
   engine's regular expression (or, for a column of single tokens, the cells
   themselves), settles every token of the shapes it knows, exactly as
   detectors.classify does, applies the operator of each finding and writes
   the new cells. A cell holding a token it does not know is "deferred": the
   engine sends it the polars way. Nothing here decides anything the polars
   path would decide otherwise; tests compare both on every cell.

   Tokens settled here: runs of digits (resident ID numbers with the GB 11643
   check character, birth date and area code of the birth year, 15-digit ones,
   mobile numbers, bank cards with Luhn and a scheme prefix, codes), 17 digits
   and X, unified social credit codes (GB 32100), e-mail addresses, ASCII
   tokens that are none of the shapes, and names after a cue (申请人王芳).
   The tables (area codes and their periods, Han characters, surnames, cue
   words) come from Python at configure() time, from the same constants the
   polars path uses.

   The work runs without the GIL. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { DROP, DEFER, RESIDENT_ID, MOBILE, BANK_CARD, USCC, EMAIL, NAME, NKINDS };
#define KIND0 RESIDENT_ID
#define NCOUNT (NKINDS - KIND0)

enum { OP_DEFER = -1, OP_MASK = 0, OP_REPLACE = 1, OP_SUPPRESS = 2 };

typedef struct {
    int type, first, last;
    const char *text;
    Py_ssize_t text_len;
} Op;

/* -- tables ------------------------------------------------------------ */

static int32_t *area_first; /* 1,000,001 entries */
static int32_t *area_start, *area_end;
static Py_ssize_t area_periods;
static uint8_t han[8192], not_given[8192], single_surname[8192], folded[8192];
static uint32_t compound[64][2];
static int n_compound;
#define MAX_WORDS 128
static uint32_t cues[MAX_WORDS][8], afters[MAX_WORDS][8], honorifics[4][8];
static int cue_len[MAX_WORDS], after_len[MAX_WORDS], honorific_len[4];
static int n_cues, n_afters, n_honorifics;
static int configured;

static const int RIC_WEIGHTS[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const int USCC_WEIGHTS[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20,
                                     29, 25, 13, 8, 24, 10, 30, 28};
static const int MONTH_DAYS[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
static int8_t uscc_value[256];

static int bit(const uint8_t *set, uint32_t c) {
    return c < 65536 && (set[c >> 3] >> (c & 7)) & 1;
}

/* -- UTF-8 --------------------------------------------------------------- */

/* Decodes s[0:n] into code points (at most cap); returns how many, or -1
   when there are more or a sequence is not one this scanner reads (the
   input is valid UTF-8: polars strings are). */
static int decode(const uint8_t *s, Py_ssize_t n, uint32_t *out, int cap) {
    int k = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        uint8_t b = s[i];
        uint32_t c;
        int len;
        if (b < 0x80) { c = b; len = 1; }
        else if ((b & 0xE0) == 0xC0) { c = b & 0x1F; len = 2; }
        else if ((b & 0xF0) == 0xE0) { c = b & 0x0F; len = 3; }
        else if ((b & 0xF8) == 0xF0) { c = b & 0x07; len = 4; }
        else return -1;
        if (i + len > n || k >= cap) return -1;
        for (int j = 1; j < len; j++) c = (c << 6) | (s[i + j] & 0x3F);
        out[k++] = c;
        i += len;
    }
    return k;
}

static Py_ssize_t char_start(const uint8_t *s, Py_ssize_t n, int chars) {
    /* byte offset of the chars-th character (n when beyond the end) */
    Py_ssize_t i = 0;
    while (chars > 0 && i < n) {
        i++;
        while (i < n && (s[i] & 0xC0) == 0x80) i++;
        chars--;
    }
    return i;
}

static int count_chars(const uint8_t *s, Py_ssize_t n) {
    int k = 0;
    for (Py_ssize_t i = 0; i < n; i++) k += (s[i] & 0xC0) != 0x80;
    return k;
}

/* -- checks (as kernels.py) ---------------------------------------------- */

static int64_t number(const uint8_t *d, int at, int width) {
    int64_t v = 0;
    for (int j = at; j < at + width; j++) v = v * 10 + d[j];
    return v;
}

static int date_ok(int64_t ymd, int64_t today) {
    int64_t year = ymd / 10000, month = ymd / 100 % 100, day = ymd % 100;
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (year < 1900 || month < 1 || month > 12 || day < 1) return 0;
    int days = MONTH_DAYS[month] + (month == 2 && leap);
    return day <= days && ymd <= today;
}

static int known_area(int64_t code) {
    return code >= 0 && code < 1000000 && area_first[code + 1] > area_first[code];
}

static int area_in_year(int64_t code, int64_t year) {
    if (code < 0 || code >= 1000000) return 0;
    for (int32_t i = area_first[code]; i < area_first[code + 1]; i++)
        if (area_start[i] <= year && year <= area_end[i]) return 1;
    return 0;
}

static int ric_check(const uint8_t *d) {
    int64_t total = 0;
    for (int j = 0; j < 17; j++) total += d[j] * RIC_WEIGHTS[j];
    int check = (int)((12 - total % 11) % 11);
    return check == 10 ? 'X' : '0' + check;
}

static int card_ok(const uint8_t *d, int n) {
    int a = d[0], b = d[1];
    int prefix = a == 4 || (a == 6 && (b == 2 || b == 0)) ||
                 (a == 5 && b >= 1 && b <= 5) ||
                 (a == 3 && (b == 4 || b == 5 || b == 7));
    if (!prefix) return 0;
    int64_t total = 0;
    for (int j = 0; j < n; j++) {
        int digit = d[n - 1 - j];
        total += (j % 2) ? digit * 2 - 9 * (digit >= 5) : digit;
    }
    return total % 10 == 0;
}

/* tok: 18 bytes; values: their GB 32100 values */
static int uscc_verdict_ok(const uint8_t *tok, const int *values) {
    int b0 = tok[0], b1 = tok[1];
    int lead = (b0 >= '1' && b0 <= '9') || b0 == 'A' || b0 == 'N' || b0 == 'Y';
    if (!lead || b1 < '1' || b1 > '9') return -1; /* not shaped */
    for (int j = 2; j < 8; j++)
        if (values[j] < 0 || values[j] >= 10) return -1;
    for (int j = 8; j < 18; j++)
        if (values[j] < 0) return -1;
    int64_t area = 0, total = 0;
    for (int j = 2; j < 8; j++) area = area * 10 + values[j];
    for (int j = 0; j < 17; j++) total += (int64_t)values[j] * USCC_WEIGHTS[j];
    int expected = (int)((31 - total % 31) % 31);
    return known_area(area) && values[17] == expected;
}

/* 18 digit values (the last may be 'X' - '0') */
static int eighteen(const uint8_t *d, int with_x, int64_t today) {
    int64_t area = number(d, 0, 6), ymd = number(d, 6, 8);
    int check_ok = d[17] + '0' == ric_check(d);
    int dok = date_ok(ymd, today), known = known_area(area);
    if (check_ok && dok && known)
        return area_in_year(area, ymd / 10000) ? RESIDENT_ID : DROP;
    if (with_x) return DEFER;
    int64_t century = ymd / 1000000;
    int id_shaped = known && (century == 19 || century == 20) && (dok || check_ok);
    if (!id_shaped && card_ok(d, 18)) return BANK_CARD;
    uint8_t tok[18];
    int values[18];
    for (int j = 0; j < 18; j++) { tok[j] = d[j] + '0'; values[j] = d[j]; }
    return uscc_verdict_ok(tok, values) == 1 ? USCC : DROP;
}

static int digit_run(const uint8_t *d, int n, int64_t today) {
    switch (n) {
    case 11:
        return d[0] == 1 && d[1] >= 3 ? MOBILE : DROP;
    case 15: {
        if (number(d, 0, 5) == 861) return d[4] == 1 && d[5] >= 3 ? MOBILE : DROP;
        int64_t birth = 19000000 + number(d, 6, 6);
        return date_ok(birth, today) && area_in_year(number(d, 0, 6), birth / 10000)
                   ? RESIDENT_ID : DROP;
    }
    case 16: case 17: case 19:
        return card_ok(d, n) ? BANK_CARD : DROP;
    case 18:
        return eighteen(d, 0, today);
    default:
        return DROP;
    }
}

static int is_ascii(const uint8_t *t, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++)
        if (t[i] >= 128) return 0;
    return 1;
}

/* The verdict of an ASCII token (kernels.verdicts). */
static int ascii_verdict(const uint8_t *t, Py_ssize_t n, int64_t today) {
    int digits = 1, at = 0, sep = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint8_t b = t[i];
        if (b < '0' || b > '9') digits = 0;
        if (b == '@') at = 1;
        if (b == ' ' || b == '-') sep = 1;
    }
    if (digits) {
        if (n > 19) return DROP;
        uint8_t d[19];
        for (Py_ssize_t i = 0; i < n; i++) d[i] = t[i] - '0';
        return digit_run(d, (int)n, today);
    }
    if (n == 18 && t[17] == 'X') {
        int first17 = 1;
        for (int i = 0; i < 17; i++) first17 &= t[i] >= '0' && t[i] <= '9';
        if (first17) {
            uint8_t d[18];
            for (int i = 0; i < 18; i++) d[i] = t[i] - '0';
            return eighteen(d, 1, today);
        }
    }
    if (n < 7) return DROP;
    if (at && !sep && t[0] != '@') return EMAIL;
    if (n == 18) {
        int values[18];
        for (int j = 0; j < 18; j++) values[j] = uscc_value[t[j]];
        int ok = uscc_verdict_ok(t, values);
        if (ok >= 0) return ok ? USCC : DROP;
    }
    return DEFER;
}

static int ends_with(const uint32_t *c, int n, const uint32_t *w, int wn) {
    return n >= wn && memcmp(c + n - wn, w, wn * sizeof(uint32_t)) == 0;
}

static int given(uint32_t c) { return bit(han, c) && !bit(not_given, c); }

static int is_compound(const uint32_t *c) {
    for (int i = 0; i < n_compound; i++)
        if (c[0] == compound[i][0] && c[1] == compound[i][1]) return 1;
    return 0;
}

/* A token starting with a name cue (detectors._name_split): where the name
   starts, in characters (the leftmost place from which a surname and one
   or two given-name characters end the token), or -1 to defer. */
static int name_start(const uint32_t *c, int n) {
    int cue = 0;
    for (int i = 0; i < n_cues && !cue; i++)
        cue = n >= cue_len[i] && memcmp(c, cues[i], cue_len[i] * sizeof(uint32_t)) == 0;
    if (!cue) return -1;
    for (int i = 0; i < n_afters; i++)
        if (ends_with(c, n, afters[i], after_len[i])) return -1;
    for (int i = 0; i < n_honorifics; i++)
        if (ends_with(c, n, honorifics[i], honorific_len[i])) return -1;
    for (int i = 0; i < n; i++) {
        /* letters or digits may make it another shape; anything beyond the
           basic plane is beyond the Han table */
        if (c[i] >= 65536) return -1;
        if (c[i] < 128 && c[i] != ' ' && c[i] != ':') return -1;
    }
    for (int p = n - 4 < 0 ? 0 : n - 4; p < n; p++) {
        for (int s = 2; s >= 1; s--) {
            int rest = n - p - s;
            if (rest < 1 || rest > 2) continue;
            if (s == 2 ? !(p + 1 < n && is_compound(c + p)) : !bit(single_surname, c[p]))
                continue;
            int ok = 1;
            for (int j = p + s; j < n; j++) ok &= given(c[j]);
            if (ok) return p;
        }
    }
    return -1;
}

/* -- output --------------------------------------------------------------- */

typedef struct {
    uint8_t *data;
    Py_ssize_t len, cap;
} Buf;

static int put(Buf *b, const void *src, Py_ssize_t n) {
    if (b->len + n > b->cap) {
        Py_ssize_t cap = b->cap * 2 > b->len + n ? b->cap * 2 : b->len + n + 4096;
        uint8_t *data = realloc(b->data, cap);
        if (!data) return -1;
        b->data = data;
        b->cap = cap;
    }
    memcpy(b->data + b->len, src, n);
    b->len += n;
    return 0;
}

static const char STARS[256] = {
#define S4 '*', '*', '*', '*'
#define S16 S4, S4, S4, S4
#define S64 S16, S16, S16, S16
    S64, S64, S64, S64};

/* operators.mask on characters */
static int put_op(Buf *b, const Op *op, const uint8_t *s, Py_ssize_t n) {
    if (op->type == OP_SUPPRESS) return 0;
    if (op->type == OP_REPLACE) return put(b, op->text, op->text_len);
    int length = count_chars(s, n);
    int hidden = length - op->first - op->last;
    if (hidden <= 0) return put(b, STARS, length < 256 ? length : 256);
    Py_ssize_t head = char_start(s, n, op->first);
    Py_ssize_t tail = char_start(s, n, length - op->last);
    if (put(b, s, head) < 0) return -1;
    if (put(b, STARS, hidden < 256 ? hidden : 256) < 0) return -1;
    return put(b, s + tail, n - tail);
}

/* One token: writes it (transformed when a finding) and counts it; returns
   0, or 1 to defer the cell, or -1 out of memory. */
static int token(Buf *b, const uint8_t *t, Py_ssize_t n, const Op *ops,
                 int64_t today, int32_t *counts) {
    int kind;
    Py_ssize_t pre = 0, end = n; /* the operator's part is t[pre:end] */
    if (n == 0) return 1;
    if (is_ascii(t, n)) {
        kind = ascii_verdict(t, n, today);
        if (kind == EMAIL) end = (const uint8_t *)memchr(t, '@', n) - t;
    } else {
        uint32_t c[64];
        int k = decode(t, n, c, 64);
        int p = k < 0 ? -1 : name_start(c, k);
        if (p < 0) return 1;
        kind = NAME;
        pre = char_start(t, n, p);
    }
    if (kind == DEFER) return 1;
    if (kind == DROP) return put(b, t, n);
    if (ops[kind].type == OP_DEFER) return 1;
    counts[kind - KIND0]++;
    if (put(b, t, pre) < 0 || put_op(b, &ops[kind], t + pre, end - pre) < 0 ||
        put(b, t + end, n - end) < 0)
        return -1;
    return 0;
}

/* -- Python interface ----------------------------------------------------- */

static int fill_words(PyObject *seq, uint32_t words[][8], int *lens, int cap, int *count) {
    Py_ssize_t n = PySequence_Size(seq);
    if (n < 0) return -1;
    if (n > cap) { PyErr_SetString(PyExc_ValueError, "too many words"); return -1; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *w = PySequence_GetItem(seq, i);
        if (!w) return -1;
        Py_ssize_t len = PyUnicode_GetLength(w);
        if (len < 0 || len > 8) {
            Py_DECREF(w);
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "word too long");
            return -1;
        }
        for (Py_ssize_t j = 0; j < len; j++) words[i][j] = PyUnicode_ReadChar(w, j);
        lens[i] = (int)len;
        Py_DECREF(w);
    }
    *count = (int)n;
    return 0;
}

static int fill_set(PyObject *chars, uint8_t *set) {
    memset(set, 0, 8192);
    Py_ssize_t n = PyUnicode_GetLength(chars);
    if (n < 0) return -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_ReadChar(chars, i);
        if (c < 65536) set[c >> 3] |= 1 << (c & 7);
    }
    return 0;
}

static int32_t *copy_int32(Py_buffer *view, Py_ssize_t *count) {
    int32_t *out = malloc(view->len ? view->len : 1);
    if (!out) { PyErr_NoMemory(); return NULL; }
    memcpy(out, view->buf, view->len);
    if (count) *count = view->len / 4;
    return out;
}

PyDoc_STRVAR(configure_doc,
"configure(area_first, area_start, area_end, han, not_given, single_surnames,\n"
"          compound_surnames, cues, afters, honorifics, folded)\n\n"
"Sets the tables: the area periods of kernels.area_periods (int32 buffers),\n"
"the Han characters of the basic plane (a str), the characters that end a\n"
"given name, the single surnames (str), the compound surnames, name cues,\n"
"words that follow a person and 先生/女士 (sequences of str); the characters\n"
"detectors.fold_width replaces (a str of the basic plane).");

static PyObject *configure(PyObject *self, PyObject *args) {
    Py_buffer first, start, end;
    PyObject *han_s, *not_given_s, *single_s, *compound_seq, *cue_seq, *after_seq,
        *honorific_seq, *folded_s;
    if (!PyArg_ParseTuple(args, "y*y*y*UUUOOOOU", &first, &start, &end, &han_s,
                          &not_given_s, &single_s, &compound_seq, &cue_seq,
                          &after_seq, &honorific_seq, &folded_s))
        return NULL;
    PyObject *result = NULL;
    if (first.len != 1000001 * 4 || start.len != end.len) {
        PyErr_SetString(PyExc_ValueError, "bad area tables");
        goto done;
    }
    free(area_first); free(area_start); free(area_end);
    area_first = copy_int32(&first, NULL);
    area_start = copy_int32(&start, &area_periods);
    area_end = copy_int32(&end, NULL);
    if (!area_first || !area_start || !area_end) goto done;
    if (fill_set(han_s, han) < 0 || fill_set(not_given_s, not_given) < 0 ||
        fill_set(single_s, single_surname) < 0 || fill_set(folded_s, folded) < 0)
        goto done;
    uint32_t pairs[64][8];
    int pair_len[64];
    if (fill_words(compound_seq, pairs, pair_len, 64, &n_compound) < 0) goto done;
    for (int i = 0; i < n_compound; i++) {
        if (pair_len[i] != 2) {
            PyErr_SetString(PyExc_ValueError, "compound surnames have two characters");
            goto done;
        }
        compound[i][0] = pairs[i][0];
        compound[i][1] = pairs[i][1];
    }
    if (fill_words(cue_seq, cues, cue_len, MAX_WORDS, &n_cues) < 0 ||
        fill_words(after_seq, afters, after_len, MAX_WORDS, &n_afters) < 0 ||
        fill_words(honorific_seq, honorifics, honorific_len, 4, &n_honorifics) < 0)
        goto done;
    memset(uscc_value, -1, sizeof uscc_value);
    const char *alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    for (int i = 0; alphabet[i]; i++) uscc_value[(uint8_t)alphabet[i]] = (int8_t)i;
    configured = 1;
    result = Py_None;
    Py_INCREF(result);
done:
    PyBuffer_Release(&first);
    PyBuffer_Release(&start);
    PyBuffer_Release(&end);
    return result;
}

static int parse_ops(PyObject *seq, Op *ops) {
    /* (kind index, type, first, last, text) tuples */
    for (int k = 0; k < NKINDS; k++) ops[k].type = OP_DEFER;
    Py_ssize_t n = PySequence_Size(seq);
    if (n < 0) return -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_GetItem(seq, i);
        if (!item) return -1;
        int kind, type, first, last;
        const char *text;
        Py_ssize_t text_len;
        int ok = PyArg_ParseTuple(item, "iiiis#", &kind, &type, &first, &last, &text,
                                  &text_len);
        Py_DECREF(item);
        if (!ok) return -1;
        if (kind < KIND0 || kind >= NKINDS) {
            PyErr_SetString(PyExc_ValueError, "unknown kind");
            return -1;
        }
        ops[kind] = (Op){type, first, last, text, text_len};
    }
    return 0;
}

PyDoc_STRVAR(scan_doc,
"scan(values, offsets, valid, wrapped, operators, today)\n"
"    -> (values, offsets, deferred, counts)\n\n"
"values, offsets: the column's UTF-8 bytes and int64 offsets; valid: one\n"
"byte per cell (0 for null); wrapped: tokens are wrapped in NULs (else each\n"
"cell is one token); operators: (kind, type, first, last, text) tuples, a\n"
"kind without one is deferred; today: YYYYMMDD. Returns the new cells'\n"
"bytes and int64 offsets, one byte per cell (1: deferred, its text is the\n"
"input's) and int32 finding counts per cell and kind.");

static PyObject *scan(PyObject *self, PyObject *args) {
    Py_buffer values, offsets, valid;
    int wrapped;
    PyObject *op_seq;
    long long today;
    if (!configured) {
        PyErr_SetString(PyExc_RuntimeError, "configure() first");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "y*y*y*pOL", &values, &offsets, &valid, &wrapped,
                          &op_seq, &today))
        return NULL;
    PyObject *result = NULL;
    Op ops[NKINDS];
    Py_ssize_t n = offsets.len / 8 - 1;
    Buf out = {NULL, 0, 0};
    int64_t *out_offsets = NULL;
    uint8_t *deferred = NULL;
    int32_t *counts = NULL;
    int failed = 0;
    if (parse_ops(op_seq, ops) < 0) goto done;
    if (n < 0 || valid.len != n) {
        PyErr_SetString(PyExc_ValueError, "offsets and validity do not agree");
        goto done;
    }
    out_offsets = malloc((n + 1) * sizeof(int64_t));
    deferred = calloc(n ? n : 1, 1);
    counts = calloc(n ? n * NCOUNT : 1, sizeof(int32_t));
    out.cap = values.len + 4096;
    out.data = malloc(out.cap);
    if (!out_offsets || !deferred || !counts || !out.data) {
        PyErr_NoMemory();
        goto done;
    }
    const uint8_t *data = values.buf;
    const int64_t *offs = offsets.buf;
    const uint8_t *ok = valid.buf;
    Py_BEGIN_ALLOW_THREADS
    out_offsets[0] = 0;
    for (Py_ssize_t i = 0; i < n && !failed; i++) {
        const uint8_t *cell = data + offs[i];
        Py_ssize_t len = offs[i + 1] - offs[i], mark = out.len;
        int32_t *cell_counts = counts + i * NCOUNT;
        int defer = 0;
        if (!ok[i] || len == 0) {
            /* null or empty: nothing */
        } else if (!wrapped) {
            defer = token(&out, cell, len, ops, today, cell_counts);
        } else {
            Py_ssize_t pos = 0;
            int odd = 0;
            while (pos <= len && !defer) {
                const uint8_t *nul = memchr(cell + pos, 0, len - pos);
                Py_ssize_t stop = nul ? nul - cell : len;
                if (odd)
                    defer = token(&out, cell + pos, stop - pos, ops, today, cell_counts);
                else if (put(&out, cell + pos, stop - pos) < 0)
                    defer = -1;
                odd = !odd;
                pos = stop + 1;
            }
        }
        if (defer < 0) { failed = 1; break; }
        if (defer) {
            /* the input's text (without the NULs); the polars path replaces it */
            out.len = mark;
            memset(cell_counts, 0, NCOUNT * sizeof(int32_t));
            deferred[i] = 1;
            for (Py_ssize_t j = 0; j < len && !failed; j++)
                if (cell[j] && put(&out, cell + j, 1) < 0) failed = 1;
        }
        out_offsets[i + 1] = out.len;
    }
    Py_END_ALLOW_THREADS
    if (failed) {
        PyErr_NoMemory();
        goto done;
    }
    result = Py_BuildValue("(y#y#y#y#)", (const char *)out.data, out.len,
                           (const char *)out_offsets,
                           (Py_ssize_t)((n + 1) * sizeof(int64_t)),
                           (const char *)deferred, n, (const char *)counts,
                           (Py_ssize_t)(n * NCOUNT * sizeof(int32_t)));
done:
    free(out.data);
    free(out_offsets);
    free(deferred);
    free(counts);
    PyBuffer_Release(&values);
    PyBuffer_Release(&offsets);
    PyBuffer_Release(&valid);
    return result;
}

PyDoc_STRVAR(verdicts_doc,
"verdicts(values, offsets, today) -> bytes\n\n"
"One verdict per token (kernels.verdicts' numbering: 0 none, 1 not settled,\n"
"then resident_id, mobile, bank_card, uscc, email); names are not settled.\n"
"(The scanner's own verdicts, for the tests that compare them with\n"
"kernels.verdicts.)");

static PyObject *verdicts(PyObject *self, PyObject *args) {
    Py_buffer values, offsets;
    long long today;
    if (!configured) {
        PyErr_SetString(PyExc_RuntimeError, "configure() first");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "y*y*L", &values, &offsets, &today)) return NULL;
    Py_ssize_t n = offsets.len / 8 - 1;
    PyObject *result = PyBytes_FromStringAndSize(NULL, n > 0 ? n : 0);
    if (result && n > 0) {
        uint8_t *out = (uint8_t *)PyBytes_AS_STRING(result);
        const uint8_t *data = values.buf;
        const int64_t *offs = offsets.buf;
        Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t i = 0; i < n; i++) {
            const uint8_t *t = data + offs[i];
            Py_ssize_t len = offs[i + 1] - offs[i];
            out[i] = len > 0 && is_ascii(t, len) ? ascii_verdict(t, len, today) : DEFER;
        }
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&values);
    PyBuffer_Release(&offsets);
    return result;
}

/* A cell that is one candidate token by itself: letters and digits (not
   starting with 0086, which the +86/0086 alternative takes first), or an
   e-mail address whose match of the e-mail alternative is the whole cell
   (local part, @, labels joined by dots, the last of two or more letters:
   the greedy match then ends at the end of the cell). */
static int single_token(const uint8_t *t, Py_ssize_t n) {
    int plain = 1;
    for (Py_ssize_t i = 0; i < n && plain; i++) {
        uint8_t b = t[i];
        plain = (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
    }
    if (plain) return !(n >= 4 && memcmp(t, "0086", 4) == 0);
    const uint8_t *at = memchr(t, '@', n);
    if (!at || at == t) return 0;
    for (const uint8_t *p = t; p < at; p++) {
        uint8_t b = *p;
        int local = (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') ||
                    (b >= 'a' && b <= 'z') || b == '.' || b == '_' || b == '%' ||
                    b == '+' || b == '-';
        if (!local) return 0;
    }
    int labels = 0, label_len = 0, letters = 1;
    for (const uint8_t *p = at + 1; p < t + n; p++) {
        uint8_t b = *p;
        if (b == '.') {
            if (label_len == 0) return 0;
            labels++;
            label_len = 0;
            letters = 1;
            continue;
        }
        int alpha = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
        if (!(alpha || (b >= '0' && b <= '9') || b == '-')) return 0;
        letters &= alpha;
        label_len++;
    }
    return labels >= 1 && label_len >= 2 && letters;
}

PyDoc_STRVAR(single_tokens_doc,
"single_tokens(values, offsets, valid) -> bool\n\n"
"Whether every cell that is not null or empty is one candidate token by\n"
"itself (letters and digits, or an e-mail address), so the column needs no\n"
"cutting.");

static PyObject *single_tokens(PyObject *self, PyObject *args) {
    Py_buffer values, offsets, valid;
    if (!PyArg_ParseTuple(args, "y*y*y*", &values, &offsets, &valid)) return NULL;
    Py_ssize_t n = offsets.len / 8 - 1;
    int all = 1;
    if (valid.len != n) {
        all = -1;
    } else {
        const uint8_t *data = values.buf, *ok = valid.buf;
        const int64_t *offs = offsets.buf;
        Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t i = 0; i < n && all; i++) {
            Py_ssize_t len = offs[i + 1] - offs[i];
            if (ok[i] && len) all = single_token(data + offs[i], len);
        }
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&values);
    PyBuffer_Release(&offsets);
    PyBuffer_Release(&valid);
    if (all < 0) {
        PyErr_SetString(PyExc_ValueError, "offsets and validity do not agree");
        return NULL;
    }
    return PyBool_FromLong(all);
}

PyDoc_STRVAR(foldable_doc,
"foldable(values) -> bool\n\n"
"Whether the UTF-8 bytes hold a character detectors.fold_width replaces.");

static PyObject *foldable(PyObject *self, PyObject *args) {
    Py_buffer values;
    if (!configured) {
        PyErr_SetString(PyExc_RuntimeError, "configure() first");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "y*", &values)) return NULL;
    const uint8_t *s = values.buf;
    Py_ssize_t n = values.len;
    int found = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n && !found; i++) {
        uint8_t b = s[i];
        if (b < 0x80) {
            found = bit(folded, b);
        } else if ((b & 0xE0) == 0xC0 && i + 1 < n) {
            found = bit(folded, ((b & 0x1F) << 6) | (s[i + 1] & 0x3F));
            i += 1;
        } else if ((b & 0xF0) == 0xE0 && i + 2 < n) {
            found = bit(folded, ((b & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) |
                                    (s[i + 2] & 0x3F));
            i += 2;
        } else if ((b & 0xF8) == 0xF0) {
            i += 3; /* beyond the basic plane: nothing is folded there */
        }
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&values);
    return PyBool_FromLong(found);
}

PyDoc_STRVAR(json_records_doc,
"json_records(ndjson) -> bytes\n\n"
"Newline-delimited JSON records (one per line, as polars writes them) as the\n"
"inside of a JSON array: the records separated by \",\\n\", without the\n"
"trailing newlines.");

static PyObject *json_records(PyObject *self, PyObject *args) {
    Py_buffer in;
    if (!PyArg_ParseTuple(args, "y*", &in)) return NULL;
    const uint8_t *s = in.buf;
    Py_ssize_t n = in.len, lines = 0;
    Py_BEGIN_ALLOW_THREADS
    while (n > 0 && s[n - 1] == '\n') n--;
    for (const uint8_t *p = s; (p = memchr(p, '\n', s + n - p)) != NULL; p++) lines++;
    Py_END_ALLOW_THREADS
    PyObject *out = PyBytes_FromStringAndSize(NULL, n + lines);
    if (out) {
        uint8_t *o = (uint8_t *)PyBytes_AS_STRING(out);
        Py_BEGIN_ALLOW_THREADS
        const uint8_t *p = s, *end = s + n;
        while (p < end) {
            const uint8_t *nl = memchr(p, '\n', end - p);
            Py_ssize_t len = (nl ? nl : end) - p;
            memcpy(o, p, len);
            o += len;
            if (!nl) break;
            *o++ = ',';
            *o++ = '\n';
            p = nl + 1;
        }
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&in);
    return out;
}

PyDoc_STRVAR(record_end_doc,
"record_end(data) -> int\n\n"
"Where the last record of CSV bytes ends: the position of the last newline\n"
"outside double quotes, -1 when there is none.");

static PyObject *record_end(PyObject *self, PyObject *args) {
    Py_buffer in;
    if (!PyArg_ParseTuple(args, "y*", &in)) return NULL;
    const uint8_t *s = in.buf;
    Py_ssize_t n = in.len, last = -1;
    Py_BEGIN_ALLOW_THREADS
    if (!memchr(s, '"', n)) {
        for (Py_ssize_t i = n - 1; i >= 0; i--)
            if (s[i] == '\n') { last = i; break; }
    } else {
        int quoted = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            if (s[i] == '"') quoted ^= 1;
            else if (s[i] == '\n' && !quoted) last = i;
        }
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&in);
    return PyLong_FromSsize_t(last);
}

static PyMethodDef methods[] = {
    {"record_end", record_end, METH_VARARGS, record_end_doc},
    {"json_records", json_records, METH_VARARGS, json_records_doc},
    {"single_tokens", single_tokens, METH_VARARGS, single_tokens_doc},
    {"foldable", foldable, METH_VARARGS, foldable_doc},
    {"configure", configure, METH_VARARGS, configure_doc},
    {"scan", scan, METH_VARARGS, scan_doc},
    {"verdicts", verdicts, METH_VARARGS, verdicts_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_scan", "The compiled cell scanner (see scanner.py).",
    -1, methods,
};

PyMODINIT_FUNC PyInit__scan(void) { return PyModule_Create(&module); }
