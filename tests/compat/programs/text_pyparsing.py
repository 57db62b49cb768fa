import pyparsing as pp
integer = pp.pyparsing_common.signed_integer
ident = pp.Word(pp.alphas + "_", pp.alphanums + "_")
expr = pp.infix_notation(integer | ident, [(pp.one_of("* /"), 2, pp.OpAssoc.LEFT), (pp.one_of("+ -"), 2, pp.OpAssoc.LEFT)])
print(expr.parse_string("1 + 2 * x - -3").as_list())
kv = pp.Dict(pp.OneOrMore(pp.Group(ident + pp.Suppress("=") + (integer | pp.QuotedString('"')))))
r = kv.parse_string('a=1 b="two" c=3'); print(r.as_dict(), r["b"])
try:
    integer.parse_string("abc")
except pp.ParseException as e:
    print(e)
print(pp.pyparsing_common.ipv4_address.search_string("x 10.0.0.1 y 1.2.3.4").as_list())
print(pp.__version__ > "3")
