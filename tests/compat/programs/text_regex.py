import regex
print(regex.findall(r"\p{Lu}\p{Ll}+", "Hello Wörld Ärger x"))
print(regex.match(r"(?<word>\w+)(?:\s+(?&word))*", "a bb ccc").capturesdict())
print(regex.sub(r"(?i)straße", "X", "STRASSE Straße", flags=regex.FULLCASE))
print(regex.search(r"(?e)(dog){e<=1}", "the dgo").group(0), regex.fullmatch(r"\X+", "e\u0301a") is not None)
print(regex.split(r"(?V1)\b", "a-b c"), regex.escape("a.b*"))
print(regex.findall(r"(?r)\d", "a1b2c3"), regex.__version__ > "2")
