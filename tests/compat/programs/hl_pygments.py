from pygments import highlight
from pygments.lexers import get_lexer_by_name, guess_lexer_for_filename
from pygments.formatters import HtmlFormatter, TerminalFormatter, get_formatter_by_name
from pygments.styles import get_style_by_name, get_all_styles
code = "def f(x):\n    return x + 1  # c\n"
print(highlight(code, get_lexer_by_name("python"), HtmlFormatter(style="monokai")))
print(repr(highlight(code, guess_lexer_for_filename("a.rs", "fn main() {}"), TerminalFormatter())))
print(get_formatter_by_name("latex").name, get_style_by_name("friendly").background_color, len(sorted(get_all_styles())) > 10)
print(HtmlFormatter(style="default").get_style_defs(".hl").splitlines()[:3])
