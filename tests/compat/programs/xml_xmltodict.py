import xmltodict, json
d = xmltodict.parse("<root a='1'><x>1</x><x>2</x><y/></root>")
print(json.dumps(d, sort_keys=True))
print(xmltodict.unparse(d, pretty=True))
