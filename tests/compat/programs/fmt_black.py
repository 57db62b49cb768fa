import black
src = "def f(a,b = 1 , *args):\n  x = {'a':1,'b':[1,2,3]}\n  return (a+b)\nclass  C( object ) :\n    def g(self): return lambda y : y**2\n"
print(black.format_str(src, mode=black.Mode()))
print(black.format_str("print ( 'x' )\n", mode=black.Mode(line_length=40, string_normalization=False)))
try:
    black.format_str("def (:\n", mode=black.Mode())
except black.InvalidInput as e:
    print("invalid:", str(e).split(":")[0])
