import io, os, tempfile
from pylint.lint import Run
from pylint.reporters.text import TextReporter
d = tempfile.mkdtemp(); os.chdir(d)
# astroid reads the source of what the file imports: its own module here
# (the stdlib's is not packed: bytecode only)
with open("helper.py", "w") as f:
    f.write('"""Helper."""\nVALUE = 1\n')
with open("sample.py", "w") as f:
    f.write('"""Doc."""\nimport helper\nimport sys\n\n\ndef f(a, b):\n    """Doc."""\n    x = 1\n    return a + undefined_name\n\n\nclass c:\n    pass\n')
out = io.StringIO()
r = Run(["sample.py", "--persistent=n", "--score=n", "--msg-template={path}:{line}: {msg_id} {symbol}"], reporter=TextReporter(out), exit=False)
print(out.getvalue())
print(r.linter.msg_status, sorted(r.linter._checkers)[:6])
