import io, datetime
import openpyxl
from openpyxl.chart import BarChart, Reference
wb = openpyxl.Workbook(); ws = wb.active; ws.title = "data"
for r in [("k", "v"), ("a", 1), ("b", 2.5), ("when", datetime.datetime(2026, 12, 7))]:
    ws.append(r)
ws["C2"] = "=SUM(B2:B3)"
ch = BarChart(); ch.add_data(Reference(ws, min_col=2, min_row=1, max_row=3), titles_from_data=True); ws.add_chart(ch, "E2")
b = io.BytesIO(); wb.save(b); b.seek(0)
wb2 = openpyxl.load_workbook(b)
print(wb2.sheetnames, [[c.value for c in row] for row in wb2["data"].iter_rows()])
