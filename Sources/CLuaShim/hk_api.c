/*
 * hk_api.c: the functions a rule can call (besides json, in hk_json.c): log.*, print, secret,
 * skip, setmetatable without __gc, and http.*, which yields its request to Swift.
 *
 * All of them are Lua-callable C functions: they may raise, since they only ever run under the
 * run's lua_resume.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include "hk_worker.h"

/* Registry key of the secrets table (name -> value, or false when listed but not set). */
const char hk_secrets_key = 0;

/* ---- log.* and print ------------------------------------------------------------------------ */

static int append_log(lua_State *L, int level, const char *msg, size_t msglen, int fields_idx) {
    hk_worker *w = hk_worker_of(L);
    const char *fields = NULL;
    size_t flen = 0;
    if (fields_idx != 0 && !lua_isnoneornil(L, fields_idx)) {
        luaL_checktype(L, fields_idx, LUA_TTABLE);
        hk_json_encode(L, fields_idx, HK_JSON_MAX_DEPTH);
        fields = lua_tolstring(L, -1, &flen);
    }
    /* Nothing below raises: the line is copied into worker-owned memory. */
    if (w->nlogs >= HK_LOG_MAX_LINES || w->logbytes + msglen + flen > HK_LOG_MAX_RUN_BYTES) {
        w->logs_dropped++;
        return 0;
    }
    if (msglen > HK_LOG_MAX_LINE_BYTES) msglen = HK_LOG_MAX_LINE_BYTES;
    if (flen > HK_LOG_MAX_LINE_BYTES) { fields = NULL; flen = 0; }
    if (w->nlogs == w->caplogs) {
        size_t ncap = w->caplogs ? w->caplogs * 2 : 16;
        hk_logline *grown = realloc(w->logs, ncap * sizeof *grown);
        if (grown == NULL) { w->logs_dropped++; return 0; }
        /* Lines are reused from run to run (their buffers too), so new slots start empty. */
        memset(grown + w->caplogs, 0, (ncap - w->caplogs) * sizeof *grown);
        w->logs = grown;
        w->caplogs = ncap;
    }
    hk_logline *line = &w->logs[w->nlogs];
    line->level = level;
    if (hk_bytes_set(&line->message, msg, msglen) != 0) { w->logs_dropped++; return 0; }
    if (fields != NULL) {
        if (hk_bytes_set(&line->fields, fields, flen) != 0) { w->logs_dropped++; return 0; }
    } else {
        hk_bytes_free(&line->fields);
    }
    w->nlogs++;
    w->logbytes += msglen + flen;
    return 0;
}

static int log_at(lua_State *L) {
    int level = (int)lua_tointeger(L, lua_upvalueindex(1));
    int fields_idx = lua_gettop(L) >= 2 ? 2 : 0;
    size_t len;
    const char *msg = luaL_tolstring(L, 1, &len);
    append_log(L, level, msg, len, fields_idx);
    return 0;
}

static int print_line(lua_State *L) {
    int n = lua_gettop(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *s = luaL_tolstring(L, i, &len);
        if (i > 1) luaL_addchar(&b, '\t');
        luaL_addvalue(&b);
        (void)s;
        (void)len;
    }
    luaL_pushresult(&b);
    size_t len;
    const char *msg = lua_tolstring(L, -1, &len);
    append_log(L, HK_LOG_INFO, msg, len, 0);
    return 0;
}

/* ---- secret, skip, setmetatable ----------------------------------------------------------- */

static int secret(lua_State *L) {
    const char *name = luaL_checkstring(L, 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &hk_secrets_key);
    int kind = lua_getfield(L, -1, name);
    if (kind == LUA_TSTRING) return 1;
    if (kind == LUA_TBOOLEAN) return luaL_error(L, "secret '%s' is not set in hookd's environment", name);
    return luaL_error(L, "secret '%s' is not listed in the secrets: of hookd.yaml", name);
}

static int skip(lua_State *L) {
    hk_worker *w = hk_worker_of(L);
    size_t len = 0;
    const char *reason = lua_isnoneornil(L, 1) ? "" : luaL_tolstring(L, 1, &len);
    if (!w->running) return luaL_error(L, "skip() can only be called while handling an event");
    hk_bytes_set(&w->res_message, reason, len);
    w->has_message = 1;
    w->skipped = 1;
    return hk_terminate(L);
}

static int safe_setmetatable(lua_State *L) {
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (t == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL) return luaL_error(L, "setmetatable: __gc metamethods are not allowed in rules");
        lua_pop(L, 1);
    }
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) return luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/* ---- http.* ------------------------------------------------------------------------------- */

static int copy_string_field(lua_State *L, hk_bytes *dst, int idx) {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    if (hk_bytes_set(dst, s, len) != 0) return luaL_error(L, "not enough memory");
    return 0;
}

