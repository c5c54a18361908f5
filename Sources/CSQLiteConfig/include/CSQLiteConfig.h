#ifndef BILAG_CSQLITECONFIG_H
#define BILAG_CSQLITECONFIG_H

/// `sqlite3_config(SQLITE_CONFIG_MEMSTATUS, on)`: SQLite's memory statistics on (1) or off (0). `sqlite3_config` is a
/// C variadic function, which Swift does not import; this is the one call bilag makes of it. SQLITE_OK (0) when set;
/// SQLITE_MISUSE (21) once SQLite is initialized (the first connection opened): call it before any.
int bilag_sqlite3_config_memstatus(int on);

#endif
