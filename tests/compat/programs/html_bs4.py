from bs4 import BeautifulSoup
html = "<html><body><p class='a'>One<b>two</b></p><p>3 &amp; 4<br></body>"
for parser in ("html.parser", "lxml", "html5lib", "xml"):
    s = BeautifulSoup(html, parser)
    print(parser, [p.get_text() for p in s.find_all("p")], s.select_one("p.a b"))
