#include "hk_sqlite_tuning.h"
#include <sqlite3.h>

/* SQLite's memory statistics (sqlite3_memory_used and the soft heap limit, which hookd does not
   use) take one process-wide mutex around every allocation and free SQLite makes. The one writer
   makes several per row, and a Lua worker's counter or an event loop's never shares that lock with
   it, so it is pure cost: with it off, SQLite's allocations go straight to malloc. */
int hk_sqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
