#!/bin/bash
# Records which source package and version each part of the PVM was built
# from, with its licence from debian/copyright, in BUILD-DIR/pvm-versions.json
# (for a later SBOM). Usage: record-versions.sh BUILD-DIR SOURCE-PACKAGE...
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
done | jq -s '{built_in: "Debian 11 (bullseye) root, gcc 10", packages: .}' \
    > "$PVM_BUILD/pvm-versions.json"
pvm_say "versions recorded in $PVM_BUILD/pvm-versions.json"
