/*
 * hookd_lua.h: the whole surface Swift sees of Lua.
 *
 * Swift never calls the Lua API. It hands the shim bytes (rule sources, event JSON, HTTP answers)
 * and reads bytes back (requests, log lines, outcomes). Every Lua call that can raise runs in C,
 * under lua_pcall or lua_resume, so no Swift frame ever sits between a longjmp and its catch.
 *
 * A worker is one lua_State plus the context of the run it is running. It is not thread-safe:
 * one thread at a time, one run at a time.
 */
#ifndef HOOKD_LUA_H
#define HOOKD_LUA_H

#include <stddef.h>
#include <stdint.h>

typedef struct hk_worker hk_worker;

/* Per-run limits. Zero means "no limit" for every field. */
typedef struct hk_limits {
    uint64_t instructions;   /* Lua VM instructions (and budgeted C work, e.g. pattern steps) */
    uint64_t memory;         /* bytes the run may allocate on top of what the state held at its start */
    uint64_t wall_ns;        /* wall time from hk_run_start, including time waiting for HTTP answers */
    uint32_t http_calls;     /* http.* calls */
} hk_limits;

/* What hk_run_start / hk_run_resume report. */
typedef enum hk_step {
    HK_STEP_OK = 0,        /* the run ended normally */
    HK_STEP_SKIPPED = 1,   /* the rule called skip(reason) */
    HK_STEP_FAILED = 2,    /* an error or a limit; see hk_result_* */
    HK_STEP_HTTP = 3       /* the run waits for an HTTP answer; see hk_request_*, then hk_run_resume */
} hk_step;

typedef enum hk_limit {
    HK_LIMIT_NONE = 0,
    HK_LIMIT_INSTRUCTIONS = 1,
    HK_LIMIT_MEMORY = 2,
    HK_LIMIT_WALL_TIME = 3,
    HK_LIMIT_HTTP_CALLS = 4
} hk_limit;

typedef enum hk_mode {
    HK_MODE_HANDLE = 0,    /* run the rule's handle(event) */
    HK_MODE_WHEN = 1,      /* run the rule's when(event); the result value is "true" or "false" */
    HK_MODE_DESCRIBE = 2   /* run the file's top level, check the rule table; the result is its JSON description */
} hk_mode;

typedef enum hk_log_level { HK_LOG_DEBUG = 0, HK_LOG_INFO = 1, HK_LOG_WARN = 2, HK_LOG_ERROR = 3 } hk_log_level;

/* ---- Workers ---------------------------------------------------------------------------------- */

/* A new sandboxed state, or NULL when memory is short. */
hk_worker *hk_worker_new(void);
void hk_worker_free(hk_worker *w);

/* Makes secret(name) answer value (present = 1) or fail with "not set" (present = 0). 0 on success. */
int hk_worker_set_secret(hk_worker *w, const char *name, const char *value, size_t len, int present);

/* Compiles a rule file (text only, never bytecode). Returns its index (>= 0), or -1 with the error
   in hk_worker_error. chunkname is the path shown in messages, e.g. "rules/x.lua". */
int hk_worker_load_rule(hk_worker *w, const char *chunkname, const char *src, size_t len);

/* Compiles a module that rules load with require(name). 0 on success, -1 with hk_worker_error. */
int hk_worker_load_module(hk_worker *w, const char *name, const char *chunkname, const char *src, size_t len);

const char *hk_worker_error(hk_worker *w, size_t *len);

/* Bytes the state holds now. */
size_t hk_worker_memory(hk_worker *w);

/* ---- Runs ------------------------------------------------------------------------------------- */

/* How hk_run_start's event bytes are written. */
typedef enum hk_event_format {
    /* JSON: one object, decoded as it is. */
    HK_EVENT_JSON = 0,
    /* Packed (what the dispatcher sends): the same fields without JSON around them, each text a
       32-bit little-endian length then its bytes (length 0xFFFFFFFF: null): id, source, type, status,
       timestamp; the attempt (32 bits); the header count, then name and value texts (names as received:
       the shim lower-cases them and keeps a repeated name's first value); the data path's
       key count, then its keys; the payload's length, then the payload as JSON. */
    HK_EVENT_PACKED = 1
} hk_event_format;

/* Starts a run of rule `rule` in `mode` with the event given in `format` (JSON: an object). When
   the event has "data_path" (a list of keys), event.data is set to that element of event.payload
   instead of being sent twice. The event is read during this call only (before the run can wait). */
hk_step hk_run_start(hk_worker *w, int rule, hk_mode mode, const char *event, size_t len, hk_event_format format,
                     hk_limits limits);

/* Resumes a run that returned HK_STEP_HTTP, after hk_response_set or hk_response_set_error. */
hk_step hk_run_resume(hk_worker *w);

/* Ends a run that waits for an HTTP answer as failed by `limit` (e.g. the wall time ran out while
   waiting). Returns HK_STEP_FAILED. */
hk_step hk_run_cancel(hk_worker *w, hk_limit limit);

/* The request of a run in HK_STEP_HTTP. Strings are not NUL-terminated; they stay valid until the
   next hk_run_* call. headers is "name\0value\0" pairs (names are HTTP tokens, values hold no CR, LF
   or NUL); timeout_ms is 0 when the rule set none. */
const char *hk_request_method(hk_worker *w, size_t *len);
const char *hk_request_url(hk_worker *w, size_t *len);
const char *hk_request_headers(hk_worker *w, size_t *len);
const char *hk_request_body(hk_worker *w, size_t *len);
uint64_t hk_request_timeout_ms(hk_worker *w);
/* The call's number in this run (1 for the first call). */
uint32_t hk_request_number(hk_worker *w);

/* The answer to hand to the run: status, headers as "name\0value\0" pairs (lower-case names), body. */
int hk_response_set(hk_worker *w, int status, const char *headers, size_t headers_len,
                    const char *body, size_t body_len);
/* A network error or timeout: the rule's http call raises `message`. */
int hk_response_set_error(hk_worker *w, const char *message, size_t len);

/* ---- Results of the last finished run ------------------------------------------------------- */

hk_limit hk_result_limit(hk_worker *w);
/* The error message (failed), the reason (skipped), or NULL. */
const char *hk_result_message(hk_worker *w, size_t *len);
/* "file:line" where the error was raised, or NULL. */
const char *hk_result_location(hk_worker *w, size_t *len);
const char *hk_result_traceback(hk_worker *w, size_t *len);
/* The JSON result of HK_MODE_WHEN and HK_MODE_DESCRIBE runs, or NULL. */
const char *hk_result_value(hk_worker *w, size_t *len);
uint64_t hk_result_instructions(hk_worker *w);
size_t hk_result_memory_peak(hk_worker *w);

/* Log lines of the current or last run (log.*, print). fields is a JSON object or NULL. */
size_t hk_log_count(hk_worker *w);
int hk_log_get(hk_worker *w, size_t i, int *level, const char **message, size_t *message_len,
               const char **fields, size_t *fields_len);
/* Log lines dropped because the run passed the log cap. */
size_t hk_log_dropped(hk_worker *w);

#endif
