/*
 * hk_pattern.c: string.find / match / gmatch / gsub with Lua 5.4 pattern semantics, charging
 * their work to the run's instruction budget.
 *
 * Why: Lua's own matcher runs entirely in C, where the count hook never fires, and a
 * backtracking pattern such as "a-a-a-b" over a few KB of attacker-supplied text runs for
 * minutes. This matcher counts its steps and passes them to hk_budget_charge every
 * HK_PATTERN_CHARGE_EVERY steps, which ends the run once it is spent. Cost model: one step per
 * call of match() and per backtracking alternative; per character test one step, plus one per
 * 8 characters of a "[set]"; one per 16 bytes of bulk work (memchr and memcmp scans, the
 * pattern and replacement string of each call, text copied into gsub's result).
 *
 * hk_budget_charge may longjmp, so all matcher state lives on the C stack (Matcher) or in Lua
 * values (gmatch's state userdata, gsub's luaL_Buffer); nothing is malloc'd.
 *
 * Compatibility with Lua 5.4.4 includes its lazy errors: a malformed item raises only when the
 * matcher reaches it, so the same call may raise on one subject and not on another. Nesting is
 * limited as in lstrlib (200 nested match() calls, then "pattern too complex"), so match()
 * recurses exactly where 5.4 does: at each capture boundary and for each alternative of a
 * quantifier. Everything else is a loop.
 */
#include "hk_internal.h"

#include <string.h>

#define MAX_CAPTURES 32   /* LUA_MAXCAPTURES of lstrlib */
#define MAX_DEPTH 200     /* MAXCCALLS of lstrlib: nested match() calls allowed */
#define BYTES_PER_STEP 16 /* bulk work (memchr, memcmp, copying) costs one step per 16 bytes */
#define SET_CHARS_PER_STEP 8 /* a test against "[set]" walks the set: one step per 8 chars */
#define CAP_OPEN (-1)     /* capture length while the capture is still open */
#define CAP_POSITION (-2) /* capture length of a position capture "()" */
#define ESC '%'
#define UC(c) ((unsigned char)(c))

/* The per-character helpers must inline into the matching loops (plain "inline" is not always
   enough for that); OUTLINE keeps a rare path from bloating a hot loop. */
#if defined(__GNUC__) || defined(__clang__)
#define HOT static inline __attribute__((always_inline))
#define OUTLINE static __attribute__((noinline))
#else
#define HOT static inline
#define OUTLINE static
#endif

typedef struct {
    const char *init; /* where the capture starts */
    ptrdiff_t len;    /* its length, or CAP_OPEN / CAP_POSITION */
} Capture;

typedef struct {
    lua_State *L;
    const char *src, *src_end; /* subject */
    const char *p_end;         /* end of pattern */
    int depth;                 /* nested match() calls still allowed */
    int level;                 /* captures in use */
    size_t steps;              /* steps not yet charged */
    Capture cap[MAX_CAPTURES];
} Matcher;

/* What must match at s for match(s, q) to get past q's first item: a plain character (ch >= 0)
   or a class / set [p, ep), with no suffix that allows zero occurrences. search() finds the
   whole pattern's lead when first needed and keeps it across calls (state). */
enum { LEAD_UNKNOWN, LEAD_NONE, LEAD_SOME };
typedef struct {
    int state, ch;
    const char *p, *ep;
} Lead;

static const char *match(Matcher *m, const char *s, const char *p);

/* ---- Budget -------------------------------------------------------------------------------- */

/* Charges the steps gathered so far; each call of the API also ends with this. */
static void settle(Matcher *m) {
    size_t n = m->steps;
    if (n == 0) return;
    m->steps = 0; /* first: hk_budget_charge may not return */
    hk_budget_charge(m->L, n);
}

static inline void charge(Matcher *m, size_t n) {
    m->steps += n;
    if (m->steps >= HK_PATTERN_CHARGE_EVERY) settle(m);
}

static inline void charge_bytes(Matcher *m, size_t nbytes) {
    charge(m, 1 + nbytes / BYTES_PER_STEP);
}

