"""rt_sqlite: sqlite3 in a frozen program (roots.sh).

A database file in the working directory: a table, window functions, JSON,
Python functions and aggregates, a row factory, a backup to memory, a
rollback, and the errors SQLite reports. Prints nothing that depends on the
library's exact version.
"""
import os
import sqlite3

print("version", sqlite3.sqlite_version_info >= (3, 31), sqlite3.paramstyle)

con = sqlite3.connect("rt.db")
con.execute("create table score (id integer primary key, name text not null, points real)")
con.executemany("insert into score (name, points) values (?, ?)",
                [("ada", 9.5), ("brian", 7.25), ("chen", 9.5), ("dora", None), ("emil", 3.0)])
con.commit()

for row in con.execute("select name, points, rank() over (order by points desc nulls last) "
                       "from score order by id"):
    print("rank", row)
print("json", con.execute("""select json_extract('{"a": [1, 2, 3]}', '$.a[1]'), """
                          """json_array_length('[1, 2, 3, 4]')""").fetchone())
print("cte", con.execute("with recursive n(i) as (select 1 union all select i + 1 from n where i < 10) "
                         "select sum(i), group_concat(i, '-') from n").fetchone())

con.create_function("rev", 1, lambda s: s[::-1], deterministic=True)


class Spread:
    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return max(self.values) - min(self.values)


con.create_aggregate("spread", 1, Spread)
print("functions", con.execute("select rev(name), spread(points) from score where id = 2").fetchone(),
      con.execute("select spread(points) from score").fetchone())

con.row_factory = sqlite3.Row
row = con.execute("select * from score where name = ?", ("chen",)).fetchone()
print("row", row.keys(), dict(row))
con.row_factory = None

with con:
    con.execute("update score set points = points + 1")
try:
    with con:
        con.execute("delete from score")
        raise RuntimeError("undo")
except RuntimeError:
    pass
print("after rollback", con.execute("select count(*), sum(points) from score").fetchone())

memory = sqlite3.connect(":memory:")
con.backup(memory)
print("backup", memory.execute("select count(*) from score").fetchone())

for sql in ("select * from nowhere", "insert into score (name) values (null)", "select 1 +"):
    try:
        con.execute(sql)
    except sqlite3.Error as exc:
        print("error", type(exc).__name__, exc)

con.close()
memory.close()
print("file", os.path.getsize("rt.db") > 0)
os.remove("rt.db")
