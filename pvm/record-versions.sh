#!/bin/bash
# Records which source package and version each part of the PVM was built
# from, with its licence from debian/copyright, in BUILD-DIR/pvm-versions.json
# (for a later SBOM), and as "binary_packages" the Debian 11 binary package
# of each shared library the prefix holds that the PVM did not build (the
# Tcl/Tk libraries build-tkinter.sh copies from the root), from the root's
# dpkg database, with its copyright file's text when that file is not
# machine-readable and so names no licence. Its temporary files carry the
# process id: two builds of one PVM directory may run it at once, and the
# mv that ends it replaces the record whole.
# Usage: record-versions.sh BUILD-DIR SOURCE-PACKAGE...
set -euo pipefail
PVM_BUILD=$1
shift
. "$(dirname "$0")/lib.sh"

for package in "$@"; do
    dsc=$(echo "$PVM_BUILD/downloads/$package"/*.dsc)
    version=$(awk '$1 == "Version:" { print $2; exit }' "$dsc")
    # The licence of the files used: the "Files: *" stanza of a machine-
    # readable debian/copyright (libuuid's for util-linux), else its first
    # License: line; CPython's copyright file is free text: PSF-2.0.
    files='*'
    [ "$package" != util-linux ] || files='libuuid/*'
    copyright=$PVM_BUILD/root/pvm/src/$package/debian/copyright
    licence=$(awk -v files="Files: $files" '
                  index($0, files) == 1 && length($0) == length(files) { ours = 1; next }
                  ours && /^License:/ { sub(/^License:[ \t]*/, ""); print; exit }
                  /^$/ { ours = 0 }' "$copyright" 2>/dev/null || true)
    [ -n "$licence" ] || licence=$(sed -n 's/^License:[ \t]*\(..*\)/\1/p' "$copyright" 2>/dev/null | head -n 1)
    [ "$package" != python3.11 ] || licence=PSF-2.0
    jq -n --arg name "$package" --arg version "$version" --arg licence "$licence" \
        --arg dsc "$(basename "$dsc")" --arg sha256 "$(sha256sum "$dsc" | cut -d' ' -f1)" \
        '{source_package: $name, version: $version, licence: $licence,
          suite: "bookworm", dsc: $dsc, dsc_sha256: $sha256}'
done >"$PVM_BUILD/pvm-versions.sources.tmp.$$"

# binary_library NAME: the JSON record of the root's binary package that
# owns a library named NAME, or nothing (not a package's, or built here).
ROOT=$PVM_BUILD/root
binary_library() {
    local name=$1 owner package arch fields licence
    [ -z "$(find "$ROOT/pvm/src" -maxdepth 4 -name "$name" -print -quit 2>/dev/null)" ] || return 0
    owner=$(dpkg --admindir="$ROOT/var/lib/dpkg" -S "*/$name" 2>/dev/null | head -n 1) || return 0
    [ -n "$owner" ] || return 0
    package=${owner%%:*}
    arch=$(dpkg-query --admindir="$ROOT/var/lib/dpkg" -W -f '${Architecture}' "$package" 2>/dev/null) || return 0
    fields=$(dpkg-query --admindir="$ROOT/var/lib/dpkg" -W \
        -f '${Version} ${source:Package} ${source:Version}' "$package" 2>/dev/null) || return 0
    licence=$(sed -n 's/^License:[ \t]*\(..*\)/\1/p' "$ROOT/usr/share/doc/$package/copyright" \
        2>/dev/null | head -n 1) || licence=
    read -r version source source_version <<<"$fields"
    # A copyright file that is not machine-readable (DEP-5) names no
    # licence: its text is then the statement of the terms, kept for the SBOM.
    local text=/dev/null
    [ -n "$licence" ] || [ ! -f "$ROOT/usr/share/doc/$package/copyright" ] ||
        text=$ROOT/usr/share/doc/$package/copyright
    jq -n --arg soname "$name" --arg package "$package" --arg arch "$arch" \
        --arg version "$version" --arg source "$source" --arg source_version "$source_version" \
        --arg licence "$licence" --rawfile text "$text" \
        '{soname: $soname, package: $package, architecture: $arch, version: $version,
          source: $source, source_version: $source_version, licence: $licence,
          copyright_text: $text, suite: "bullseye"}'
}
for library in "$ROOT"/opt/pvm/lib/lib*.so "$ROOT"/opt/pvm/lib/lib*.so.*; do
    [ -e "$library" ] || continue
    binary_library "$(basename "$library")"
done >"$PVM_BUILD/pvm-versions.binary.tmp.$$"
jq -s --slurpfile binary "$PVM_BUILD/pvm-versions.binary.tmp.$$" \
    '{built_in: "Debian 11 (bullseye) root, gcc 10", packages: ., binary_packages: $binary}' \
    "$PVM_BUILD/pvm-versions.sources.tmp.$$" >"$PVM_BUILD/pvm-versions.json.tmp.$$"
mv "$PVM_BUILD/pvm-versions.json.tmp.$$" "$PVM_BUILD/pvm-versions.json"
rm -f "$PVM_BUILD/pvm-versions.sources.tmp.$$" "$PVM_BUILD/pvm-versions.binary.tmp.$$"
pvm_say "versions recorded in $PVM_BUILD/pvm-versions.json"