/* Each call pays for its pattern, which it may scan (and so parse) whole. */
static void matcher_init(Matcher *m, lua_State *L, const char *s, size_t ls, const char *p,
                         size_t lp) {
    m->L = L;
    m->src = s;
    m->src_end = s + ls;
    m->p_end = p + lp;
    m->depth = MAX_DEPTH;
    m->level = 0;
    m->steps = 1 + lp / BYTES_PER_STEP;
}

/* ---- Single-character classes ---------------------------------------------------------------- */

/* End of the single-character class at p ("x", "%x" or "[set]"), where a suffix may follow. */
HOT const char *item_end(Matcher *m, const char *p) {
    const char *pe = m->p_end;
    char c = *p++;
    if (c == ESC) {
        if (p >= pe) luaL_error(m->L, "malformed pattern (ends with '%%')");
        return p + 1;
    }
    if (c == '[') {
        if (p < pe && *p == '^') p++;
        /* The first character is always a member, so "[]]" is the set of ']'. */
        do {
            if (p >= pe) luaL_error(m->L, "malformed pattern (missing ']')");
            if (*p++ == ESC && p < pe) p++; /* "%]" does not close the set */
        } while (p >= pe || *p != ']');
        return p + 1;
    }
    return p;
}

/* Classes of the C locale, the one the daemon runs in (it never calls setlocale, and rules
   cannot), spelled out: no call per character, and the same answer in any environment. */
#define IN_RANGE(c, lo, n) ((unsigned)(c) - (unsigned)(lo) < (unsigned)(n))
#define IS_ALPHA(c) IN_RANGE((c) | 0x20, 'a', 26)
#define IS_DIGIT(c) IN_RANGE(c, '0', 10)
#define IS_GRAPH(c) IN_RANGE(c, 0x21, 94)

/* Does c belong to %cl? Letters name classes (upper case: the complement); anything else
   stands for itself. */
HOT int class_has(int c, int cl) {
    int r;
    switch (cl | 0x20) { /* maps only 'A'..'Z' onto 'a'..'z' */
    case 'a': r = IS_ALPHA(c); break;
    case 'c': r = c < 0x20 || c == 0x7f; break;
    case 'd': r = IS_DIGIT(c); break;
    case 'g': r = IS_GRAPH(c); break;
    case 'l': r = IN_RANGE(c, 'a', 26); break;
    case 'p': r = IS_GRAPH(c) && !IS_ALPHA(c) && !IS_DIGIT(c); break;
    case 's': r = c == ' ' || IN_RANGE(c, '\t', 5); break;
    case 'u': r = IN_RANGE(c, 'A', 26); break;
    case 'w': r = IS_ALPHA(c) || IS_DIGIT(c); break;
    case 'x': r = IS_DIGIT(c) || IN_RANGE(c | 0x20, 'a', 6); break;
    case 'z': r = (c == 0); break; /* deprecated, but 5.4.4 still accepts it */
    default: return cl == c;
    }
    return (cl & 0x20) ? r : !r;
}

/* Out of line for set_has: inlined there, clang computes every class of c before walking
   the set, which is most of the cost of a set without classes. */
OUTLINE int set_class_has(int c, int cl) {
    return class_has(c, cl);
}

/* Does c belong to the set [p, ec], p at '[' and ec at its closing ']'? */
HOT int set_has(int c, const char *p, const char *ec) {
    int in = 1;
    if (p[1] == '^') {
        in = 0;
        p++;
    }
    while (++p < ec) {
        if (*p == ESC) {
            p++;
            if (set_class_has(c, UC(*p))) return in;
        } else if (p[1] == '-' && p + 2 < ec) { /* a range; a trailing '-' is literal */
            if (UC(p[0]) <= c && c <= UC(p[2])) return in;
            p += 2;
        } else if (UC(*p) == c) {
            return in;
        }
    }
    return !in;
}

HOT int item_has(int c, const char *p, const char *ep) {
    switch (*p) {
    case '.': return 1;
    case ESC: return class_has(c, UC(p[1]));
    case '[': return set_has(c, p, ep - 1);
    default: return UC(*p) == c;
    }
}

/* Steps per test of the item [p, ep): parsing and walking a set costs its length. */
HOT size_t item_cost(const char *p, const char *ep) {
    return 1 + (size_t)(ep - p) / SET_CHARS_PER_STEP;
}

