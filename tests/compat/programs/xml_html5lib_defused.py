import html5lib, defusedxml.ElementTree as DET, defusedxml
doc = html5lib.parse("<p>un<b>closed", treebuilder="etree", namespaceHTMLElements=False)
print([e.tag for e in doc.iter()])
print(html5lib.serialize(doc, tree="etree"))
print(DET.fromstring("<a><b>x</b></a>").find("b").text)
try:
    DET.fromstring('<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>')
except defusedxml.EntitiesForbidden as e:
    print("forbidden", type(e).__name__)
