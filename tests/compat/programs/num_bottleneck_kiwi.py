import numpy as np, bottleneck as bn, kiwisolver as kiwi, contourpy
a = np.array([1.0, np.nan, 3.0, 4.0])
print(bn.nanmean(a), bn.move_mean(a, 2, min_count=1).tolist())
x = kiwi.Variable("x"); s = kiwi.Solver(); s.addConstraint(x >= 10); s.addConstraint((x == 5) | "weak"); s.updateVariables(); print(x.value())
z = np.add.outer(np.arange(4.0), np.arange(4.0))
print([l.round(3).tolist() for l in contourpy.contour_generator(z=z).lines(2.5)])
