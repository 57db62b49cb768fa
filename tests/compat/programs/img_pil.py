import io, hashlib
from PIL import Image, ImageDraw, ImageFont, ImageFilter, ImageOps
im = Image.new("RGB", (64, 32), "white")
d = ImageDraw.Draw(im)
d.rectangle([2, 2, 30, 30], outline="red", fill="#00ff00"); d.text((33, 10), "Hi", fill="black", font=ImageFont.load_default())
im = ImageOps.mirror(im.filter(ImageFilter.GaussianBlur(1)))
for fmt in ("PNG", "JPEG", "GIF", "WEBP", "TIFF", "BMP"):
    b = io.BytesIO(); im.save(b, fmt); b.seek(0)
    print(fmt, Image.open(b).size, Image.open(b).mode)
print(hashlib.md5(im.tobytes()).hexdigest())
