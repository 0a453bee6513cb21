#ifndef HK_SQLITE_TUNING_H
#define HK_SQLITE_TUNING_H

/* Process-wide SQLite settings that only sqlite3_config() can make (a C variadic function, which
   Swift cannot call). Call before the first connection opens: once SQLite is initialized,
   sqlite3_config() refuses, and this returns that refusal (SQLITE_MISUSE). 0 when applied. */
int hk_sqlite_disable_memory_statistics(void);

/* Fixed malloc trim and mmap thresholds (glibc's mallopt), so that the writer's arena does not give
   pages back to the kernel after each transaction only to fault them in again. 0 when applied. */
int hk_malloc_keep_freed_memory(void);

#endif
