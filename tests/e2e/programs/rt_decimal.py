"""rt_decimal: decimal (the C module _decimal, libmpdec) in a frozen program
(roots.sh): precision, the math functions, rounding, signals and traps,
formatting, and the conversions to and from other numbers.
"""
import decimal
import fractions
from decimal import Decimal, localcontext

import _decimal

print("C module", decimal.Decimal is _decimal.Decimal, decimal.MAX_PREC > 10**9)

with localcontext() as ctx:
    ctx.prec = 50
    print("1/7", Decimal(1) / Decimal(7))
    print("sqrt 2", Decimal(2).sqrt())
    print("ln 10", Decimal(10).ln())
    print("exp 1", Decimal(1).exp())
    print("log10 2", Decimal(2).log10())
    print("power", Decimal("1.0001") ** 10000)
with localcontext() as ctx:
    ctx.prec = 400
    print("2**1000", Decimal(2) ** 1000)

for rounding in (decimal.ROUND_HALF_EVEN, decimal.ROUND_HALF_UP, decimal.ROUND_DOWN, decimal.ROUND_CEILING):
    print(rounding, [str(Decimal(v).quantize(Decimal("0.01"), rounding=rounding))
                     for v in ("2.675", "2.665", "-2.675", "0.005")])

print("sum", sum(Decimal("0.1") for _ in range(10)), sum(0.1 for _ in range(10)))
print("from float", Decimal(0.1))
print("ratio", Decimal("3.75").as_integer_ratio(), fractions.Fraction(Decimal("-0.125")))
print("format", format(Decimal("1234567.891"), ",.2f"), format(Decimal("0.000123"), ".3e"),
      format(Decimal("-12.5"), ">+10.1%"))
print("special", Decimal("NaN").is_nan(), Decimal("-Infinity") < 0, Decimal("-0") == 0, Decimal("1E+2").normalize())

with localcontext() as ctx:
    ctx.traps[decimal.Inexact] = False
    ctx.clear_flags()
    Decimal(1) / Decimal(3)
    print("flags", sorted(name.__name__ for name, on in ctx.flags.items() if on))

for expression in ("Decimal(1) / 0", "Decimal('1e999999999') * 10", "Decimal('NaN') < 1",
                   "Decimal('abc')", "Decimal(2).sqrt().to_integral_exact(context=decimal.Context(traps=[decimal.Inexact]))"):
    try:
        eval(expression)
    except decimal.DecimalException as exc:
        print("signal", expression, [cls.__name__ for cls in type(exc).__mro__[:2]])

with localcontext(decimal.Context(prec=5, Emax=10, Emin=-10, capitals=0, clamp=1)) as ctx:
    print("context", Decimal("123456789") + 0, ctx.create_decimal("1e-12"), ctx.Etiny())
