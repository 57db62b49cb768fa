from lark import Lark, Transformer, v_args
g = r"""
?start: sum
?sum: product | sum "+" product -> add | sum "-" product -> sub
?product: atom | product "*" atom -> mul | product "/" atom -> div
?atom: NUMBER -> number | "-" atom -> neg | NAME -> var | "(" sum ")"
%import common.CNAME -> NAME
%import common.NUMBER
%import common.WS_INLINE
%ignore WS_INLINE
"""
@v_args(inline=True)
class Calc(Transformer):
    from operator import add, sub, mul, truediv as div, neg
    number = float
    def var(self, n): return {"x": 10.0}[n]
for parser in ("lalr", "earley"):
    p = Lark(g, parser=parser, transformer=Calc() if parser == "lalr" else None)
    r = p.parse("1 + 2 * (x - 4) / 3")
    print(parser, r if parser == "lalr" else Calc().transform(r))
print(Lark(g, parser="lalr").parse("2*3").pretty())
j = Lark.open_from_package("lark", "grammars/common.lark", parser="lalr", start="SIGNED_NUMBER") if False else None
from lark.exceptions import UnexpectedInput
try:
    Lark(g, parser="lalr").parse("1 + * 2")
except UnexpectedInput as e:
    print(type(e).__name__, e.line, e.column)
