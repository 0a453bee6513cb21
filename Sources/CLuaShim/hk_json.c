/*
 * hk_json.c: strict RFC 8259 JSON <-> Lua values, for rules.
 *
 * These functions run under lua_pcall in a state with a memory cap, so any Lua allocation may
 * raise and longjmp out. Hence no malloc anywhere: every temporary lives in a Lua object that is
 * anchored on the stack, and the stack is consistent at every point where Lua may allocate.
 */
#include "hk_internal.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* GNU attributes, which both clang (SwiftPM's C compiler) and gcc understand. */
#define HK_NORETURN __attribute__((noreturn))

typedef unsigned char uchar;

const char hk_json_array_key = 0;

/* What a byte means inside a JSON string, for the decoder's scan and the encoder's alike:
   plain bytes are copied in runs, the others need a closer look. */
enum { B_PLAIN, B_QUOTE, B_CTRL, B_HIGH }; /* B_QUOTE: '"' or '\\' */
#define X16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
static const uchar byte_class[256] = {
    X16(B_CTRL), X16(B_CTRL),
    0, 0, B_QUOTE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x22 '"' */
    X16(0), X16(0),
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, B_QUOTE, 0, 0, 0, /* 0x5C '\\' */
    X16(0), X16(0),
    X16(B_HIGH), X16(B_HIGH), X16(B_HIGH), X16(B_HIGH),
    X16(B_HIGH), X16(B_HIGH), X16(B_HIGH), X16(B_HIGH),
};
#undef X16

/* Length of the well-formed UTF-8 sequence at p (p < end), or 0 when it is malformed:
   truncated, overlong, a surrogate (U+D800-DFFF) or above U+10FFFF. */
static size_t utf8_seq(const uchar *p, const uchar *end) {
    unsigned c = p[0], c1;
    size_t avail = (size_t)(end - p);
    if (c < 0x80) return 1;
    if (c < 0xC2 || c > 0xF4 || avail < 2) return 0; /* C0 and C1 only start overlongs */
    c1 = p[1];
    if ((c1 & 0xC0) != 0x80) return 0;
    if (c < 0xE0) return 2;
    if (avail < 3 || (p[2] & 0xC0) != 0x80) return 0;
    if (c < 0xF0) return ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) ? 0 : 3;
    if (avail < 4 || (p[3] & 0xC0) != 0x80) return 0;
    return ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) ? 0 : 4;
}

int hk_utf8_valid(const char *s, size_t len) {
    const uchar *p = (const uchar *)s, *end;
    if (len == 0) return 1; /* s may then be NULL, where even p + 0 is undefined */
    for (end = p + len; p < end;) {
        uint64_t w; /* event text is mostly ASCII: skip it eight bytes at a time */
        while (end - p >= 8 && (memcpy(&w, p, 8), (w & UINT64_C(0x8080808080808080)) == 0)) p += 8;
        if (p == end) break;
        size_t n = utf8_seq(p, end);
        if (n == 0) return 0;
        p += n;
    }
    return 1;
}

void hk_json_push_null(lua_State *L) { lua_pushlightuserdata(L, NULL); }

int hk_json_isnull(lua_State *L, int idx) {
    return lua_type(L, idx) == LUA_TLIGHTUSERDATA && lua_touserdata(L, idx) == NULL;
}

/* Pushes the array metatable, creating and registering it on first use so that decode also
   works in a state where hk_json_open never ran. */
static void push_array_mt(lua_State *L) {
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &hk_json_array_key) != LUA_TNIL) return;
    lua_pop(L, 1);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "json.array"); /* rules can then neither see nor replace it */
    lua_setfield(L, -2, "__metatable");
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &hk_json_array_key);
}

/* ---- Decoder ---------------------------------------------------------------------------- */

typedef struct {
    lua_State *L;
    const uchar *start, *p, *end;
    int depth, maxdepth, mt; /* mt: stack index of the array metatable, pushed once */
} Dec;

static HK_NORETURN void dec_fail(const Dec *d, const uchar *at, const char *what) {
    if (at >= d->end) what = "unexpected end of input";
    luaL_error(d->L, "invalid JSON at byte %I: %s", (lua_Integer)(at - d->start) + 1, what);
    abort(); /* not reached: luaL_error does not return */
}