/* How many characters from s on match the item [p, ep). */
static size_t run_length(Matcher *m, const char *s, const char *p, const char *ep) {
    size_t n = 0, max = (size_t)(m->src_end - s);
    switch (*p) {
    case '.': charge(m, 1); return max;
    case ESC: {
        int cl = UC(p[1]);
        while (n < max && class_has(UC(s[n]), cl)) n++;
        break;
    }
    case '[':
        while (n < max && set_has(UC(s[n]), p, ep - 1)) n++;
        break;
    default: {
        char c = *p;
        while (n < max && s[n] == c) n++;
        break;
    }
    }
    charge(m, (n + 1) * item_cost(p, ep));
    return n;
}

/* Fills *ld when the pattern at q starts with an item that must match one character. Where it
   does not match, match(s, q) fails at once with no recursion and no error, so callers skip
   such positions without calling match(). item_end() may raise here, but callers only ask
   when 5.4 would call match(s, q) at least once, which raises the same error first thing. */
static int get_lead(Matcher *m, const char *q, Lead *ld) {
    const char *pe = m->p_end, *ep;
    if (q >= pe) return 0;
    switch (*q) {
    case '(': case ')': case '$': case '.': return 0;
    case ESC:
        if (q + 1 >= pe || q[1] == 'b' || q[1] == 'f' || (q[1] >= '0' && q[1] <= '9')) return 0;
        break;
    }
    ep = item_end(m, q);
    if (ep < pe && (*ep == '*' || *ep == '?' || *ep == '-')) return 0;
    ld->ch = (*q == ESC || *q == '[') ? -1 : UC(*q);
    ld->p = q;
    ld->ep = ep;
    return 1;
}

static inline int lead_ok(const Lead *ld, const char *s, const char *end) {
    if (s >= end) return 0;
    return ld->ch >= 0 ? UC(*s) == ld->ch : item_has(UC(*s), ld->p, ld->ep);
}

/* 5.4 makes at least one nested match() call where this is used; it would raise there. */
static void check_depth(Matcher *m) {
    if (m->depth == 0) luaL_error(m->L, "pattern too complex");
}

/* ---- The matcher ------------------------------------------------------------------------- */

/* Item [p, ep) followed by '*' (min 0) or '+' (min 1); s[0] is known to match. Takes as many
   characters as possible, then gives them back one at a time until the rest matches. */
static const char *repeat_max(Matcher *m, const char *s, const char *p, const char *ep,
                              size_t min) {
    const char *q = ep + 1, *end = m->src_end;
    size_t i = 1 + run_length(m, s + 1, p, ep);
    Lead ld;
    int has_lead;
    check_depth(m);
    if (q == m->p_end) return s + i; /* the first call would match at once */
    has_lead = get_lead(m, q, &ld);
    for (;; i--) {
        if (!has_lead || lead_ok(&ld, s + i, end)) {
            const char *r = match(m, s + i, q);
            if (r != NULL) return r;
        } else {
            charge(m, item_cost(ld.p, ld.ep));
        }
        if (i == min) return NULL;
    }
}

/* Item [p, ep) followed by '-': takes as few characters as possible. */
static const char *repeat_min(Matcher *m, const char *s, const char *p, const char *ep) {
    const char *q = ep + 1, *end = m->src_end;
    Lead ld;
    int has_lead;
    check_depth(m);
    if (q == m->p_end) return s; /* the empty repetition matches */
    has_lead = get_lead(m, q, &ld);
    if (has_lead && ld.ch >= 0 && *p == '.') {
        /* ".-x": every character is taken, so only the x's are worth trying. */
        for (;;) {
            const char *hit = memchr(s, ld.ch, (size_t)(end - s));
            charge_bytes(m, hit ? (size_t)(hit - s) : (size_t)(end - s));
            if (hit == NULL) return NULL;
            const char *r = match(m, hit, q);
            if (r != NULL) return r;
            s = hit + 1;
        }
    }
    for (;;) {
        if (!has_lead || lead_ok(&ld, s, end)) {
            const char *r = match(m, s, q);
            if (r != NULL) return r;
        }
        charge(m, item_cost(p, ep) + (has_lead ? item_cost(ld.p, ld.ep) : 0));
        if (s < end && item_has(UC(*s), p, ep)) s++;
        else return NULL;
    }
}

