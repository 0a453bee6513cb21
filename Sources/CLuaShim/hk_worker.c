/*
 * hk_worker.c: a worker's lua_State: the counting allocator, the sandbox's master tables, fresh
 * globals for each run, and compiling rule files and modules (text only).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lualib.h>
#include "hk_worker.h"

extern const char hk_secrets_key;
/* Registry keys: the masters table, the rule chunks, the modules, the runner. */
const char hk_masters_key = 0;
const char hk_rules_key = 0;
const char hk_modules_key = 0;
const char hk_runner_key = 0;
const char hk_names_key = 0;

int hk_runner_open(lua_State *L);   /* hk_run.c: pushes the runner function */

/* ---- Bytes ------------------------------------------------------------------------------- */

int hk_bytes_set(hk_bytes *b, const char *s, size_t len) {
    if (len + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap : 64;
        while (ncap < len + 1) ncap *= 2;
        char *p = realloc(b->p, ncap);
        if (p == NULL) { b->len = 0; return -1; }
        b->p = p;
        b->cap = ncap;
    }
    if (len > 0) memcpy(b->p, s, len);
    b->p[len] = '\0';
    b->len = len;
    return 0;
}

void hk_bytes_clear(hk_bytes *b) {
    b->len = 0;
    if (b->p) b->p[0] = '\0';
}

void hk_bytes_free(hk_bytes *b) {
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* ---- The counting allocator ---------------------------------------------------------------- */

static void *hk_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    hk_worker *w = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        w->used -= old;
        return NULL;
    }
    if (nsize > old && w->used - old + nsize > w->cap) {
        /* Lua raises "not enough memory", which a pcall could catch; the hook, armed to fire on the
           next instruction, makes the limit stick. */
        w->mem_hit = 1;
        if (w->running && w->co) lua_sethook(w->co, hk_hook, LUA_MASKCOUNT, 1), w->hook_count = 1;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (p == NULL) return NULL;
    w->used = w->used - old + nsize;
    if (w->used > w->peak) w->peak = w->used;
    return p;
}

static int hk_panic(lua_State *L) {
    const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(no message)";
    fprintf(stderr, "hookd: unprotected Lua error (a bug in hookd): %s\n", msg);
    fflush(stderr);
    abort();
    return 0;
}

/* ---- The sandbox ------------------------------------------------------------------------- */

/* Base functions rules get as they are. print, setmetatable, secret, skip come from hk_api.c;
   require is made per run by the runner. */
static const char *const base_names[] = {
    "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "select",
    "tonumber", "tostring", "type", "xpcall", NULL
};
static const char *const string_names[] = {
    "byte", "char", "format", "len", "lower", "upper", "rep", "reverse", "sub",
    "pack", "packsize", "unpack", NULL
};

/* Copies the listed fields of the table at src into the table at dst. */
static void copy_fields(lua_State *L, int src, int dst, const char *const *names) {
    src = lua_absindex(L, src);
    dst = lua_absindex(L, dst);
    for (int i = 0; names[i]; i++) {
        lua_getfield(L, src, names[i]);
        lua_setfield(L, dst, names[i]);
    }
}

/* Copies every field of the table at src into a new table, pushed. */
static void make_library_proxies(lua_State *L, int masters);

