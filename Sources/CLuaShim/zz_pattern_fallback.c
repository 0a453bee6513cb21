/* TEMPORARY until hk_pattern.c lands: forwards to Lua's own matcher. */
#include "hk_internal.h"
static int forward(lua_State *L, const char *name) {
    int n = lua_gettop(L);
    lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_getfield(L, -1, "string");
    lua_getfield(L, -1, name);
    lua_replace(L, -3);
    lua_pop(L, 1);
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}
int hk_str_find(lua_State *L) { return forward(L, "find"); }
int hk_str_match(lua_State *L) { return forward(L, "match"); }
int hk_str_gmatch(lua_State *L) { return forward(L, "gmatch"); }
int hk_str_gsub(lua_State *L) { return forward(L, "gsub"); }
