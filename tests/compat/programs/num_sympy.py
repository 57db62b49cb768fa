import sympy as sp
x, y = sp.symbols("x y")
print(sp.solve(x**2 - 2, x), sp.integrate(sp.sin(x) * sp.exp(x), x))
print(sp.latex(sp.Integral(sp.sqrt(x), (x, 0, 1))), sp.series(sp.cos(x), x, 0, 6))
print(sp.Matrix([[1, 2], [3, 4]]).inv(), sp.factorint(2**32 + 1), sp.pretty(sp.Rational(1, 3) + x, use_unicode=True))
print(sp.lambdify(x, x**2 + 1)(3), sp.simplify(sp.sin(x)**2 + sp.cos(x)**2))