/* Appends s[0..len) and a NUL to b. */
static void append_nul_terminated(lua_State *L, hk_bytes *b, const char *s, size_t len) {
    size_t need = b->len + len + 2;
    if (need > b->cap) {
        size_t ncap = b->cap ? b->cap : 256;
        while (ncap < need) ncap *= 2;
        char *p = realloc(b->p, ncap);
        if (p == NULL) luaL_error(L, "not enough memory");
        b->p = p;
        b->cap = ncap;
    }
    memcpy(b->p + b->len, s, len);
    b->len += len;
    b->p[b->len++] = '\0';
    b->p[b->len] = '\0';
}

/* A header name is an HTTP token; a value holds no CR, LF or NUL (no header injection). */
static int valid_header_name(const char *s, size_t len) {
    if (len == 0) return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 32 || c >= 127 || strchr("\"(),/:;<=>?@[\\]{}", c)) return 0;
    }
    return 1;
}

static int valid_header_value(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0') return 0;
    return 1;
}

/* Stores opts.headers in w->req_headers as "name\0value\0" pairs, adding Content-Type for a json
   body when the rule set none. */
static void collect_headers(lua_State *L, hk_worker *w, int opts, int json_body) {
    int has_content_type = 0;
    hk_bytes_clear(&w->req_headers);
    if (lua_getfield(L, opts, "headers") != LUA_TNIL) {
        int headers = lua_gettop(L);
        if (!lua_istable(L, headers)) luaL_error(L, "http: 'headers' must be a table");
        lua_pushnil(L);
        while (lua_next(L, headers)) {
            size_t nlen, vlen;
            if (lua_type(L, -2) != LUA_TSTRING) luaL_error(L, "http: header names must be strings");
            const char *name = lua_tolstring(L, -2, &nlen);
            if (!valid_header_name(name, nlen)) luaL_error(L, "http: invalid header name '%s'", name);
            if (lua_type(L, -1) != LUA_TSTRING && lua_type(L, -1) != LUA_TNUMBER)
                luaL_error(L, "http: header '%s' must be a string", name);
            lua_pushvalue(L, -1);
            const char *value = lua_tolstring(L, -1, &vlen);   /* converts the copy only */
            if (!valid_header_value(value, vlen)) luaL_error(L, "http: header '%s' holds CR, LF or NUL", name);
            if (strcasecmp(name, "content-type") == 0) has_content_type = 1;
            append_nul_terminated(L, &w->req_headers, name, nlen);
            append_nul_terminated(L, &w->req_headers, value, vlen);
            lua_pop(L, 2);
        }
    }
    lua_pop(L, 1);
    if (json_body && !has_content_type) {
        append_nul_terminated(L, &w->req_headers, "Content-Type", 12);
        append_nul_terminated(L, &w->req_headers, "application/json", 16);
    }
}

static int http_continue(lua_State *L, int status, lua_KContext ctx);

/* Takes opts at index `opts` (method, url, headers, body, json, timeout), stores the request in the
   worker and yields it to Swift. */
static int http_yield(lua_State *L, const char *method, int opts, int url_idx) {
    hk_worker *w = hk_worker_of(L);
    if (!w->http_allowed)
        return luaL_error(L, "http calls are not allowed here (only in handle, not in when or at a file's top level)");
    if (!lua_isyieldable(L))
        return luaL_error(L, "http.* cannot be called here: not inside a metamethod, a table.sort comparator or a string.gsub callback");
    if (w->limits.http_calls > 0 && w->http_count >= w->limits.http_calls) {
        w->limit = HK_LIMIT_HTTP_CALLS;
        return hk_terminate(L);
    }
    if (url_idx != 0) {
        copy_string_field(L, &w->req_url, url_idx);
    } else {
        if (lua_getfield(L, opts, "url") != LUA_TSTRING) return luaL_error(L, "http: 'url' must be a string");
        copy_string_field(L, &w->req_url, -1);
        lua_pop(L, 1);
    }

    char upper[16];
    if (method == NULL) {
        int t = lua_getfield(L, opts, "method");
        if (t == LUA_TNIL) method = "GET";
        else if (t == LUA_TSTRING) method = lua_tostring(L, -1);
        else return luaL_error(L, "http: 'method' must be a string");
        size_t n = strlen(method);
        if (n == 0 || n >= sizeof upper) return luaL_error(L, "http: invalid method '%s'", method);
        for (size_t i = 0; i <= n; i++) upper[i] = (char)toupper((unsigned char)method[i]);
        method = upper;
        lua_pop(L, 1);
    }
    hk_bytes_set(&w->req_method, method, strlen(method));

    int has_json = lua_getfield(L, opts, "json") != LUA_TNIL;
    int has_body = lua_getfield(L, opts, "body") != LUA_TNIL;
    if (has_json && has_body) return luaL_error(L, "http: give 'body' or 'json', not both");
    if (has_body) {
        if (lua_type(L, -1) != LUA_TSTRING) return luaL_error(L, "http: 'body' must be a string");
        copy_string_field(L, &w->req_body, -1);
    } else if (has_json) {
        hk_json_encode(L, -2, HK_JSON_MAX_DEPTH);
        copy_string_field(L, &w->req_body, -1);
        lua_pop(L, 1);
    } else {
        hk_bytes_clear(&w->req_body);
    }
    lua_pop(L, 2);

    collect_headers(L, w, opts, has_json);

    w->req_timeout_ms = 0;
    if (lua_getfield(L, opts, "timeout") != LUA_TNIL) {
        int isnum;
        lua_Number secs = lua_tonumberx(L, -1, &isnum);
        if (!isnum || secs <= 0) return luaL_error(L, "http: 'timeout' must be a positive number of seconds");
        w->req_timeout_ms = (uint64_t)(secs * 1000.0);
        if (w->req_timeout_ms == 0) w->req_timeout_ms = 1;
    }
    lua_pop(L, 1);

    w->http_count++;
    w->http_pending = 1;
    w->resp_is_error = 0;
    return lua_yieldk(L, 0, 0, http_continue);
}

