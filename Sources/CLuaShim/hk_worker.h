/*
 * hk_worker.h: the worker struct and the run context, shared by the shim's C files.
 */
#ifndef HK_WORKER_H
#define HK_WORKER_H

#include "hk_internal.h"
#include "include/hookd_lua.h"

/* A malloc'd byte buffer owned by the worker (never by Lua, so an error cannot leak it). */
typedef struct hk_bytes {
    char *p;
    size_t len;
    size_t cap;
} hk_bytes;

typedef struct hk_logline {
    int level;
    hk_bytes message;
    hk_bytes fields;     /* p == NULL when the line has none */
} hk_logline;

/* Caps on what one run may log, so a log loop cannot exhaust the daemon's memory. */
#define HK_LOG_MAX_LINES 1000
#define HK_LOG_MAX_LINE_BYTES (64 * 1024)
#define HK_LOG_MAX_RUN_BYTES (1024 * 1024)

/* The count hook fires at most this many instructions apart. */
#define HK_HOOK_EVERY 1000

struct hk_worker {
    lua_State *L;

    /* The counting allocator. cap is SIZE_MAX outside runs. */
    size_t used;
    size_t peak;
    size_t cap;
    int mem_hit;

    /* The run under way (one at a time). */
    lua_State *co;
    int running;
    hk_limits limits;
    uint64_t instr_used;
    int hook_count;           /* the count the hook is armed with now */
    uint64_t deadline_ns;     /* CLOCK_MONOTONIC; 0 = none */
    hk_limit limit;           /* the limit that ended the run, once one did */
    int skipped;              /* skip() was called */
    int http_allowed;
    int http_pending;
    uint32_t http_count;
    hk_bytes where;           /* "file:line" where a limit struck */
    /* The event of the run being started: set by hk_run_start for its first resume only, read
       (once) by the runner's decode_event. */
    const char *event;
    size_t event_len;
    hk_event_format event_format;

    /* The pending HTTP request and its answer. */
    hk_bytes req_method, req_url, req_headers, req_body;
    uint64_t req_timeout_ms;
    int resp_status;
    int resp_is_error;
    hk_bytes resp_headers, resp_body, resp_error;

    /* Results of the last finished run. */
    hk_bytes res_message, res_location, res_traceback, res_value;
    int has_message, has_location, has_value;

    /* Log lines of the run. */
    hk_logline *logs;
    size_t nlogs, caplogs, logbytes, logs_dropped;

    hk_bytes error;
    int nrules;
};

/* The worker a Lua thread belongs to, kept in the thread's extra space (copied to coroutines). */
static inline hk_worker *hk_worker_of(lua_State *L) {
    return *(hk_worker **)lua_getextraspace(L);
}

/* hk_bytes helpers: 0 on success, -1 when malloc fails (the buffer is then left empty). */
int hk_bytes_set(hk_bytes *b, const char *s, size_t len);
void hk_bytes_clear(hk_bytes *b);
void hk_bytes_free(hk_bytes *b);

/* hk_limits.c */
uint64_t hk_now_ns(void);
void hk_hook(lua_State *L, lua_Debug *ar);
void hk_arm_hook(hk_worker *w);
/* Ends the run for w->limit or w->skipped: yields when it can, else raises and re-arms the hook on
   every instruction so that no pcall can keep the run alive. Does not return. */
int hk_terminate(lua_State *L);
void hk_limit_message(hk_worker *w, char *buf, size_t size);

/* hk_api.c: the rule API tables and base functions. */
void hk_api_open(lua_State *L);   /* fills the masters table at the top of the stack */

#endif
