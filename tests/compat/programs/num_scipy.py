from scipy import stats, optimize, integrate, linalg, sparse, interpolate, signal
import numpy as np
print(round(stats.norm.cdf(1.96), 6), stats.ttest_ind([1, 2, 3, 4], [2, 3, 4, 9]).pvalue.round(6))
print(optimize.minimize(lambda x: (x[0] - 3) ** 2 + 1, [0]).x.round(4))
print(round(integrate.quad(np.sin, 0, np.pi)[0], 8))
print(round(float(linalg.det(np.array([[1, 2], [3, 4]]))), 6), sparse.identity(3).nnz)
print(interpolate.interp1d([0, 1, 2], [0, 1, 4])(1.5), signal.convolve([1, 2], [1, 1]))
