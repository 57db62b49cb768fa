import io
from odf.opendocument import OpenDocumentText, OpenDocumentSpreadsheet, load
from odf.text import P, H
from odf.table import Table, TableRow, TableCell
doc = OpenDocumentText(); doc.text.addElement(H(outlinelevel=1, text="Title")); doc.text.addElement(P(text="para"))
b = io.BytesIO(); doc.write(b); b.seek(0)
d2 = load(b); print([str(e) for e in d2.getElementsByType(P)], d2.mimetype)
s = OpenDocumentSpreadsheet(); t = Table(name="S"); r = TableRow(); c = TableCell(valuetype="float", value=3); c.addElement(P(text="3")); r.addElement(c); t.addElement(r); s.spreadsheet.addElement(t)
b2 = io.BytesIO(); s.write(b2); print(len(b2.getvalue()) > 500)
