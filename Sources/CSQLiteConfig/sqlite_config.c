#include <sqlite3.h>
#include "CSQLiteConfig.h"

int bilag_sqlite3_config_memstatus(int on) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, on);
}
