from lxml import etree, html, objectify
root = etree.fromstring("<r><i n='1'>a</i><i n='2'>b</i></r>")
print(root.xpath("//i[@n='2']/text()"), etree.tostring(root, pretty_print=True).decode())
xslt = etree.XSLT(etree.fromstring('<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:template match="/"><o><xsl:value-of select="count(//i)"/></o></xsl:template></xsl:stylesheet>'))
print(str(xslt(root)).strip())
print(html.fromstring("<div><a href='/x'>l</a></div>").xpath("//a/@href"))
print(objectify.fromstring("<a><b>3</b></a>").b + 1)
schema = etree.XMLSchema(etree.fromstring('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="a" type="xs:int"/></xs:schema>'))
print(schema.validate(etree.fromstring("<a>5</a>")), schema.validate(etree.fromstring("<a>x</a>")))
