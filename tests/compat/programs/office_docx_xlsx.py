import io, zipfile, docx, xlsxwriter
from docx.shared import Pt
d = docx.Document()
d.add_heading("Report", 0); p = d.add_paragraph("Hello "); p.add_run("bold").bold = True
t = d.add_table(rows=2, cols=2); t.cell(0, 0).text = "a"; t.cell(1, 1).text = "z"
d.styles["Normal"].font.size = Pt(11)
b = io.BytesIO(); d.save(b)
d2 = docx.Document(io.BytesIO(b.getvalue()))
print([x.text for x in d2.paragraphs], [c.text for c in d2.tables[0]._cells], len(d2.styles) > 50)
print(sorted(zipfile.ZipFile(io.BytesIO(b.getvalue())).namelist())[:5])
xb = io.BytesIO(); wb = xlsxwriter.Workbook(xb, {"in_memory": True})
ws = wb.add_worksheet("S"); ws.write_row(0, 0, ["x", "y"]); ws.write_column(1, 0, [1, 2, 3]); ws.write_formula("B2", "=SUM(A2:A4)")
ch = wb.add_chart({"type": "line"}); ch.add_series({"values": "=S!$A$2:$A$4"}); ws.insert_chart("D2", ch); wb.close()
print(sorted(zipfile.ZipFile(io.BytesIO(xb.getvalue())).namelist()))