static const char *open_capture(Matcher *m, const char *s, const char *p, ptrdiff_t what) {
    const char *r;
    if (m->level >= MAX_CAPTURES) luaL_error(m->L, "too many captures");
    m->cap[m->level].init = s;
    m->cap[m->level].len = what;
    m->level++;
    if ((r = match(m, s, p)) == NULL) m->level--; /* undo on failure */
    return r;
}

static const char *close_capture(Matcher *m, const char *s, const char *p) {
    const char *r;
    int l = m->level - 1;
    while (l >= 0 && m->cap[l].len != CAP_OPEN) l--;
    if (l < 0) luaL_error(m->L, "invalid pattern capture");
    m->cap[l].len = s - m->cap[l].init;
    if ((r = match(m, s, p)) == NULL) m->cap[l].len = CAP_OPEN; /* undo on failure */
    return r;
}

/* "%bxy": from an x at s to the y that balances it. */
static const char *match_balance(Matcher *m, const char *s, const char *p) {
    const char *end = m->src_end, *q;
    int depth = 1;
    if (p + 1 >= m->p_end) luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
    if (s >= end || *s != p[0]) return NULL;
    for (q = s + 1; q < end; q++) {
        if (*q == p[1]) { /* tested first, so "%b''" closes at the next quote */
            if (--depth == 0) break;
        } else if (*q == p[0]) {
            depth++;
        }
    }
    charge(m, 1 + (size_t)(q - s));
    return q < end ? q + 1 : NULL;
}

/* "%1".."%9": the text of an earlier, closed capture. l is the digit minus '1'. */
static const char *match_backref(Matcher *m, const char *s, int l) {
    ptrdiff_t len;
    if (l < 0 || l >= m->level || m->cap[l].len == CAP_OPEN)
        luaL_error(m->L, "invalid capture index %%%d", l + 1);
    len = m->cap[l].len;
    if (len == CAP_POSITION) return NULL; /* as in 5.4: a position never matches as text */
    charge_bytes(m, (size_t)len);
    if (m->src_end - s >= len && memcmp(m->cap[l].init, s, (size_t)len) == 0) return s + len;
    return NULL;
}

/* Matches the pattern from p at s; returns the end of the match or NULL. */
static const char *match(Matcher *m, const char *s, const char *p) {
    const char *const pe = m->p_end, *const end = m->src_end;
    if (m->depth-- == 0) luaL_error(m->L, "pattern too complex");
    charge(m, 1);
    while (p < pe) {
        const char *ep;
        int suffix;
        switch (*p) {
        case '(':
            if (p + 1 < pe && p[1] == ')') s = open_capture(m, s, p + 2, CAP_POSITION);
            else s = open_capture(m, s, p + 1, CAP_OPEN);
            goto out;
        case ')':
            s = close_capture(m, s, p + 1);
            goto out;
        case '$':
            if (p + 1 == pe) { /* only a final '$' anchors; elsewhere it is a character */
                if (s != end) s = NULL;
                goto out;
            }
            break;
        case ESC:
            if (p + 1 >= pe) break; /* item_end raises */
            if (p[1] == 'b') {
                if ((s = match_balance(m, s, p + 2)) == NULL) goto out;
                p += 4;
                continue;
            }
            if (p[1] == 'f') {
                int prev, cur;
                p += 2;
                if (p >= pe || *p != '[') luaL_error(m->L, "missing '[' after '%%f' in pattern");
                ep = item_end(m, p);
                prev = (s == m->src) ? 0 : UC(s[-1]); /* the subject is framed by '\0's */
                cur = (s < end) ? UC(*s) : 0;
                charge(m, 2 * item_cost(p, ep));
                if (set_has(prev, p, ep - 1) || !set_has(cur, p, ep - 1)) {
                    s = NULL;
                    goto out;
                }
                p = ep;
                continue;
            }
            if (p[1] >= '0' && p[1] <= '9') {
                if ((s = match_backref(m, s, p[1] - '1')) == NULL) goto out;
                p += 2;
                continue;
            }
            break;
        }
        /* A single-character class, maybe followed by '*', '+', '-' or '?'. */
        ep = item_end(m, p);
        suffix = (ep < pe) ? *ep : 0;
        charge(m, item_cost(p, ep));
        if (s >= end || !item_has(UC(*s), p, ep)) {
            if (suffix == '*' || suffix == '?' || suffix == '-') {
                p = ep + 1; /* zero occurrences */
                continue;
            }
            s = NULL;
            goto out;
        }
        switch (suffix) {
        case '?': {
            const char *r = match(m, s + 1, ep + 1);
            if (r != NULL) {
                s = r;
                goto out;
            }
            p = ep + 1; /* without the optional character */
            continue;
        }
        case '*': s = repeat_max(m, s, p, ep, 0); goto out;
        case '+': s = repeat_max(m, s, p, ep, 1); goto out;
        case '-': s = repeat_min(m, s, p, ep); goto out;
        default:
            s++;
            p = ep;
            continue;
        }
    }
out:
    m->depth++;
    return s;
}

