#!/bin/bash
# e2e/tkinter/CASE: tkinter programs, with Tcl's and Tk's script libraries
# packed (the rules file's [modules.tkinter]) and served from the payload
# (runtime/import/tcl_file_system.c), run with Python hidden (sandbox.sh),
# /usr/share/tcltk and /usr/lib/tcltk hidden too, and the host's libtcl8.6
# and libtk8.6 hidden (hide_libs.sh: the bundled ones load from memory),
# compared with python3.11 -I on the same source:
#   tcl  tkinter.Tcl() evaluating what needs the script library
#        (programs/tk_tcl.py); the payload holds the libraries, and the
#        build report and SBOM name their Debian 11 packages (the SBOM with
#        their copyright files' text)
#   tk   a Tk window with ttk widgets under Xvfb (programs/tk_window.py),
#        with the target's own fontconfig and freetype (the rules'
#        target_libraries) and with them bundled (--include-library)
source "$(dirname "$0")/lib.sh"
require_built
require_sandbox

case_name=${1:?usage: tkinter.sh tcl|tk}
[[ -n ${PF_PVM_STDLIB_DIR:-} ]] || skip_test "a PYFREEZE_PVM=OFF build: no PVM with _tkinter"
compgen -G "$PF_PVM_STDLIB_DIR/lib-dynload/_tkinter.*.so" >/dev/null ||
    { fail "the PVM has no _tkinter (pvm/build-tkinter.sh)"; finish; }
"$PF_PYTHON" -I -c 'import tkinter' 2>/dev/null ||
    skip_test "python3.11 has no tkinter to compare with (apt-get install python3-tk)"

# The host's Tcl/Tk: their script libraries and shared libraries are hidden
# from the frozen program.
export PF_SANDBOX_HIDE="/usr/share/tcltk /usr/lib/tcltk"
LIBS=$T/libs.txt
ldconfig -p | awk '$1 ~ /^lib(tcl|tk)8\.6\.so$/ && /x86-64/ { print $NF }' >"$LIBS"
FROZEN_RUNNER=run_libs_hidden

# members EXE: the payload's member names.
members() {
    objcopy --dump-section .pyfreeze="$T/payload.tar.zst" "$1" "$T/dump.out" &&
        tar --zstd -tf "$T/payload.tar.zst"
}

case $case_name in
tcl)
    copy_program tk_tcl --report "$T/tk.json" --sbom "$T/tk.cdx.json" || finish
    # The report names the Debian 11 binary package of each library the PVM
    # copied (pvm-versions.json's binary_packages), the SBOM gives its purl
    # and, as these packages' copyright files name no licence, their text.
    if "$PF_PYTHON" -I - "$T/tk.json" "$T/tk.cdx.json" >"$T/tk-report.out" 2>&1 <<'PY'; then
import json, sys
report = json.load(open(sys.argv[1]))
sbom = json.load(open(sys.argv[2]))
libs = {lib["soname"]: lib for lib in report["libraries"]}
purls = {c.get("purl", "") for c in sbom["components"]}
for soname, package in (("libtcl8.6.so", "libtcl8.6"), ("libtk8.6.so", "libtk8.6")):
    deb = libs[soname]["debian"] or {}
    assert deb.get("package") == package and deb.get("version"), (soname, deb)
    assert deb.get("suite") == "bullseye", deb
    purl = "pkg:deb/debian/%s@" % package
    assert any(p.startswith(purl) and p.endswith("distro=bullseye") for p in purls), purls
    # Their copyright files are not machine-readable: the SBOM carries the text.
    comp = [c for c in sbom["components"] if c.get("purl", "").startswith(purl)][0]
    texts = [l["license"].get("text", {}).get("content", "") for l in comp.get("licenses", [])]
    assert any("Copyright" in t and len(t) > 1000 for t in texts), comp.get("licenses")
