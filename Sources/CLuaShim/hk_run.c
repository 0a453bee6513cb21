/*
 * hk_run.c: runs. A run is a coroutine executing the runner (hk_runner.lua, embedded below) under
 * the run's limits. Swift starts it, resumes it with each HTTP answer, and reads the outcome; every
 * Lua call that can raise happens here, under lua_pcall or lua_resume.
 */
#include <stdio.h>
#include <string.h>
#include <lualib.h>
#include "hk_worker.h"

extern const char hk_rules_key, hk_names_key, hk_modules_key, hk_runner_key;
int hk_new_env(lua_State *L);
int hk_set_env(lua_State *L);

/* Registry key of the running run's coroutine, which anchors it while it lives. */
static const char hk_thread_key = 0;

#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wc23-extensions"
static const char runner_source[] = {
#embed "hk_runner.lua"
};
#pragma clang diagnostic pop

/* ---- Runner helpers (reachable from the runner only) --------------------------------------- */

/* A cursor over a packed event's bytes (hookd_lua.h, HK_EVENT_PACKED): what is left to read. */
typedef struct packed_reader {
    const unsigned char *p, *end;
} packed_reader;

static HK_NOINLINE int packed_error(lua_State *L) {
    return luaL_error(L, "malformed packed event (a bug in hookd)");
}

static uint32_t packed_u32(lua_State *L, packed_reader *r) {
    if (r->end - r->p < 4) packed_error(L);
    uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
    r->p += 4;
    return v;
}

/* Pushes a text, or json.null for length 0xFFFFFFFF. */
static void packed_text(lua_State *L, packed_reader *r) {
    uint32_t n = packed_u32(L, r);
    if (n == UINT32_MAX) {
        hk_json_push_null(L);
        return;
    }
    if ((size_t)(r->end - r->p) < n) packed_error(L);
    lua_pushlstring(L, (const char *)r->p, n);
    r->p += n;
}

