"""cpu/floats: float arithmetic and math functions (an n-body step, a
Mandelbrot row)."""
import math
import sys


def mandel_row(y, width):
    out = 0
    for x in range(width):
        c = complex(-2.0 + 3.0 * x / width, -1.5 + 3.0 * y / width)
        z = 0j
        for k in range(50):
            z = z * z + c
            if abs(z) > 2.0:
                break
        out += k
    return out


def nbody(steps):
    bodies = [[float(i), float(i * 2), float(i * 3), 0.1 * i, 0.2, 0.3, 1.0 + i] for i in range(5)]
    for _ in range(steps):
        for i, a in enumerate(bodies):
            for b in bodies[i + 1:]:
                dx, dy, dz = a[0] - b[0], a[1] - b[1], a[2] - b[2]
                d2 = dx * dx + dy * dy + dz * dz + 0.01
                mag = 0.01 / (d2 * math.sqrt(d2))
                a[3] -= dx * b[6] * mag
                b[3] += dx * a[6] * mag
        for a in bodies:
            a[0] += 0.01 * a[3]
    return sum(a[0] for a in bodies)


def work(scale):
    total = 0.0
    for i in range(scale):
        total += mandel_row(i % 60, 60) + nbody(40) + math.fsum(math.sin(j) for j in range(200))
    return round(total, 3)


print(work(int(sys.argv[1]) if len(sys.argv) > 1 else 800))
