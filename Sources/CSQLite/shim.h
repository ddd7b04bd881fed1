#include <sqlite3.h>

/// Turns off SQLite's memory statistics, which take a global mutex on every allocation (sqlite3_config is
/// variadic, so Swift cannot call it). Must run before the library initialises; returns SQLITE_MISUSE after.
static inline int wokmanager_sqlite3_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
