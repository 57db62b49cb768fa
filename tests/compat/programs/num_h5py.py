import h5py, numpy as np, tempfile, os
p = os.path.join(tempfile.mkdtemp(), "d.h5")
with h5py.File(p, "w") as f:
    g = f.create_group("grp"); g.attrs["units"] = "m/s"
    ds = g.create_dataset("vals", data=np.arange(24, dtype="f8").reshape(4, 6), compression="gzip", chunks=(2, 3))
    f.create_dataset("strs", data=np.array([b"ab", b"cde"]))
    f["link"] = h5py.SoftLink("/grp/vals")
    ds.attrs["created"] = 2026
with h5py.File(p, "r") as f:
    v = f["grp/vals"]
    print(v.shape, v.dtype, v.compression, v.chunks, v[1:3, ::2].tolist())
    print(dict(f["grp"].attrs), f["link"][0, :3], list(f["strs"][:]))
    names = []; f.visit(names.append); print(names)
print(h5py.version.hdf5_version.count("."), h5py.h5.get_config().lzf if hasattr(h5py.h5.get_config(), "lzf") else "")