static const uchar *skip_ws(const uchar *p, const uchar *end) {
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    return p;
}

static int peek(const Dec *d) { return d->p < d->end ? *d->p : -1; }

static void enter(Dec *d) {
    if (++d->depth > d->maxdepth) luaL_error(d->L, "JSON nesting deeper than %d", d->maxdepth);
    luaL_checkstack(d->L, 4, "JSON nesting"); /* container, key, value, scratch userdata */
}

static long hex4(const uchar *p) {
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int c = p[i], lc = c | 0x20; /* lc: lower case, for letters only */
        if (c >= '0' && c <= '9') v = v * 16 + (c - '0');
        else if (lc >= 'a' && lc <= 'f') v = v * 16 + (lc - 'a' + 10);
        else return -1;
    }
    return v;
}

static char *put_utf8(char *o, unsigned long cp) {
    if (cp < 0x80) { *o++ = (char)cp; return o; }
    if (cp < 0x800) *o++ = (char)(0xC0 | cp >> 6);
    else {
        if (cp < 0x10000) *o++ = (char)(0xE0 | cp >> 12);
        else { *o++ = (char)(0xF0 | cp >> 18); *o++ = (char)(0x80 | (cp >> 12 & 0x3F)); }
        *o++ = (char)(0x80 | (cp >> 6 & 0x3F));
    }
    *o++ = (char)(0x80 | (cp & 0x3F));
    return o;
}

/* Pushes the string body [p, end) that the scan found to hold escapes. No escape is shorter
   than what it stands for, so the output fits in end - p bytes. Kept out of line so that its
   scratch array does not grow the frames of the recursive parser. */
static HK_NOINLINE void push_unescaped(Dec *d, const uchar *p, const uchar *end) {
    char tmp[256], *out = tmp, *o;
    if ((size_t)(end - p) > sizeof tmp) out = lua_newuserdatauv(d->L, (size_t)(end - p), 0);
    tmp[0] = '\0'; /* only to calm gcc's -Wmaybe-uninitialized */
    for (o = out; p < end; p += 2) {
        const uchar *bs = memchr(p, '\\', (size_t)(end - p));
        if (!bs) bs = end;
        memcpy(o, p, (size_t)(bs - p));
        o += bs - p;
        if ((p = bs) == end) break;
        switch (p[1]) { /* the scan has checked that p[1] is a valid escape letter */
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            long cp, lo = -1;
            if (end - p < 6 || (cp = hex4(p + 2)) < 0) dec_fail(d, p, "invalid \\u escape");
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                /* Only a high surrogate followed by an escaped low one makes a code point. */
                if (cp < 0xDC00 && end - p >= 12 && p[6] == '\\' && p[7] == 'u') lo = hex4(p + 8);
                if (lo < 0xDC00 || lo > 0xDFFF) dec_fail(d, p, "lone surrogate in \\u escape");
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            }
            o = put_utf8(o, (unsigned long)cp);
            p += 4; /* the loop adds the other 2 */
            break;
        }
        default: *o++ = (char)p[1]; break; /* '"', '\\' or '/' */
        }
    }
    lua_pushlstring(d->L, out, (size_t)(o - out));
    if (out != tmp) lua_remove(d->L, -2);
}

/* d->p is at the opening quote. One scan finds the end and checks control characters, escape
   letters and UTF-8; the common escape-free string is then pushed straight from the input. */
static void parse_string(Dec *d) {
    const uchar *first = d->p + 1, *p = first, *end = d->end;
    int escaped = 0;
    for (;;) {
        while (p < end && byte_class[*p] == B_PLAIN) p++;
        if (p == end) dec_fail(d, p, "unterminated string");
        if (*p == '"') break;
        if (*p == '\\') {
            if (end - p < 2) dec_fail(d, end, "unterminated string");
            if (p[1] == 0 || !strchr("\"\\/bfnrtu", p[1])) dec_fail(d, p, "invalid escape");
            escaped = 1;
            p += 2;
        } else if (*p < 0x20) {
            dec_fail(d, p, "control character in string");
        } else {
            size_t n = utf8_seq(p, end);
            if (n == 0) dec_fail(d, p, "invalid UTF-8 in string");
            p += n;
        }
    }
    d->p = p + 1;
    if (escaped) push_unescaped(d, first, p);
    else lua_pushlstring(d->L, (const char *)first, (size_t)(p - first));
}

