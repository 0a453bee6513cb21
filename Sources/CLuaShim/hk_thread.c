/*
 * hk_thread.c: names the calling thread as the system shows it (top, /proc/PID/task/TID/comm), so a
 * Lua worker's CPU time can be told apart from the rest of the process. Swift's Glibc module does
 * not export pthread_setname_np.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <string.h>
#include "hookd_lua.h"

void hk_thread_set_name(const char *name) {
    char shortened[16];
    strncpy(shortened, name, sizeof shortened - 1);
    shortened[sizeof shortened - 1] = '\0';
    pthread_setname_np(pthread_self(), shortened);
}