static void copy_table(lua_State *L, int src) {
    src = lua_absindex(L, src);
    lua_createtable(L, 0, 32);
    lua_pushnil(L);
    while (lua_next(L, src)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
}

/* Builds the masters table: { base = {...}, libs = { string=, table=, math=, utf8=, os=, json=,
   log=, http= } }, and hides the string metatable. Runs once, under lua_pcall, with no cap. */
static int open_sandbox(lua_State *L) {
    luaL_openlibs(L);
    lua_newtable(L);                                   /* masters */
    int masters = lua_gettop(L);
    lua_newtable(L);                                   /* base */
    int base = lua_gettop(L);
    lua_pushglobaltable(L);
    copy_fields(L, -1, base, base_names);
    lua_pop(L, 1);
    lua_pushliteral(L, LUA_VERSION);
    lua_setfield(L, base, "_VERSION");

    lua_newtable(L);                                   /* api: log, http, print, secret, skip, setmetatable */
    int api = lua_gettop(L);
    hk_api_open(L);
    const char *const api_base[] = {"print", "secret", "skip", "setmetatable", NULL};
    copy_fields(L, api, base, api_base);

    lua_newtable(L);                                   /* libs */
    int libs = lua_gettop(L);

    lua_newtable(L);                                   /* string, without dump, with our matcher */
    lua_getglobal(L, "string");
    copy_fields(L, -1, -2, string_names);
    lua_pop(L, 1);
    lua_pushcfunction(L, hk_str_find);   lua_setfield(L, -2, "find");
    lua_pushcfunction(L, hk_str_match);  lua_setfield(L, -2, "match");
    lua_pushcfunction(L, hk_str_gmatch); lua_setfield(L, -2, "gmatch");
    lua_pushcfunction(L, hk_str_gsub);   lua_setfield(L, -2, "gsub");
    /* Strings index this master copy, which no rule can reach: getmetatable("") answers false. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
    lua_setfield(L, libs, "string");

    const char *const plain_libs[] = {"table", "math", "utf8", NULL};
    for (int i = 0; plain_libs[i]; i++) {
        lua_getglobal(L, plain_libs[i]);
        copy_table(L, -1);
        lua_setfield(L, libs, plain_libs[i]);
        lua_pop(L, 1);
    }
    lua_newtable(L);
    lua_getglobal(L, "os");
    const char *const os_names[] = {"time", "date", "clock", NULL};
    copy_fields(L, -1, -2, os_names);
    lua_pop(L, 1);
    lua_setfield(L, libs, "os");

    hk_json_open(L);
    lua_setfield(L, libs, "json");
    lua_getfield(L, api, "log");
    lua_setfield(L, libs, "log");
    lua_getfield(L, api, "http");
    lua_setfield(L, libs, "http");

    lua_setfield(L, masters, "libs");
    make_library_proxies(L, masters);
    lua_pop(L, 1);                                     /* api */
    lua_setfield(L, masters, "base");
    lua_rawsetp(L, LUA_REGISTRYINDEX, &hk_masters_key);

    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &hk_rules_key);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &hk_names_key);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &hk_modules_key);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &hk_secrets_key);
    hk_runner_open(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &hk_runner_key);
    return 0;
}

/* For each library of masters.libs, a metatable {__index = library, __metatable = false}: a run's
   library tables are empty tables reading through it, so what a run assigns stays in its own
   table, and no rule can reach (or change) the shared library behind it. */
static void make_library_proxies(lua_State *L, int masters) {
    lua_newtable(L);
    int proxies = lua_gettop(L);
    lua_getfield(L, masters, "libs");
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_createtable(L, 0, 2);
        lua_insert(L, -2);
        lua_setfield(L, -2, "__index");
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, proxies);
    }
    lua_pop(L, 1);
    lua_setfield(L, masters, "proxies");
}

/* new_env(): fresh globals for one run: the base functions, and for each library a fresh table
   reading through to it, so that nothing a run changes is seen by the next run or another rule. */
int hk_new_env(lua_State *L) {
    lua_createtable(L, 0, 32);
    int env = lua_gettop(L);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &hk_masters_key);
    lua_getfield(L, -1, "base");
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, env);
    }
    lua_pop(L, 1);
    lua_getfield(L, -1, "proxies");
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pushvalue(L, -2);
        lua_newtable(L);
        lua_pushvalue(L, -3);
        lua_setmetatable(L, -2);
        lua_rawset(L, env);
        lua_pop(L, 1);
    }
    lua_pop(L, 2);
    lua_pushvalue(L, env);
    lua_setfield(L, env, "_G");
    return 1;
}

/* set_env(chunk, env): makes env the _ENV of a compiled file (its first and only upvalue). */
int hk_set_env(lua_State *L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    if (lua_setupvalue(L, 1, 1) == NULL) return luaL_error(L, "set_env: no _ENV upvalue");
    return 0;
}

/* ---- Workers ------------------------------------------------------------------------------ */

static void set_error(hk_worker *w, const char *msg, size_t len) {
    hk_bytes_set(&w->error, msg, len);
}

static void set_error_from_stack(hk_worker *w) {
    size_t len = 0;
    const char *msg = lua_type(w->L, -1) == LUA_TSTRING ? lua_tolstring(w->L, -1, &len) : NULL;
    if (msg) set_error(w, msg, len);
    else set_error(w, "unknown error", 13);
    lua_settop(w->L, 0);
}