static HK_NOINLINE void push_float(Dec *d, const uchar *s, const uchar *e) {
    char tmp[64], *buf = tmp, *dot;
    size_t n = (size_t)(e - s);
    if (n >= sizeof tmp) buf = lua_newuserdatauv(d->L, n + 1, 0); /* strtod needs a NUL */
    memcpy(buf, s, n);
    buf[n] = '\0';
    /* strtod follows the C locale's radix character; the text is already known to be JSON. */
    if ((dot = memchr(buf, '.', n)) != NULL) *dot = lua_getlocaledecpoint();
    double v = strtod(buf, NULL);
    if (buf != tmp) lua_pop(d->L, 1);
    /* Refused rather than decoded as inf, which encode could not write back. */
    if (isinf(v)) dec_fail(d, s, "number out of range");
    lua_pushnumber(d->L, v);
}

#define IS_DIGIT(c) ((unsigned)((c) - '0') < 10u)

static void parse_number(Dec *d) {
    const uchar *start = d->p, *p = start, *end = d->end;
    int neg = 0, isint = 1, ndig = 0;
    uint64_t u = 0;
    if (*p == '-') { neg = 1; p++; }
    if (p < end && *p == '0') { p++; ndig = 1; }
    else if (p < end && *p >= '1' && *p <= '9') {
        /* 19 digits cannot overflow uint64_t; longer integers become floats anyway. */
        for (; p < end && IS_DIGIT(*p); p++, ndig++)
            if (ndig < 19) u = u * 10 + (uint64_t)(*p - '0');
    } else dec_fail(d, p, "invalid number");
    if (p < end && *p == '.') {
        isint = 0;
        if (++p == end || !IS_DIGIT(*p)) dec_fail(d, p, "expected a digit after '.'");
        while (p < end && IS_DIGIT(*p)) p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        isint = 0;
        if (++p < end && (*p == '+' || *p == '-')) p++;
        if (p == end || !IS_DIGIT(*p)) dec_fail(d, p, "expected a digit in the exponent");
        while (p < end && IS_DIGIT(*p)) p++;
    }
    d->p = p;
    if (isint && ndig <= 19 && u <= (uint64_t)LUA_MAXINTEGER + (uint64_t)neg)
        /* Unsigned negation then conversion, as Lua's own l_castU2S: exact for -2^63. */
        lua_pushinteger(d->L, neg ? (lua_Integer)(0u - u) : (lua_Integer)u);
    else
        push_float(d, start, p);
}

static void parse_value(Dec *d);

/* After an element or member: consumes the separator; returns 1 when the container ended. */
static int next_or_close(Dec *d, int close, const char *msg) {
    d->p = skip_ws(d->p, d->end);
    int c = peek(d);
    if (c != ',' && c != close) dec_fail(d, d->p, msg);
    d->p++;
    return c == close;
}

/* Containers are built after their first elements are parsed: up to this many elements wait on
   the stack, so the table is created at its final size instead of growing (and rehashing) as it
   fills. Larger containers get the staged elements, then grow as usual. */
#define HK_STAGE 16

/* Moves the `n` values staged above `table` into it as t[first..first+n-1]. */
static void flush_array(lua_State *L, int table, lua_Integer first, int n) {
    for (int i = 0; i < n; i++) {
        lua_pushvalue(L, table + 1 + i);
        lua_rawseti(L, table, first + i);
    }
    lua_settop(L, table);
}

static void parse_array(Dec *d) {
    lua_State *L = d->L;
    lua_Integer n = 0;
    int staged = 0, table = 0, base;
    enter(d);
    base = lua_gettop(L);
    d->p = skip_ws(d->p + 1, d->end);
    if (peek(d) == ']') d->p++;
    else do {
        luaL_checkstack(L, 1, "JSON array");
        parse_value(d);
        n++;
        if (table) {
            lua_rawseti(L, table, n);
        } else if (++staged == HK_STAGE) {
            lua_createtable(L, 2 * HK_STAGE, 0);
            lua_insert(L, base + 1);
            table = base + 1;
            flush_array(L, table, 1, staged);
        }
    } while (!next_or_close(d, ']', "expected ',' or ']'"));
    if (!table) {
        lua_createtable(L, staged, 0);
        lua_insert(L, base + 1);
        flush_array(L, base + 1, 1, staged);
    }
    lua_pushvalue(L, d->mt);
    lua_setmetatable(L, -2);
    d->depth--;
}

