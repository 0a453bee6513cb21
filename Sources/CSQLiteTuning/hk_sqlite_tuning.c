#include "hk_sqlite_tuning.h"
#include <malloc.h>
#include <sqlite3.h>

/* SQLite's memory statistics (sqlite3_memory_used and the soft heap limit, which hookd does not
   use) take one process-wide mutex around every allocation and free SQLite makes. The one writer
   makes several per row, and a Lua worker's counter or an event loop's never shares that lock with
   it, so it is pure cost: with it off, SQLite's allocations go straight to malloc. */
int hk_sqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* glibc returns the top of a thread's malloc arena to the kernel (madvise) once more than the trim
   threshold is free there, and until a large block has been freed that threshold is 128 KiB. The
   writer's allocations per transaction can sit just around it: then every transaction gives pages
   back and faults them in again. In the run-path benchmark with the v4 schema that was about one
   madvise per event, and twice the writer's CPU per accepted event (46-53 us instead of 24-31).
   Fixed thresholds keep up to 8 MiB free per arena, and put blocks of 1 MiB and more (bodies near
   max_body) in mappings of their own. */
int hk_malloc_keep_freed_memory(void) {
    int trim = mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
    int mmap = mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
    return trim == 1 && mmap == 1 ? 0 : -1;
}