/* Pushes a header name in lower case (ASCII letters only: names are HTTP tokens). */
static void packed_header_name(lua_State *L, packed_reader *r) {
    uint32_t n = packed_u32(L, r);
    if (n == UINT32_MAX || (size_t)(r->end - r->p) < n) packed_error(L);
    luaL_Buffer b;
    char *out = luaL_buffinitsize(L, &b, n);
    for (uint32_t i = 0; i < n; i++) {
        unsigned char c = r->p[i];
        out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    luaL_pushresultsize(&b, n);
    r->p += n;
}

/* The event table of a packed event: the table hk_json_decode makes of the same event as JSON
   (`payload` is decoded one level shallower there, so its depth limit is one less here). */
static void push_packed_event(lua_State *L, const char *s, size_t len) {
    static const char *const texts[] = {"id", "source", "type", "status", "timestamp"};
    packed_reader r = {(const unsigned char *)s, (const unsigned char *)s + len};
    luaL_checkstack(L, 4, "event");
    lua_createtable(L, 0, 10);
    for (int i = 0; i < 5; i++) {
        packed_text(L, &r);
        lua_setfield(L, -2, texts[i]);
    }
    lua_pushinteger(L, (lua_Integer)packed_u32(L, &r));
    lua_setfield(L, -2, "attempt");
    uint32_t n = packed_u32(L, &r);
    lua_createtable(L, 0, n < 64 ? (int)n : 64);
    for (uint32_t i = 0; i < n; i++) {
        packed_header_name(L, &r);
        lua_pushvalue(L, -1);
        if (lua_rawget(L, -3) != LUA_TNIL) {
            /* A repeated name keeps its first value: this one is read and dropped. */
            lua_pop(L, 2);
            packed_text(L, &r);
            lua_pop(L, 1);
            continue;
        }
        lua_pop(L, 1);
        packed_text(L, &r);
        lua_rawset(L, -3);
    }
    lua_setfield(L, -2, "headers");
    n = packed_u32(L, &r);
    lua_createtable(L, n < 64 ? (int)n : 64, 0);
    for (uint32_t i = 0; i < n; i++) {
        packed_text(L, &r);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "data_path");
    n = packed_u32(L, &r);
    if ((size_t)(r.end - r.p) != n) packed_error(L);
    hk_json_decode(L, (const char *)r.p, n, HK_JSON_MAX_DEPTH - 1);
    lua_setfield(L, -2, "payload");
}

/* decode_event(): the run's event as a table, read once from the bytes hk_run_start was given
   (still the caller's: the runner reads them before anything can yield). */
static int runner_decode_event(lua_State *L) {
    hk_worker *w = hk_worker_of(L);
    const char *event = w->event;
    size_t len = w->event_len;
    if (event == NULL) return luaL_error(L, "no event for this run (a bug in hookd)");
    w->event = NULL;
    if (w->event_format == HK_EVENT_PACKED) push_packed_event(L, event, len);
    else hk_json_decode(L, event, len, HK_JSON_MAX_DEPTH);
    return 1;
}

static int runner_encode(lua_State *L) {
    hk_json_encode(L, 1, HK_JSON_MAX_DEPTH);
    return 1;
}

static int runner_allow_http(lua_State *L) {
    hk_worker_of(L)->http_allowed = 1;
    return 0;
}

/* Pushes the runner function, built by running hk_runner.lua with its helpers. */
int hk_runner_open(lua_State *L) {
    if (luaL_loadbufferx(L, runner_source, sizeof runner_source, "=[hookd]", "t") != LUA_OK) return lua_error(L);
    lua_newtable(L);
    lua_pushcfunction(L, hk_new_env);        lua_setfield(L, -2, "new_env");
    lua_pushcfunction(L, hk_set_env);        lua_setfield(L, -2, "set_env");
    lua_pushcfunction(L, runner_decode_event); lua_setfield(L, -2, "decode_event");
    lua_pushcfunction(L, runner_encode);     lua_setfield(L, -2, "encode");
    lua_pushcfunction(L, runner_allow_http); lua_setfield(L, -2, "allow_http");
    lua_rawgetp(L, LUA_REGISTRYINDEX, &hk_rules_key);   lua_setfield(L, -2, "rules");
    lua_rawgetp(L, LUA_REGISTRYINDEX, &hk_names_key);   lua_setfield(L, -2, "names");
    lua_rawgetp(L, LUA_REGISTRYINDEX, &hk_modules_key); lua_setfield(L, -2, "modules");
    lua_getglobal(L, "math");
    lua_getfield(L, -1, "randomseed");
    lua_setfield(L, -3, "randomseed");
    lua_pop(L, 1);
    lua_call(L, 1, 1);
    return 1;
}

/* ---- Starting ------------------------------------------------------------------------------ */

typedef struct start_args {
    int rule;
    int mode;
    lua_State *co;
} start_args;

static int prepare_protected(lua_State *L) {
    start_args *a = lua_touserdata(L, 1);
    lua_settop(L, 0);
    /* The coroutine of the last run is reused when that run ended normally (its stack is empty
       again); after an error or a limit it was discarded. */
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &hk_thread_key) == LUA_TTHREAD) {
        a->co = lua_tothread(L, -1);
        lua_pop(L, 1);
    } else {
        lua_pop(L, 1);
        a->co = lua_newthread(L);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &hk_thread_key);
    }
    lua_rawgetp(L, LUA_REGISTRYINDEX, &hk_runner_key);
    lua_pushinteger(L, a->rule + 1);
    lua_pushinteger(L, a->mode);
    lua_xmove(L, a->co, 3);
    return 0;
}

static void reset_run(hk_worker *w) {
    for (size_t i = 0; i < w->nlogs; i++) {
        hk_bytes_clear(&w->logs[i].message);
        hk_bytes_free(&w->logs[i].fields);
    }
    w->nlogs = w->logbytes = w->logs_dropped = 0;
    w->instr_used = 0;
    w->limit = HK_LIMIT_NONE;
    w->skipped = 0;
    w->mem_hit = 0;
    w->http_allowed = 0;
    w->http_pending = 0;
    w->http_count = 0;
    w->has_message = w->has_location = w->has_value = 0;
    hk_bytes_clear(&w->where);
    hk_bytes_clear(&w->res_message);
    hk_bytes_clear(&w->res_location);
    hk_bytes_clear(&w->res_traceback);
    hk_bytes_clear(&w->res_value);
}

static hk_step finish(hk_worker *w, int status, int nres);

static void set_message(hk_worker *w, const char *msg) {
    hk_bytes_set(&w->res_message, msg, strlen(msg));
    w->has_message = 1;
}

