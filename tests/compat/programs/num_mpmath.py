import mpmath
mpmath.mp.dps = 50
print(mpmath.pi, mpmath.zeta(3), mpmath.quad(mpmath.exp, [0, 1]))
print(mpmath.findroot(lambda x: x**3 - 2, 1), mpmath.matrix([[1, 2], [3, 4]]) ** -1)
