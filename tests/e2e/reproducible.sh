#!/bin/bash
# e2e/reproducible: the same inputs give a byte-identical executable, also
# when the sources sit in another directory (no build paths in the output).
source "$(dirname "$0")/lib.sh"
require_built

freeze "$T/a/logreport.py" "$EXAMPLES/cli/logreport.py" || finish
freeze "$T/b/logreport.py" "$EXAMPLES/cli/logreport.py" || finish
if cmp "$T/a/logreport.py" "$T/b/logreport.py"; then
    pass "two freezes of the same script are identical"
else
    fail "two freezes of the same script differ"
fi
mkdir -p "$T/elsewhere/deeper"
cp "$EXAMPLES/cli/logreport.py" "$T/elsewhere/deeper/"
(cd "$T/elsewhere" && freeze "$T/c/logreport.py" deeper/logreport.py) || finish
if cmp "$T/a/logreport.py" "$T/c/logreport.py"; then
    pass "a freeze from a copy in another directory is identical"
else
    fail "the freeze depends on the source's directory"
    strings -n 8 "$T/c/logreport.py" | grep -F "$T/elsewhere" | head -3 | sed 's/^/    /' >&2
fi
# SOURCE_DATE_EPOCH sets the tar times; with it the output is still stable.
SOURCE_DATE_EPOCH=1700000000 freeze "$T/d/logreport.py" "$EXAMPLES/cli/logreport.py" || finish
SOURCE_DATE_EPOCH=1700000000 freeze "$T/e/logreport.py" "$EXAMPLES/cli/logreport.py" || finish
if cmp "$T/d/logreport.py" "$T/e/logreport.py"; then
    pass "with SOURCE_DATE_EPOCH set, freezes are identical"
else
    fail "with SOURCE_DATE_EPOCH set, freezes differ"
fi
finish