hk_step hk_run_start(hk_worker *w, int rule, hk_mode mode, const char *event, size_t len, hk_event_format format,
                     hk_limits limits) {
    if (w->running) {
        set_message(w, "a run is already under way on this worker");
        return HK_STEP_FAILED;
    }
    reset_run(w);
    w->limits = limits;
    if (rule < 0 || rule >= w->nrules) {
        set_message(w, "no such rule");
        return HK_STEP_FAILED;
    }
    start_args a = {rule, (int)mode, NULL};
    lua_settop(w->L, 0);
    lua_pushcfunction(w->L, prepare_protected);
    lua_pushlightuserdata(w->L, &a);
    if (lua_pcall(w->L, 1, 0, 0) != LUA_OK) {
        lua_settop(w->L, 0);
        set_message(w, "not enough memory to start the run");
        return HK_STEP_FAILED;
    }
    w->co = a.co;
    w->running = 1;
    w->peak = w->used;
    if (limits.memory > 0) w->cap = w->used + (size_t)limits.memory;
    w->deadline_ns = limits.wall_ns > 0 ? hk_now_ns() + limits.wall_ns : 0;
    hk_arm_hook(w);
    w->event = event != NULL ? event : "";
    w->event_len = event != NULL ? len : 0;
    w->event_format = format;
    int nres = 0;
    int status = lua_resume(w->co, w->L, 2, &nres);
    w->event = NULL;
    return finish(w, status, nres);
}

hk_step hk_run_resume(hk_worker *w) {
    if (!w->running || !w->http_pending) {
        set_message(w, "no run waits for an answer");
        return HK_STEP_FAILED;
    }
    if (w->deadline_ns != 0 && hk_now_ns() >= w->deadline_ns) return hk_run_cancel(w, HK_LIMIT_WALL_TIME);
    int nres = 0;
    int status = lua_resume(w->co, w->L, 0, &nres);
    return finish(w, status, nres);
}

hk_step hk_run_cancel(hk_worker *w, hk_limit limit) {
    if (!w->running) return HK_STEP_FAILED;
    w->limit = limit;
    return finish(w, LUA_YIELD, 0);
}

/* ---- Finishing ----------------------------------------------------------------------------- */

typedef struct collect_args {
    hk_worker *w;
    int status;
    int nres;
} collect_args;

static void locate(hk_worker *w, lua_State *co) {
    lua_Debug ar;
    for (int level = 0; lua_getstack(co, level, &ar); level++) {
        if (!lua_getinfo(co, "Sl", &ar)) break;
        if (ar.source && ar.source[0] == '@' && ar.currentline > 0) {
            char buf[512];
            int n = snprintf(buf, sizeof buf, "%s:%d", ar.source + 1, ar.currentline);
            if (n > 0 && hk_bytes_set(&w->res_location, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1) == 0)
                w->has_location = 1;
            return;
        }
    }
}

/* Reads the outcome off the finished coroutine: message, location, traceback, value. */
static int collect_protected(lua_State *L) {
    collect_args *a = lua_touserdata(L, 1);
    hk_worker *w = a->w;
    lua_State *co = w->co;
    if (w->where.len > 0) {
        hk_bytes_set(&w->res_location, w->where.p, w->where.len);
        w->has_location = 1;
    } else {
        locate(w, co);
    }
    if (w->skipped) {
        /* the reason was stored by skip() */
    } else if (w->limit != HK_LIMIT_NONE) {
        char msg[160], full[800];
        hk_limit_message(w, msg, sizeof msg);
        if (w->has_location) snprintf(full, sizeof full, "%s: %s", w->res_location.p, msg);
        else snprintf(full, sizeof full, "%s", msg);
        set_message(w, full);
    } else if (a->status == LUA_OK) {
        if (a->nres >= 1 && lua_type(co, -1) == LUA_TSTRING) {
            size_t len;
            const char *s = lua_tolstring(co, -1, &len);
            if (hk_bytes_set(&w->res_value, s, len) == 0) w->has_value = 1;
        }
        return 0;
    } else if (a->status == LUA_YIELD) {
        set_message(w, "the rule yielded outside an http call");
    } else {
        int t = lua_type(co, -1);
        if (t == LUA_TSTRING || t == LUA_TNUMBER) {
            lua_pushvalue(co, -1);
            lua_xmove(co, L, 1);
            size_t len;
            const char *s = lua_tolstring(L, -1, &len);
            hk_bytes_set(&w->res_message, s, len);
            w->has_message = 1;
        } else {
            lua_pushfstring(L, "(error object is a %s value)", lua_typename(L, t));
            set_message(w, lua_tostring(L, -1));
        }
    }
    luaL_traceback(L, co, NULL, 0);
    size_t len;
    const char *tb = lua_tolstring(L, -1, &len);
    hk_bytes_set(&w->res_traceback, tb, len);
    return 0;
}

