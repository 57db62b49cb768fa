import numpy as np, numexpr as ne
a = np.arange(10.0); b = a[::-1].copy()
print(ne.evaluate("2*a + 3*b**2 - sin(a)").round(6))
print(ne.evaluate("sum(where(a > b, a, b))"), ne.__version__)