/* First position at or after s (only s itself when anchored) where the pattern matches with
   an end other than lastmatch: 5.4's rule that gmatch and gsub never take an empty match
   right where the previous match ended. Sets *endp to the end of the match.
   After a failed position, positions where the pattern's first item cannot match are skipped
   (memchr for a plain character). The first position is always tried by match() itself, so
   get_lead() runs only once match() has parsed that item without raising. */
static const char *search(Matcher *m, const char *s, const char *p, int anchor,
                          const char *lastmatch, Lead *ld, const char **endp) {
    const char *end = m->src_end;
    for (;;) {
        const char *e;
        m->level = 0;
        e = match(m, s, p);
        if (e != NULL && e != lastmatch) {
            *endp = e;
            return s;
        }
        if (anchor || s >= end) return NULL;
        s++;
        if (ld->state == LEAD_UNKNOWN) ld->state = get_lead(m, p, ld) ? LEAD_SOME : LEAD_NONE;
        if (ld->state == LEAD_SOME) {
            const char *from = s;
            if (ld->ch >= 0) {
                s = memchr(s, ld->ch, (size_t)(end - s));
                charge_bytes(m, (size_t)((s ? s : end) - from));
            } else {
                while (s < end && !item_has(UC(*s), ld->p, ld->ep)) s++;
                charge(m, (1 + (size_t)(s - from)) * item_cost(ld->p, ld->ep));
                if (s >= end) s = NULL;
            }
            if (s == NULL) return NULL;
        }
    }
}

/* ---- Captures ------------------------------------------------------------------------------ */

/* Capture i as text (returns its length, *cap its start) or as a position (pushes it and
   returns CAP_POSITION). With no captures, capture 0 is the whole match [s, e). */
static ptrdiff_t capture_text(Matcher *m, int i, const char *s, const char *e, const char **cap) {
    ptrdiff_t len;
    if (i >= m->level) {
        if (i != 0) luaL_error(m->L, "invalid capture index %%%d", i + 1);
        *cap = s;
        return e - s;
    }
    len = m->cap[i].len;
    *cap = m->cap[i].init;
    if (len == CAP_OPEN) luaL_error(m->L, "unfinished capture");
    if (len == CAP_POSITION) lua_pushinteger(m->L, (m->cap[i].init - m->src) + 1);
    return len;
}

static void push_capture(Matcher *m, int i, const char *s, const char *e) {
    const char *cap;
    ptrdiff_t len = capture_text(m, i, s, e, &cap);
    if (len != CAP_POSITION) {
        charge_bytes(m, (size_t)len); /* making a string has a fixed cost too */
        lua_pushlstring(m->L, cap, (size_t)len);
    }
}

/* Pushes all captures, or the whole match when there are none and s is not NULL. */
static int push_captures(Matcher *m, const char *s, const char *e) {
    int i, n = (m->level == 0 && s != NULL) ? 1 : m->level;
    luaL_checkstack(m->L, n, "too many captures");
    for (i = 0; i < n; i++) push_capture(m, i, s, e);
    return n;
}

/* ---- find / match ---------------------------------------------------------------------- */

