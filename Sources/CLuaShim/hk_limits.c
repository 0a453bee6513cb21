/*
 * hk_limits.c: the limits a rule cannot catch.
 *
 * The count hook charges instructions and checks the deadline. When a limit is spent it yields the
 * run's coroutine if it can (a yield passes through every pcall, so the rule cannot keep it); where
 * Lua cannot yield (a table.sort comparator, a metamethod) it raises and re-arms itself to fire on
 * every instruction, so any pcall that catches the error is interrupted again at once.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "hk_worker.h"

uint64_t hk_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Arms the hook of the run's coroutine for the next slice of the instruction budget. */
void hk_arm_hook(hk_worker *w) {
    uint64_t slice = HK_HOOK_EVERY;
    if (w->limits.instructions > 0) {
        uint64_t left = w->limits.instructions > w->instr_used ? w->limits.instructions - w->instr_used : 1;
        if (left < slice) slice = left;
    }
    w->hook_count = (int)slice;
    lua_sethook(w->co, hk_hook, LUA_MASKCOUNT, w->hook_count);
}

static void format_size(uint64_t bytes, char *buf, size_t size) {
    if (bytes % (1024 * 1024) == 0) snprintf(buf, size, "%llu MiB", (unsigned long long)(bytes / (1024 * 1024)));
    else if (bytes % 1024 == 0) snprintf(buf, size, "%llu KiB", (unsigned long long)(bytes / 1024));
    else snprintf(buf, size, "%llu bytes", (unsigned long long)bytes);
}

static void format_duration(uint64_t ns, char *buf, size_t size) {
    if (ns % 1000000000ull == 0) snprintf(buf, size, "%llus", (unsigned long long)(ns / 1000000000ull));
    else snprintf(buf, size, "%llums", (unsigned long long)(ns / 1000000ull));
}

/* The message for w->limit, e.g. "instruction limit of 10000000 exceeded". */
void hk_limit_message(hk_worker *w, char *buf, size_t size) {
    char amount[64];
    switch (w->limit) {
    case HK_LIMIT_INSTRUCTIONS:
        snprintf(buf, size, "instruction limit of %llu exceeded", (unsigned long long)w->limits.instructions);
        break;
    case HK_LIMIT_MEMORY:
        format_size(w->limits.memory, amount, sizeof amount);
        snprintf(buf, size, "memory limit of %s exceeded", amount);
        break;
    case HK_LIMIT_WALL_TIME:
        format_duration(w->limits.wall_ns, amount, sizeof amount);
        snprintf(buf, size, "wall time limit of %s exceeded", amount);
        break;
    case HK_LIMIT_HTTP_CALLS:
        snprintf(buf, size, "http call limit of %u exceeded", (unsigned)w->limits.http_calls);
        break;
    default:
        snprintf(buf, size, "run ended");
    }
}

/* Records where the run was when a limit struck: the innermost frame of a rule file. */
static void record_where(hk_worker *w, lua_State *L) {
    lua_Debug ar;
    for (int level = 0; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar)) break;
        if (ar.source && ar.source[0] == '@' && ar.currentline > 0) {
            char buf[512];
            int n = snprintf(buf, sizeof buf, "%s:%d", ar.source + 1, ar.currentline);
            if (n > 0) hk_bytes_set(&w->where, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
            return;
        }
    }
}

int hk_terminate(lua_State *L) {
    hk_worker *w = hk_worker_of(L);
    if (w->where.len == 0) record_where(w, L);
    /* Leave room to unwind: the run is over, but raising and tracebacks allocate. */
    if (w->cap != SIZE_MAX) w->cap = w->used + 1024 * 1024;
    if (lua_isyieldable(L)) return lua_yield(L, 0);
    lua_sethook(L, hk_hook, LUA_MASKCOUNT, 1);
    if (w->skipped) return luaL_error(L, "skip");
    char msg[128];
    hk_limit_message(w, msg, sizeof msg);
    return luaL_error(L, "%s", msg);
}

/* Which limit, if any, the run has now spent. */
static hk_limit spent_limit(hk_worker *w) {
    if (w->mem_hit) return HK_LIMIT_MEMORY;
    if (w->limits.instructions > 0 && w->instr_used >= w->limits.instructions) return HK_LIMIT_INSTRUCTIONS;
    if (w->deadline_ns != 0 && hk_now_ns() >= w->deadline_ns) return HK_LIMIT_WALL_TIME;
    return HK_LIMIT_NONE;
}

void hk_hook(lua_State *L, lua_Debug *ar) {
    hk_worker *w = hk_worker_of(L);
    if (w == NULL || !w->running) return;
    if (w->limit == HK_LIMIT_NONE && !w->skipped) {
        w->instr_used += (uint64_t)w->hook_count;
        hk_limit spent = spent_limit(w);
        if (spent == HK_LIMIT_NONE) {
            hk_arm_hook(w);
            return;
        }
        w->limit = spent;
    }
    /* From a hook, lua_yield returns and the hook must return right after it. */
    if (lua_isyieldable(L)) {
        if (w->where.len == 0) record_where(w, L);
        if (w->cap != SIZE_MAX) w->cap = w->used + 1024 * 1024;
        lua_yield(L, 0);
        return;
    }
    hk_terminate(L);
}

void hk_budget_charge(lua_State *L, size_t steps) {
    hk_worker *w = hk_worker_of(L);
    if (w == NULL || !w->running) return;
    if (w->limit == HK_LIMIT_NONE && !w->skipped) {
        w->instr_used += steps;
        hk_limit spent = spent_limit(w);
        if (spent == HK_LIMIT_NONE) return;
        w->limit = spent;
    }
    hk_terminate(L);
}
