#!/bin/bash
# Builds libsqlite3 as a static, position-independent library in the prefix
# (only _sqlite3 uses it), with the options Debian enables that Python users
# meet (FTS3/4/5, R*Tree, column metadata). Runs inside the root; tclsh
# generates the amalgamation. Usage: build-sqlite.sh SOURCE-DIR
set -euo pipefail
cd "$1"
CFLAGS="-O2 -DSQLITE_ENABLE_FTS3 -DSQLITE_ENABLE_FTS3_PARENTHESIS -DSQLITE_ENABLE_FTS4 \
-DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_RTREE -DSQLITE_ENABLE_COLUMN_METADATA \
-DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_SECURE_DELETE" \
./configure --prefix="$PVM_PREFIX" --disable-shared --enable-static --with-pic \
    --disable-tcl --disable-readline --disable-editline
make -j"$PVM_JOBS" libsqlite3.la
make lib_install
install -m 644 sqlite3.h src/sqlite3ext.h "$PVM_PREFIX/include/"
install -D -m 644 sqlite3.pc "$PVM_PREFIX/lib/pkgconfig/sqlite3.pc"