static int release_protected(lua_State *L) {
    hk_worker *w = lua_touserdata(L, 1);
    if (lua_status(w->co) == LUA_OK && w->limit == HK_LIMIT_NONE && !w->skipped) {
        lua_settop(w->co, 0);
        return 0;
    }
    lua_pushnil(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &hk_thread_key);
    if (w->limit != HK_LIMIT_NONE) lua_gc(L, LUA_GCCOLLECT, 0);
    return 0;
}

static hk_step finish(hk_worker *w, int status, int nres) {
    if (status == LUA_YIELD && w->http_pending && w->limit == HK_LIMIT_NONE && !w->skipped && !w->mem_hit)
        return HK_STEP_HTTP;
    w->running = 0;
    w->http_pending = 0;
    lua_sethook(w->co, NULL, 0, 0);
    w->cap = SIZE_MAX;
    if (w->mem_hit && w->limit == HK_LIMIT_NONE && !w->skipped) w->limit = HK_LIMIT_MEMORY;

    collect_args a = {w, status, nres};
    lua_settop(w->L, 0);
    lua_pushcfunction(w->L, collect_protected);
    lua_pushlightuserdata(w->L, &a);
    if (lua_pcall(w->L, 1, 0, 0) != LUA_OK && !w->has_message) set_message(w, "the run failed, and so did reading its error");
    lua_settop(w->L, 0);
    lua_pushcfunction(w->L, release_protected);
    lua_pushlightuserdata(w->L, w);
    lua_pcall(w->L, 1, 0, 0);
    lua_settop(w->L, 0);
    w->co = NULL;

    if (w->skipped) return HK_STEP_SKIPPED;
    if (w->limit != HK_LIMIT_NONE || status != LUA_OK) return HK_STEP_FAILED;
    return HK_STEP_OK;
}

/* ---- Requests, answers, results ----------------------------------------------------------- */

static const char *bytes_out(const hk_bytes *b, size_t *len) {
    if (len) *len = b->len;
    return b->p ? b->p : "";
}

const char *hk_request_method(hk_worker *w, size_t *len) { return bytes_out(&w->req_method, len); }
const char *hk_request_url(hk_worker *w, size_t *len) { return bytes_out(&w->req_url, len); }
const char *hk_request_headers(hk_worker *w, size_t *len) { return bytes_out(&w->req_headers, len); }
const char *hk_request_body(hk_worker *w, size_t *len) { return bytes_out(&w->req_body, len); }
uint64_t hk_request_timeout_ms(hk_worker *w) { return w->req_timeout_ms; }
uint32_t hk_request_number(hk_worker *w) { return w->http_count; }

int hk_response_set(hk_worker *w, int status, const char *headers, size_t headers_len,
                    const char *body, size_t body_len) {
    w->resp_is_error = 0;
    w->resp_status = status;
    if (hk_bytes_set(&w->resp_headers, headers, headers_len) != 0) return -1;
    if (hk_bytes_set(&w->resp_body, body, body_len) != 0) return -1;
    return 0;
}

int hk_response_set_error(hk_worker *w, const char *message, size_t len) {
    w->resp_is_error = 1;
    return hk_bytes_set(&w->resp_error, message, len);
}

hk_limit hk_result_limit(hk_worker *w) { return w->limit; }

const char *hk_result_message(hk_worker *w, size_t *len) {
    return w->has_message ? bytes_out(&w->res_message, len) : NULL;
}
const char *hk_result_location(hk_worker *w, size_t *len) {
    return w->has_location ? bytes_out(&w->res_location, len) : NULL;
}
const char *hk_result_traceback(hk_worker *w, size_t *len) { return bytes_out(&w->res_traceback, len); }
const char *hk_result_value(hk_worker *w, size_t *len) {
    return w->has_value ? bytes_out(&w->res_value, len) : NULL;
}
uint64_t hk_result_instructions(hk_worker *w) { return w->instr_used; }
size_t hk_result_memory_peak(hk_worker *w) { return w->peak; }

size_t hk_log_count(hk_worker *w) { return w->nlogs; }
size_t hk_log_dropped(hk_worker *w) { return w->logs_dropped; }

int hk_log_get(hk_worker *w, size_t i, int *level, const char **message, size_t *message_len,
               const char **fields, size_t *fields_len) {
    if (i >= w->nlogs) return -1;
    hk_logline *line = &w->logs[i];
    *level = line->level;
    *message = bytes_out(&line->message, message_len);
    if (line->fields.p) *fields = bytes_out(&line->fields, fields_len);
    else { *fields = NULL; *fields_len = 0; }
    return 0;
}
