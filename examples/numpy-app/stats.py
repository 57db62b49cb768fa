"""stats: a small numeric program on Debian's numpy (python3-numpy), whose C
extensions need shared libraries (libblas/libopenblas, liblapack,
libgfortran, ...) that a machine without numpy does not have. The output
is rounded so that it does not depend on the BLAS build."""
import sys

import numpy as np


def main():
    print("numpy", np.__version__)
    rng = np.random.default_rng(12345)
    sample = rng.normal(loc=10.0, scale=2.0, size=10_000)
    print(f"normal: mean {sample.mean():.2f} std {sample.std():.2f}")
    hist, edges = np.histogram(sample, bins=5, range=(4, 16))
    print("histogram:", hist.tolist(), np.round(edges, 1).tolist())

    a = np.array([[4.0, -2.0, 1.0], [-2.0, 4.0, -2.0], [1.0, -2.0, 4.0]])
    b = np.array([11.0, -16.0, 17.0])
    x = np.linalg.solve(a, b)                        # LAPACK gesv
    print("solve:", np.round(x, 6).tolist())
    print("det:", round(float(np.linalg.det(a)), 6))
    w = np.linalg.eigvalsh(a)                        # LAPACK syevd
    print("eigenvalues:", np.round(w, 6).tolist())
    m = rng.random((200, 200))
    print("matmul symmetric:", bool(np.allclose(m @ m.T, (m @ m.T).T)))   # BLAS gemm
    print("fft:", np.round(np.abs(np.fft.fft([1, 0, -1, 0, 1, 0, -1, 0])), 6).tolist())
    poly = np.polynomial.Polynomial.fit([0, 1, 2, 3], [1, 3, 7, 13], deg=2)
    print("polyfit:", np.round(poly.convert().coef, 6).tolist())
    s = np.array(["b", "a", "c"], dtype="U1")
    print("strings:", np.sort(s).tolist(), np.char.upper(s).tolist())
    try:
        np.linalg.inv(np.zeros((2, 2)))
    except np.linalg.LinAlgError as e:
        print("LinAlgError:", e)
    return 0


if __name__ == "__main__":
    sys.exit(main())
