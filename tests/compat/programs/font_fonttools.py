import io
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
fb = FontBuilder(1000, isTTF=True)
fb.setupGlyphOrder([".notdef", "A"]); fb.setupCharacterMap({65: "A"})
pen = TTGlyphPen(None); pen.moveTo((0, 0)); pen.lineTo((500, 700)); pen.lineTo((1000, 0)); pen.closePath()
fb.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "A": pen.glyph()})
fb.setupHorizontalMetrics({".notdef": (500, 0), "A": (1000, 0)}); fb.setupHorizontalHeader(ascent=800, descent=-200)
fb.setupNameTable({"familyName": "Frozen", "styleName": "Regular"}); fb.setupOS2(); fb.setupPost()
b = io.BytesIO(); fb.save(b); b.seek(0)
f = TTFont(b)
print(sorted(f.keys()), f["name"].getDebugName(1), f.getBestCmap())
x = io.StringIO(); f.saveXML(x, tables=["hhea"]); print(x.getvalue().splitlines()[2:6])
