import rdflib
from rdflib import Graph, Literal, URIRef, Namespace
from rdflib.namespace import FOAF, RDF
ttl = """@prefix ex: <http://example.org/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
ex:alice a foaf:Person ; foaf:name "Alice" ; foaf:knows ex:bob .
ex:bob a foaf:Person ; foaf:name "Bob"@en ; foaf:age 42 ."""
g = Graph(); g.parse(data=ttl, format="turtle")
print(len(g), sorted(str(o) for o in g.objects(None, FOAF.name)))
q = g.query("SELECT ?n WHERE { ?p foaf:knows ?q . ?q foaf:name ?n }", initNs={"foaf": FOAF})
print([str(r.n) for r in q])
for fmt in ("nt", "xml", "json-ld", "trig", "n3"):
    out = g.serialize(format=fmt)
    g2 = Graph().parse(data=out, format=fmt)
    print(fmt, len(out) > 100, len(g2) == len(g))
print(sorted(str(x) for x in g.subjects(RDF.type, FOAF.Person)), Literal(42).toPython() + 1)