/* Runs when Swift resumes the run with the answer: builds {status, headers, body, json}. */
static int decode_body(lua_State *L) {
    size_t len;
    const char *s = lua_tolstring(L, 1, &len);
    hk_json_decode(L, s, len, HK_JSON_MAX_DEPTH);
    return 1;
}

static int http_continue(lua_State *L, int status, lua_KContext ctx) {
    hk_worker *w = hk_worker_of(L);
    w->http_pending = 0;
    if (w->resp_is_error) {
        lua_pushlstring(L, w->resp_error.p ? w->resp_error.p : "", w->resp_error.len);
        return luaL_error(L, "http %s %s: %s", w->req_method.p, w->req_url.p, lua_tostring(L, -1));
    }
    lua_createtable(L, 0, 4);
    int res = lua_gettop(L);
    lua_pushinteger(L, w->resp_status);
    lua_setfield(L, res, "status");
    lua_newtable(L);
    for (size_t at = 0; at < w->resp_headers.len;) {
        const char *name = w->resp_headers.p + at;
        size_t nlen = strnlen(name, w->resp_headers.len - at);
        at += nlen + 1;
        if (at >= w->resp_headers.len) break;
        const char *value = w->resp_headers.p + at;
        size_t vlen = strnlen(value, w->resp_headers.len - at);
        at += vlen + 1;
        lua_pushlstring(L, name, nlen);
        lua_pushlstring(L, value, vlen);
        lua_rawset(L, -3);
    }
    lua_setfield(L, res, "headers");
    lua_pushlstring(L, w->resp_body.p ? w->resp_body.p : "", w->resp_body.len);
    lua_setfield(L, res, "body");
    if (w->resp_body.len > 0) {
        lua_pushcfunction(L, decode_body);
        lua_getfield(L, res, "body");
        if (lua_pcall(L, 1, 1, 0) == LUA_OK) lua_setfield(L, res, "json");
        else lua_pop(L, 1);
    }
    return 1;
}

static int http_request(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    return http_yield(L, NULL, 1, 0);
}

/* http.get(url, opts) and friends: the method is the closure's upvalue. */
static int http_shorthand(lua_State *L) {
    const char *method = lua_tostring(L, lua_upvalueindex(1));
    luaL_checktype(L, 1, LUA_TSTRING);
    if (lua_isnoneornil(L, 2)) {
        lua_settop(L, 1);
        lua_newtable(L);
    } else {
        luaL_checktype(L, 2, LUA_TTABLE);
        lua_settop(L, 2);
    }
    return http_yield(L, method, 2, 1);
}

/* ---- Opening ------------------------------------------------------------------------------ */

static void set_cfunction(lua_State *L, const char *name, lua_CFunction f) {
    lua_pushcfunction(L, f);
    lua_setfield(L, -2, name);
}

/* Fills the masters table at the top of the stack: masters.log, masters.http, and the base
   functions that replace the standard ones (print, secret, skip, setmetatable). */
void hk_api_open(lua_State *L) {
    static const char *levels[] = {"debug", "info", "warn", "error"};
    lua_newtable(L);
    for (int i = 0; i < 4; i++) {
        lua_pushinteger(L, i);
        lua_pushcclosure(L, log_at, 1);
        lua_setfield(L, -2, levels[i]);
    }
    lua_setfield(L, -2, "log");

    static const char *methods[] = {"get", "post", "put", "patch", "delete", "head"};
    lua_newtable(L);
    set_cfunction(L, "request", http_request);
    for (int i = 0; i < 6; i++) {
        char upper[8];
        size_t n = strlen(methods[i]);
        for (size_t j = 0; j <= n; j++) upper[j] = (char)toupper((unsigned char)methods[i][j]);
        lua_pushstring(L, upper);
        lua_pushcclosure(L, http_shorthand, 1);
        lua_setfield(L, -2, methods[i]);
    }
    lua_setfield(L, -2, "http");

    set_cfunction(L, "print", print_line);
    set_cfunction(L, "secret", secret);
    set_cfunction(L, "skip", skip);
    set_cfunction(L, "setmetatable", safe_setmetatable);
}
