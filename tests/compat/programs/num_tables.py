import os, tempfile
import numpy as np, tables
p = os.path.join(tempfile.mkdtemp(), "t.h5")
class R(tables.IsDescription):
    name = tables.StringCol(8); v = tables.Float64Col()
with tables.open_file(p, "w") as f:
    t = f.create_table("/", "t", R, filters=tables.Filters(5, "zlib"))
    for i in range(5):
        t.row["name"] = f"n{i}"; t.row["v"] = i * 1.5; t.row.append()
    f.create_array("/", "arr", np.arange(6).reshape(2, 3))
with tables.open_file(p) as f:
    print([(r["name"], r["v"]) for r in f.root.t.where("v > 2")], f.root.arr[:].tolist())
