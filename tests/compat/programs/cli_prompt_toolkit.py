from prompt_toolkit import HTML, print_formatted_text
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.shortcuts import PromptSession
from prompt_toolkit.completion import WordCompleter
from prompt_toolkit.formatted_text import to_formatted_text, fragment_list_to_text
from prompt_toolkit.document import Document
from prompt_toolkit.validation import Validator
print(fragment_list_to_text(to_formatted_text(HTML("<b>bold</b> <ansired>red</ansired>"))))
comp = WordCompleter(["apple", "apricot", "banana"])
print([c.text for c in comp.get_completions(Document("ap"), None)])
with create_pipe_input() as inp:
    inp.send_text("hello world\nsecond\n")
    s = PromptSession(input=inp, output=DummyOutput())
    print(repr(s.prompt("> ")), repr(s.prompt("> ", validator=Validator.from_callable(lambda t: len(t) > 2))))
d = Document("line one\nline two", cursor_position=12)
print(d.cursor_position_row, d.cursor_position_col, d.current_line, d.get_word_before_cursor())
