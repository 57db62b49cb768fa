#!/bin/bash
# e2e/deb: `cpack -G DEB` (cmake/Package.cmake) makes a .deb of pyfreeze whose
# control fields name its dependencies (python3.11, and the libraries'
# packages dpkg-shlibdeps finds: libarchive13, libzstd1, libelf1) and whose
# files are the installed layout (bin/pyfreeze, lib/pyfreeze/ with the stubs
# and the PVM's stdlib, lib/cmake/pyfreeze/). Then `dpkg -i` installs it in a
# throwaway root: an overlay of / whose writes go to a tmpfs, in a mount
# namespace of the test's own (the machine's dpkg database and /usr are
# never written); there /usr/bin/pyfreeze freezes a program, the build
# tree's PVM stdlib hidden, and the program's output equals python3.11 -I's.
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox
# The package is what the normal build installs; a sanitizer build's package
# would only add minutes of packing (its C code runs under ASan in the other
# install tests: e2e/install, e2e/cmake-package).
[[ ${PF_SANITIZE:-0} == 1 ]] && skip_test "runs in the normal build only (packaging, no C code of its own)"
command -v cpack >/dev/null && command -v dpkg-shlibdeps >/dev/null ||
    skip_test "cpack or dpkg-shlibdeps (dpkg-dev) is not installed"

if ! cpack -G DEB --config "$PF_BUILD_DIR/CPackConfig.cmake" -B "$T/pkg" >"$T/cpack.log" 2>&1; then
    fail "cpack -G DEB failed:"
    sed 's/^/    /' "$T/cpack.log" >&2
    finish
fi
deb=$(ls "$T"/pkg/pyfreeze_*_amd64.deb 2>/dev/null | head -n 1)
[[ -f $deb ]] && pass "cpack -G DEB wrote $(basename "$deb")" || { fail "no .deb in $T/pkg"; finish; }

dpkg-deb -f "$deb" Package Depends >"$T/control" 2>&1
depends=$(sed -n 's/^Depends: //p' "$T/control")
for pkg in python3.11 libarchive13 libzstd1 libelf1 libc6; do
    [[ ",$depends," =~ [,\ ]$pkg[\ ,] ]] && pass "Depends names $pkg" ||
        fail "Depends does not name $pkg: $depends"
done
expect_no_grep "Depends names no library of the PVM's own (packed, never loaded by the host)" \
    "$T/control" "libncurses|libssl|libsqlite"
dpkg-deb -c "$deb" | awk '{ print $NF }' >"$T/files"
want=(./usr/bin/pyfreeze ./usr/lib/pyfreeze/pyfreeze-stub ./usr/lib/pyfreeze/pyfreeze-stub-pie
    ./usr/lib/cmake/pyfreeze/pyfreezeConfig.cmake ./usr/lib/cmake/pyfreeze/pyfreezeConfigVersion.cmake)
[[ -n ${PF_PVM_STDLIB_DIR:-} ]] && want+=(./usr/lib/pyfreeze/pvm/lib/python3.11/os.py
    ./usr/lib/pyfreeze/pvm/pvm-libraries.json)
for f in "${want[@]}"; do
    grep -qxF -- "$f" "$T/files" && pass "the package has $f" || fail "the package has no $f"
done

# The throwaway root. Its /tmp is the overlay's (upper: $T/ovl/upper/tmp).
mkdir -p "$T/ovl"
printf 'import sys, json\nprint("Hello from", json.dumps({"pkg": "deb"}), sys.argv[1:])\n' >"$T/hello.py"
unshare -m bash -c '
    set -e
    o=$1 deb=$2 hello=$3 pvm=$4
    mount -t tmpfs none "$o"
    mkdir "$o/upper" "$o/work" "$o/root"
    mount -t overlay overlay -o "lowerdir=/,upperdir=$o/upper,workdir=$o/work" "$o/root"
    mount --rbind /proc "$o/root/proc"
    mount --rbind /dev "$o/root/dev"
    if [[ -n $pvm ]]; then mount -t tmpfs none "$o/root$pvm"; fi
    cp "$deb" "$o/root/tmp/pyfreeze.deb"
    cp "$hello" "$o/root/tmp/hello.py"
    chroot "$o/root" dpkg -i /tmp/pyfreeze.deb
    chroot "$o/root" dpkg-query -W -f="\${Status}\n" pyfreeze
    chroot "$o/root" sh -c "command -v pyfreeze && pyfreeze /tmp/hello.py -o /tmp/hello.py.frozen"
    cp "$o/upper/tmp/hello.py.frozen" "$5"
' _ "$T/ovl" "$deb" "$T/hello.py" "${PF_PVM_STDLIB_DIR:-}" "$T/hello-from-deb" >"$T/root.log" 2>&1
rc=$?
expect_eq "dpkg -i in a throwaway root, then its /usr/bin/pyfreeze froze a program" 0 "$rc" ||
    sed 's/^/    /' "$T/root.log" >&2
expect_grep "... dpkg records the package as installed" "$T/root.log" "^install ok installed$"
expect_grep "... and the pyfreeze run was the package's" "$T/root.log" "^/usr/bin/pyfreeze$"
[[ ! -e /usr/bin/pyfreeze ]] && pass "the machine's own /usr has no pyfreeze" ||
    fail "/usr/bin/pyfreeze exists outside the throwaway root"

# The program frozen by the installed package, against python3.11 -I.
mkdir -p "$T/hello/frozen"
cp "$T/hello.py" "$T/hello/hello.py"
cp "$T/hello-from-deb" "$T/hello/frozen/hello.py" 2>/dev/null
chmod -R a+rX "$T/hello"
compare_runs "the program frozen by the .deb's pyfreeze" "$T/hello" "$T/hello/frozen/hello.py" \
    /dev/null -I "$T/hello/hello.py" a b -- a b
finish
