import isort, autopep8
src = "import sys\nimport os, json\nfrom collections import OrderedDict, defaultdict\nimport requests\nimport numpy as np\nfrom . import local\n"
print(isort.code(src))
print(isort.code(src, profile="black", force_single_line=True))
print(isort.check_code(src), sorted(isort.settings.profiles)[:4] if hasattr(isort.settings, "profiles") else "")
print(autopep8.fix_code("x=1;y = 2\ndef f( a ):\n  return a+1\nif x == None : pass\n", options={"aggressive": 1}))