/* 1-based start from a relative position, as string.find's init. */
static size_t start_index(lua_Integer pos, size_t len) {
    if (pos > 0) return (size_t)pos;
    if (pos == 0 || pos < -(lua_Integer)len) return 1;
    return len + (size_t)pos + 1;
}

static int no_specials(const char *p, size_t lp) {
    size_t i;
    for (i = 0; i < lp; i++)
        if (p[i] != '\0' && strchr("^$*+?.([%-", p[i]) != NULL) return 0;
    return 1;
}

/* Plain substring search; memchr for the first byte, then memcmp. */
static const char *plain_find(Matcher *m, const char *s, size_t ls, const char *p, size_t lp) {
    const char *last;
    if (lp == 0) return s;
    if (lp > ls) return NULL;
    last = s + (ls - lp); /* last possible start */
    while (s <= last) {
        const char *hit = memchr(s, p[0], (size_t)(last - s) + 1);
        if (hit == NULL) {
            charge_bytes(m, (size_t)(last - s));
            return NULL;
        }
        charge_bytes(m, (size_t)(hit - s) + lp);
        /* The last byte first: a cheap filter before memcmp. */
        if (hit[lp - 1] == p[lp - 1] && memcmp(hit + 1, p + 1, lp - 1) == 0) return hit;
        s = hit + 1;
    }
    return NULL;
}

static int find_aux(lua_State *L, int find) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_index(luaL_optinteger(L, 3, 1), ls) - 1;
    const char *start, *e = NULL;
    Lead ld = {LEAD_UNKNOWN, 0, NULL, NULL};
    Matcher m;
    int nres;
    if (init > ls) { /* starts after the end: nothing to find */
        luaL_pushfail(L);
        return 1;
    }
    matcher_init(&m, L, s, ls, p, lp);
    if (find && (lua_toboolean(L, 4) || no_specials(p, lp))) {
        start = plain_find(&m, s + init, ls - init, p, lp);
        if (start != NULL) e = start + lp;
    } else {
        int anchor = (lp > 0 && *p == '^');
        start = search(&m, s + init, p + anchor, anchor, NULL, &ld, &e);
    }
    if (start == NULL) {
        nres = 1;
        luaL_pushfail(L);
    } else if (!find) {
        nres = push_captures(&m, start, e);
    } else {
        lua_pushinteger(L, (start - s) + 1);
        lua_pushinteger(L, e - s);
        nres = push_captures(&m, NULL, NULL) + 2;
    }
    settle(&m); /* last: pushing the captures costs too */
    return nres;
}

int hk_str_find(lua_State *L) {
    return find_aux(L, 1);
}

int hk_str_match(lua_State *L) {
    return find_aux(L, 0);
}

/* ---- gmatch ------------------------------------------------------------------------------ */

/* The iterator's state: a userdata beside the subject and pattern, its upvalues, which keep
   the strings (and so these pointers) alive. */
typedef struct {
    const char *s, *p;
    size_t ls, lp;
    size_t pos;          /* where the next search starts; > ls once exhausted */
    const char *last;    /* end of the last match, NULL before the first */
    Lead ld;
} GMatch;

/* 5.4 gmatch does not anchor: a leading '^' is an ordinary character. */
static int gmatch_step(lua_State *L) {
    GMatch *g = (GMatch *)lua_touserdata(L, lua_upvalueindex(3));
    const char *start, *e = NULL;
    Matcher m;
    int nres = 0;
    if (g->pos > g->ls) return 0;
    matcher_init(&m, L, g->s, g->ls, g->p, g->lp);
    start = search(&m, g->s + g->pos, g->p, 0, g->last, &g->ld, &e);
    settle(&m); /* before moving on, so a spent budget leaves the iterator as it was */
    if (start == NULL) { /* exhausted: later calls find nothing either */
        g->pos = g->ls + 1;
    } else {
        g->pos = (size_t)(e - g->s);
        g->last = e;
        nres = push_captures(&m, start, e);
    }
    settle(&m);
    return nres;
}

