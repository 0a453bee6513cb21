/*
 * hk_internal.h: what the C files of the shim share. Nothing here is seen by Swift.
 *
 * Every function declared here may raise a Lua error (longjmp). Call them only from
 * Lua-callable C functions, that is, under lua_pcall or lua_resume.
 */
#ifndef HK_INTERNAL_H
#define HK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <lua.h>
#include <lauxlib.h>

/* Keeps a rarely taken path (an error, a long number) out of its caller's hot code. */
#define HK_NOINLINE __attribute__((noinline))

/* ---- JSON <-> Lua (hk_json.c) ---------------------------------------------------------- */

/* Default nesting limit for decode and encode. */
#define HK_JSON_MAX_DEPTH 128

/* Registry key (a light userdata address) of the metatable that marks decoded arrays. */
extern const char hk_json_array_key;

/* Pushes json.null: a light userdata with the NULL address. */
void hk_json_push_null(lua_State *L);
int hk_json_isnull(lua_State *L, int idx);

/* Decodes the UTF-8 JSON text s[0..len) and pushes the value; raises on any error. */
void hk_json_decode(lua_State *L, const char *s, size_t len, int maxdepth);

/* Encodes the value at idx and pushes the JSON text as a Lua string; raises on any error. */
void hk_json_encode(lua_State *L, int idx, int maxdepth);

/* Pushes a new table {encode=, decode=, null=} and registers the array metatable. */
int hk_json_open(lua_State *L);

/* 1 when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
int hk_utf8_valid(const char *s, size_t len);

/* ---- Budgeted pattern matching (hk_pattern.c) ------------------------------------------ */

/* string.find / match / gmatch / gsub with Lua 5.4 semantics, charging their steps to the run's
   instruction budget through hk_budget_charge. */
int hk_str_find(lua_State *L);
int hk_str_match(lua_State *L);
int hk_str_gmatch(lua_State *L);
int hk_str_gsub(lua_State *L);

/* How many matcher steps are gathered before each hk_budget_charge call. */
#define HK_PATTERN_CHARGE_EVERY 1024

/* ---- Limits (hk_limits.c) --------------------------------------------------------------- */

/* Charges `steps` units of work done in C to the running run's instruction budget. When the
   budget (or the run's deadline) is spent, it ends the run the way the count hook does: it
   raises an error that the rule's own pcall cannot keep. Does nothing outside a run. */
void hk_budget_charge(lua_State *L, size_t steps);

#endif