print("ok")
PY
        pass "report and SBOM name libtcl8.6's and libtk8.6's Debian 11 packages"
    else
        fail "report/SBOM of the Tcl/Tk libraries: $(cat "$T/tk-report.out")"
    fi
    members "$EXE" >"$T/members.txt"
    for member in lib/tkinter/tcl8.6/init.tcl lib/tkinter/tcl8.6/encoding/koi8-r.enc \
                  lib/tkinter/tcl8.6/msgs/fr.msg lib/tkinter/tk8.6/tk.tcl \
                  lib/tkinter/tk8.6/ttk/ttk.tcl libs/libtcl8.6.so libs/libtk8.6.so; do
        expect_grep "payload holds $member" "$T/members.txt" "^$member\$"
    done
    compare tcl /dev/null
    # A TCL_LIBRARY the program's environment sets is Tcl's, not replaced:
    # there Tcl finds no init.tcl, as python3.11 would not.
    RUN_ENV=(TCL_LIBRARY=/nonexistent)
    run_libs_hidden "$R/own-library" /dev/null "$EXE"
    expect_grep "TCL_LIBRARY the program set is kept" "$R/own-library.err" \
        "Can't find a usable init.tcl"
    RUN_ENV=()
    ;;
tk)
    command -v Xvfb >/dev/null || skip_test "Xvfb is not installed (apt-get install xvfb)"
    copy_program tk_window || finish
    # A display of our own: Xvfb picks a free number and writes it to fd 3.
    Xvfb -displayfd 3 -nolisten tcp -screen 0 800x600x24 3>"$T/display" 2>"$T/xvfb.log" &
    xvfb=$!
    trap 'kill "$xvfb" 2>/dev/null; wait "$xvfb" 2>/dev/null; rm -rf "$T"' EXIT
    while [[ ! -s $T/display ]] && kill -0 "$xvfb" 2>/dev/null; do
        sleep 0.1
    done
    [[ -s $T/display ]] || { fail "Xvfb did not start: $(cat "$T/xvfb.log")"; finish; }
    RUN_ENV=(DISPLAY=":$(head -n 1 "$T/display")")
    # The rules leave fontconfig and freetype to the target (a bundled
    # Debian 11 fontconfig warns about a newer /etc/fonts on every start):
    # stdout, stderr and the exit status are python3.11's, nothing dropped.
    members "$EXE" >"$T/members.txt"
    expect_grep "payload holds libtk8.6.so" "$T/members.txt" '^libs/libtk8\.6\.so$'
    for lib in libfontconfig.so.1 libfreetype.so.6; do
        expect_no_grep "payload lacks $lib" "$T/members.txt" "^libs/$lib\$"
    done
    compare tk /dev/null
    # -v says which rule left them out.
    freeze "$T/verbose/tk_window.py" -v "$SRC/tk_window.py" || finish
    expect_grep "-v names the rule" "$T/verbose/tk_window.py.log" \
        'left to the target:.* libfontconfig\.so\.1 \(the package rules for tkinter\)'
    # --include-library bundles them again (the rule gives way): the
    # payload holds them, and the window still opens and closes as with
    # python3.11; their warnings about this machine's /etc/fonts, if any,
    # are the one difference allowed on stderr.
    copy_program tk_window --include-library libfontconfig.so.1 \
        --include-library libfreetype.so.6 || finish
    members "$EXE" >"$T/members.txt"
    for lib in libfontconfig.so.1 libfreetype.so.6; do
        expect_grep "--include-library bundles $lib" "$T/members.txt" "^libs/$lib\$"
    done
    ref=$R/tk.ref frz=$R/tk.frz
    run_ref "$ref" /dev/null -I "$SRC/tk_window.py"
    run_libs_hidden "$frz" /dev/null "$EXE"
    normalise_ref "$ref" "$SRC"
    normalise_frozen "$frz" "$EXE"
    sed -i '/^Fontconfig warning: /d' "$frz.nerr"
    same_result "tk, fontconfig bundled" "$ref" "$frz"
    ;;
*)
    fail "unknown case $case_name"
    ;;
esac
finish