/* Moves the `pairs` key/value pairs staged above `table` into it, in order (the last key wins). */
static void flush_object(lua_State *L, int table, int pairs) {
    for (int i = 0; i < pairs; i++) {
        lua_pushvalue(L, table + 1 + 2 * i);
        lua_pushvalue(L, table + 2 + 2 * i);
        lua_rawset(L, table);
    }
    lua_settop(L, table);
}

static void parse_object(Dec *d) {
    lua_State *L = d->L;
    int staged = 0, table = 0, base;
    enter(d);
    base = lua_gettop(L);
    d->p = skip_ws(d->p + 1, d->end);
    if (peek(d) == '}') d->p++;
    else do {
        luaL_checkstack(L, 2, "JSON object");
        d->p = skip_ws(d->p, d->end);
        if (peek(d) != '"') dec_fail(d, d->p, "expected a string key");
        parse_string(d);
        d->p = skip_ws(d->p, d->end);
        if (peek(d) != ':') dec_fail(d, d->p, "expected ':'");
        d->p++;
        parse_value(d);
        if (table) {
            lua_rawset(L, table); /* a duplicate key overwrites: the last one wins */
        } else if (++staged == HK_STAGE) {
            lua_createtable(L, 0, 2 * HK_STAGE);
            lua_insert(L, base + 1);
            table = base + 1;
            flush_object(L, table, staged);
        }
    } while (!next_or_close(d, '}', "expected ',' or '}'"));
    if (!table) {
        lua_createtable(L, 0, staged);
        lua_insert(L, base + 1);
        flush_object(L, base + 1, staged);
    }
    d->depth--;
}

static void parse_literal(Dec *d, const char *word, size_t n) {
    if ((size_t)(d->end - d->p) < n || memcmp(d->p, word, n) != 0)
        dec_fail(d, d->p, "expected a value");
    d->p += n;
}

/* Skips leading whitespace, pushes one value and leaves d->p just after it. */
static void parse_value(Dec *d) {
    d->p = skip_ws(d->p, d->end);
    switch (peek(d)) {
    case '{': parse_object(d); break;
    case '[': parse_array(d); break;
    case '"': parse_string(d); break;
    case 't': parse_literal(d, "true", 4); lua_pushboolean(d->L, 1); break;
    case 'f': parse_literal(d, "false", 5); lua_pushboolean(d->L, 0); break;
    case 'n': parse_literal(d, "null", 4); lua_pushlightuserdata(d->L, NULL); break;
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': parse_number(d); break;
    default: dec_fail(d, d->p, "expected a value");
    }
}

void hk_json_decode(lua_State *L, const char *s, size_t len, int maxdepth) {
    if (len == 0) luaL_error(L, "invalid JSON: empty input");
    luaL_checkstack(L, 4, "JSON decode");
    push_array_mt(L);
    Dec d = {L, (const uchar *)s, (const uchar *)s, (const uchar *)s + len, 0, maxdepth,
             lua_gettop(L)};
    parse_value(&d);
    d.p = skip_ws(d.p, d.end);
    if (d.p != d.end) dec_fail(&d, d.p, "unexpected data after the value");
    lua_replace(L, -2); /* the value takes the metatable's slot */
}

/* ---- Encoder ---------------------------------------------------------------------------- */

typedef struct {
    lua_State *L;
    char *b; /* the bytes of the userdata at stack index buf */
    size_t n, cap;
    int buf, mt, depth, maxdepth; /* mt: stack index of the array metatable (or nil) */
} Enc;

/* Moves the output into a bigger userdata. On a memory error the old one is still intact and
   anchored; the new one's stack slot is covered by the caller's luaL_checkstack. */
static HK_NOINLINE void enc_grow(Enc *e, size_t need) {
    size_t cap = e->cap * 2;
    if (need > ((size_t)-1 >> 2) - e->n) luaL_error(e->L, "JSON text too large");
    if (cap < e->n + need) cap = e->n + need;
    char *nb = lua_newuserdatauv(e->L, cap, 0);
    memcpy(nb, e->b, e->n);
    lua_replace(e->L, e->buf);
    e->b = nb;
    e->cap = cap;
}

