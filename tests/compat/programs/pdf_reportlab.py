import io, hashlib
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import SimpleDocTemplate, Paragraph, Table
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.graphics.barcode import qr
from reportlab import rl_config
import reportlab
pdfmetrics.registerFont(TTFont("Vera", "DejaVuSans.ttf"))
print(pdfmetrics.stringWidth("Hello", "Helvetica", 12), pdfmetrics.stringWidth("Hello", "Vera", 12), pdfmetrics.stringWidth("Hello", "Times-Bold", 10))
buf = io.BytesIO()
c = canvas.Canvas(buf, pagesize=A4, invariant=1)
c.setFont("Vera", 14); c.drawString(72, 800, "Héllo Vera"); c.setFont("Courier", 10); c.drawString(72, 780, "courier")
c.showPage(); c.save()
print(len(buf.getvalue()) > 1000, hashlib.md5(buf.getvalue()).hexdigest())
buf2 = io.BytesIO(); doc = SimpleDocTemplate(buf2, invariant=1)
ss = getSampleStyleSheet()
doc.build([Paragraph("Title <b>bold</b>", ss["Title"]), Table([["a", "b"], [1, 2]])])
print(hashlib.md5(buf2.getvalue()).hexdigest())
d = Drawing(100, 100); d.add(Rect(10, 10, 50, 50)); d.add(qr.QrCodeWidget("hi"))
from reportlab.graphics import renderPDF
print(len(renderPDF.drawToString(d)) > 100, reportlab.Version.count("."))