int hk_str_gmatch(lua_State *L) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_index(luaL_optinteger(L, 3, 1), ls) - 1;
    GMatch *g;
    lua_settop(L, 2); /* subject and pattern (now strings) become upvalues */
    g = (GMatch *)lua_newuserdatauv(L, sizeof(GMatch), 0);
    *g = (GMatch){s, p, ls, lp, (init > ls) ? ls + 1 : init, NULL, {LEAD_UNKNOWN, 0, NULL, NULL}};
    lua_pushcclosure(L, gmatch_step, 3);
    return 1;
}

/* ---- gsub -------------------------------------------------------------------------------- */

/* Per-match costs are charged by the matcher; copying adds its length. */
static void append(Matcher *m, luaL_Buffer *b, const char *s, size_t len) {
    charge(m, len / BYTES_PER_STEP);
    if (len == 1) luaL_addchar(b, *s);
    else luaL_addlstring(b, s, len);
}

/* Adds the replacement string (argument 3) with %0-%9 and %% expanded. */
static void add_template(Matcher *m, luaL_Buffer *b, const char *s, const char *e) {
    lua_State *L = m->L;
    size_t l;
    const char *t = lua_tolstring(L, 3, &l), *pct;
    charge(m, l / BYTES_PER_STEP);
    while ((pct = memchr(t, ESC, l)) != NULL) {
        int c = UC(pct[1]); /* the string's terminating '\0' when '%' is last */
        charge(m, 1);
        append(m, b, t, (size_t)(pct - t));
        if (c == ESC) {
            luaL_addchar(b, ESC);
        } else if (c == '0') {
            append(m, b, s, (size_t)(e - s));
        } else if (IS_DIGIT(c)) {
            const char *cap;
            ptrdiff_t len = capture_text(m, c - '1', s, e, &cap);
            if (len == CAP_POSITION) luaL_addvalue(b); /* the pushed position */
            else append(m, b, cap, (size_t)len);
        } else {
            luaL_error(L, "invalid use of '%c' in replacement string", ESC);
        }
        l -= (size_t)(pct + 2 - t);
        t = pct + 2;
    }
    append(m, b, t, l);
}

/* Adds the replacement for the match [s, e); returns 0 when the original text was kept.
   Values pushed here sit right above the buffer, as luaL_addvalue requires. */
static int add_value(Matcher *m, luaL_Buffer *b, const char *s, const char *e, int tr) {
    lua_State *L = m->L;
    charge(m, 1);
    if (tr == LUA_TFUNCTION) {
        int n;
        lua_pushvalue(L, 3);
        n = push_captures(m, s, e);
        lua_call(L, n, 1);
    } else if (tr == LUA_TTABLE) {
        push_capture(m, 0, s, e);
        lua_gettable(L, 3);
    } else {
        add_template(m, b, s, e);
        return 1;
    }
    if (!lua_toboolean(L, -1)) { /* nil or false: keep the original text */
        lua_pop(L, 1);
        append(m, b, s, (size_t)(e - s));
        return 0;
    }
    if (!lua_isstring(L, -1))
        luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    charge_bytes(m, lua_rawlen(L, -1));
    luaL_addvalue(b);
    return 1;
}

int hk_str_gsub(lua_State *L) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    const char *lastmatch = NULL;
    Lead ld = {LEAD_UNKNOWN, 0, NULL, NULL};
    int tr = lua_type(L, 3);
    lua_Integer max_n = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
    lua_Integer n = 0;
    int anchor = (lp > 0 && *p == '^'), changed = 0;
    Matcher m;
    luaL_Buffer b;
    luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION ||
                            tr == LUA_TTABLE, 3, "string/function/table");
    luaL_buffinit(L, &b);
    matcher_init(&m, L, s, ls, p, lp);
    p += anchor;
    while (n < max_n) {
        const char *e, *start = search(&m, s, p, anchor, lastmatch, &ld, &e);
        if (start == NULL) break;
        if (start > s) append(&m, &b, s, (size_t)(start - s)); /* the text skipped */
        n++;
        changed |= add_value(&m, &b, start, e, tr);
        s = lastmatch = e;
        if (anchor) break;
    }
    if (changed) append(&m, &b, s, (size_t)(m.src_end - s));
    settle(&m);
    if (changed) luaL_pushresult(&b);
    else lua_pushvalue(L, 1); /* as 5.4: the subject itself when nothing was replaced */
    lua_pushinteger(L, n);
    return 2;
}