static void put(Enc *e, const void *s, size_t n) {
    if (e->cap - e->n < n) enc_grow(e, n);
    memcpy(e->b + e->n, s, n);
    e->n += n;
}

static void put_char(Enc *e, char c) {
    if (e->n == e->cap) enc_grow(e, 1);
    e->b[e->n++] = c;
}

static void enc_string(Enc *e, const char *s, size_t len) {
    static const char hex[] = "0123456789abcdef";
    const uchar *p = (const uchar *)s, *end = p + len;
    put_char(e, '"');
    while (p < end) {
        const uchar *run = p;
        for (;;) { /* a run of bytes that go out as they are, UTF-8 checked on the way */
            while (p < end && byte_class[*p] == B_PLAIN) p++;
            if (p == end || byte_class[*p] != B_HIGH) break;
            size_t k = utf8_seq(p, end);
            if (k == 0) luaL_error(e->L, "invalid UTF-8 in string to encode");
            p += k;
        }
        put(e, run, (size_t)(p - run));
        if (p == end) break;
        char esc[6] = {'\\', (char)*p, '0', '0', hex[*p >> 4], hex[*p & 15]};
        switch (*p++) {
        case '"': case '\\': put(e, esc, 2); break;
        case '\b': put(e, "\\b", 2); break;
        case '\f': put(e, "\\f", 2); break;
        case '\n': put(e, "\\n", 2); break;
        case '\r': put(e, "\\r", 2); break;
        case '\t': put(e, "\\t", 2); break;
        default: esc[1] = 'u'; put(e, esc, 6); break;
        }
    }
    put_char(e, '"');
}

/* The digits LUA_INTEGER_FMT would print, without printf's cost. */
static void enc_integer(Enc *e, lua_Integer i) {
    char tmp[24], *q = tmp + sizeof tmp;
    uint64_t u = i < 0 ? 0u - (uint64_t)i : (uint64_t)i;
    do { *--q = (char)('0' + u % 10); u /= 10; } while (u);
    if (i < 0) *--q = '-';
    put(e, q, (size_t)(tmp + sizeof tmp - q));
}

static void enc_float(Enc *e, double v) {
    char tmp[48], dp = lua_getlocaledecpoint();
    int n = 0;
    if (isnan(v) || isinf(v)) luaL_error(e->L, "cannot encode NaN or infinity");
    for (int prec = 15; prec <= 17; prec++) { /* the shortest that reads back the same */
        n = snprintf(tmp, sizeof tmp - 2, "%.*g", prec, v);
        if (strtod(tmp, NULL) == v) break;
    }
    for (int i = 0; dp != '.' && i < n; i++)
        if (tmp[i] == dp) tmp[i] = '.';
    if (!memchr(tmp, '.', (size_t)n) && !memchr(tmp, 'e', (size_t)n)) {
        memcpy(tmp + n, ".0", 2); /* so that it decodes as a float again */
        n += 2;
    }
    put(e, tmp, (size_t)n);
}

static void enc_value(Enc *e, int idx);

static void enc_array(Enc *e, int t, lua_Integer n) {
    put_char(e, '[');
    for (lua_Integer i = 1; i <= n; i++) {
        if (i > 1) put_char(e, ',');
        lua_rawgeti(e->L, t, i);
        enc_value(e, lua_gettop(e->L));
        lua_pop(e->L, 1);
    }
    put_char(e, ']');
}

static HK_NORETURN void bad_keys(lua_State *L) {
    luaL_error(L, "cannot encode a table with mixed or non-string keys");
    abort(); /* not reached */
}

/* For a table whose first key is not a string: its length, if its keys are exactly 1..n. */
static lua_Integer sequence_length(Enc *e, int t) {
    lua_Integer count = 0, max = 0, k;
    lua_pushnil(e->L);
    while (lua_next(e->L, t)) {
        if (!lua_isinteger(e->L, -2) || (k = lua_tointeger(e->L, -2)) < 1) bad_keys(e->L);
        if (k > max) max = k;
        count++;
        lua_pop(e->L, 1);
    }
    if (count != max) bad_keys(e->L); /* distinct keys >= 1, as many as the largest: 1..max */
    return count;
}

