import numpy as np
rng = np.random.default_rng(1)
a = rng.standard_normal((4, 4))
print(np.round(np.linalg.inv(a) @ a, 6))
print(np.fft.rfft([1, 2, 3, 4]), np.polyfit([0, 1, 2], [1, 3, 5], 1).round(6))
print(np.array(["a", "b"]).astype("U3").dtype, np.datetime64("2026-12-07") + 3, np.__version__)
np.savez(__import__("io").BytesIO(), a=a)
print(np.einsum("ij,ji->", a, a).round(6))
