import chardet, charset_normalizer
samples = ["Ünïcödé text here, quite long for detection purposes".encode("utf-8"), "Привет мир, это тестовая строка для определения".encode("cp1251"), "こんにちは世界、これはテストです".encode("shift_jis")]
for s in samples:
    print(chardet.detect(s)["encoding"], charset_normalizer.from_bytes(s).best().encoding)