static void enc_object(Enc *e, int t) {
    lua_State *L = e->L;
    put_char(e, '{');
    lua_pushnil(L);
    for (int first = 1; lua_next(L, t); first = 0) {
        size_t len;
        /* Checked before lua_tolstring, which would turn a number key into a string in place
           and derail lua_next. */
        if (lua_type(L, -2) != LUA_TSTRING) bad_keys(L);
        if (!first) put_char(e, ',');
        const char *k = lua_tolstring(L, -2, &len);
        enc_string(e, k, len);
        put_char(e, ':');
        enc_value(e, lua_gettop(L));
        lua_pop(L, 1);
    }
    put_char(e, '}');
}

static int has_array_mt(Enc *e, int t) {
    if (!lua_getmetatable(e->L, t)) return 0;
    int r = lua_rawequal(e->L, -1, e->mt);
    lua_pop(e->L, 1);
    return r;
}

static void enc_table(Enc *e, int t) {
    lua_State *L = e->L;
    /* The depth limit is also what stops a table that contains itself. */
    if (++e->depth > e->maxdepth) luaL_error(L, "JSON nesting deeper than %d", e->maxdepth);
    luaL_checkstack(L, 4, "JSON nesting"); /* key, value, and a metatable or a new buffer */
    if (has_array_mt(e, t)) {
        enc_array(e, t, (lua_Integer)lua_rawlen(L, t));
    } else {
        lua_pushnil(L);
        if (!lua_next(L, t)) put(e, "{}", 2);
        else {
            int is_object = lua_type(L, -2) == LUA_TSTRING;
            lua_pop(L, 2);
            if (is_object) enc_object(e, t);
            else enc_array(e, t, sequence_length(e, t));
        }
    }
    e->depth--;
}

static void enc_value(Enc *e, int idx) {
    lua_State *L = e->L;
    size_t len;
    const char *s;
    switch (lua_type(L, idx)) {
    case LUA_TNIL: put(e, "null", 4); break;
    case LUA_TBOOLEAN: lua_toboolean(L, idx) ? put(e, "true", 4) : put(e, "false", 5); break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) enc_integer(e, lua_tointeger(L, idx));
        else enc_float(e, (double)lua_tonumber(L, idx));
        break;
    case LUA_TSTRING: s = lua_tolstring(L, idx, &len); enc_string(e, s, len); break;
    case LUA_TTABLE: enc_table(e, idx); break;
    case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(L, idx) == NULL) { put(e, "null", 4); break; }
        luaL_error(L, "cannot encode a userdata value");
        break;
    default: luaL_error(L, "cannot encode a %s value", luaL_typename(L, idx));
    }
}

void hk_json_encode(lua_State *L, int idx, int maxdepth) {
    Enc e = {L, NULL, 0, 256, 0, 0, 0, maxdepth};
    idx = lua_absindex(L, idx);
    luaL_checkstack(L, 4, "JSON encode");
    e.b = lua_newuserdatauv(L, e.cap, 0);
    e.buf = lua_gettop(L);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &hk_json_array_key);
    e.mt = lua_gettop(L);
    enc_value(&e, idx);
    lua_pushlstring(L, e.b, e.n);
    lua_replace(L, e.buf);
    lua_settop(L, e.buf);
}

/* ---- The json module -------------------------------------------------------------------- */

static int l_encode(lua_State *L) {
    luaL_checkany(L, 1);
    hk_json_encode(L, 1, HK_JSON_MAX_DEPTH);
    return 1;
}

static int l_decode(lua_State *L) {
    size_t len;
    luaL_checktype(L, 1, LUA_TSTRING); /* no silent number-to-string conversion */
    const char *s = lua_tolstring(L, 1, &len);
    hk_json_decode(L, s, len, HK_JSON_MAX_DEPTH);
    return 1;
}

int hk_json_open(lua_State *L) {
    static const luaL_Reg fns[] = {{"encode", l_encode}, {"decode", l_decode}, {NULL, NULL}};
    push_array_mt(L);
    lua_pop(L, 1);
    luaL_newlib(L, fns);
    lua_pushlightuserdata(L, NULL);
    lua_setfield(L, -2, "null");
    return 1;
}