hk_worker *hk_worker_new(void) {
    hk_worker *w = calloc(1, sizeof *w);
    if (w == NULL) return NULL;
    w->cap = SIZE_MAX;
    w->L = lua_newstate(hk_alloc, w);
    if (w->L == NULL) { free(w); return NULL; }
    *(hk_worker **)lua_getextraspace(w->L) = w;
    lua_atpanic(w->L, hk_panic);
    lua_gc(w->L, LUA_GCINC, 0, 0, 0);
    lua_pushcfunction(w->L, open_sandbox);
    if (lua_pcall(w->L, 0, 0, 0) != LUA_OK) {
        lua_close(w->L);
        free(w);
        return NULL;
    }
    return w;
}

void hk_worker_free(hk_worker *w) {
    if (w == NULL) return;
    lua_close(w->L);
    for (size_t i = 0; i < w->caplogs; i++) {
        hk_bytes_free(&w->logs[i].message);
        hk_bytes_free(&w->logs[i].fields);
    }
    free(w->logs);
    hk_bytes *all[] = {&w->where, &w->req_method, &w->req_url, &w->req_headers, &w->req_body,
                       &w->resp_headers, &w->resp_body, &w->resp_error, &w->res_message,
                       &w->res_location, &w->res_traceback, &w->res_value, &w->error};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) hk_bytes_free(all[i]);
    free(w);
}

typedef struct load_args {
    const char *name;
    const char *chunkname;
    const char *src;
    size_t len;
    const void *key;
    int index;
} load_args;

/* Compiles a chunk in text mode and stores it in the rules (by index) or modules (by name) table. */
static int load_protected(lua_State *L) {
    load_args *a = lua_touserdata(L, 1);
    lua_pushfstring(L, "@%s", a->chunkname);
    int status = luaL_loadbufferx(L, a->src, a->len, lua_tostring(L, -1), "t");
    if (status != LUA_OK) return lua_error(L);
    lua_rawgetp(L, LUA_REGISTRYINDEX, a->key);
    lua_insert(L, -2);
    if (a->name) {
        lua_setfield(L, -2, a->name);
    } else {
        lua_rawseti(L, -2, a->index + 1);
        lua_rawgetp(L, LUA_REGISTRYINDEX, &hk_names_key);
        lua_pushstring(L, a->chunkname);
        lua_rawseti(L, -2, a->index + 1);
    }
    return 0;
}

static int load_chunk(hk_worker *w, load_args *a) {
    lua_pushcfunction(w->L, load_protected);
    lua_pushlightuserdata(w->L, a);
    if (lua_pcall(w->L, 1, 0, 0) != LUA_OK) {
        set_error_from_stack(w);
        return -1;
    }
    return 0;
}

int hk_worker_load_rule(hk_worker *w, const char *chunkname, const char *src, size_t len) {
    load_args a = {NULL, chunkname, src, len, &hk_rules_key, w->nrules};
    if (load_chunk(w, &a) != 0) return -1;
    return w->nrules++;
}

int hk_worker_load_module(hk_worker *w, const char *name, const char *chunkname, const char *src, size_t len) {
    load_args a = {name, chunkname, src, len, &hk_modules_key, 0};
    return load_chunk(w, &a);
}

typedef struct secret_args {
    const char *name;
    const char *value;
    size_t len;
    int present;
} secret_args;

static int set_secret_protected(lua_State *L) {
    secret_args *a = lua_touserdata(L, 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &hk_secrets_key);
    if (a->present) lua_pushlstring(L, a->value, a->len);
    else lua_pushboolean(L, 0);
    lua_setfield(L, -2, a->name);
    return 0;
}

int hk_worker_set_secret(hk_worker *w, const char *name, const char *value, size_t len, int present) {
    secret_args a = {name, value, len, present};
    lua_pushcfunction(w->L, set_secret_protected);
    lua_pushlightuserdata(w->L, &a);
    if (lua_pcall(w->L, 1, 0, 0) != LUA_OK) {
        set_error_from_stack(w);
        return -1;
    }
    return 0;
}

const char *hk_worker_error(hk_worker *w, size_t *len) {
    if (len) *len = w->error.len;
    return w->error.p ? w->error.p : "";
}

size_t hk_worker_memory(hk_worker *w) { return w->used; }
