# debian_archive.sh: finds the Debian archive this machine uses, from its own
# apt sources, so that nothing in the repository names an archive's host.
# Sourced (bash) by the e2e tests' root maker (tests/e2e/debian_root.sh) and
# meant for the PVM build, which makes its Debian 11 root and fetches its
# source packages from the same archive.
# shellcheck shell=bash

# debian_archive_uri [SUITE]: prints the first URI of the apt source that
# serves SUITE (default: this machine's release, VERSION_CODENAME in
# /etc/os-release), e.g. http://HOST/debian; one archive serves every Debian
# release, so the URI found for the machine's own suite also gives bullseye
# and trixie. Reads the deb822 files /etc/apt/sources.list.d/*.sources first,
# then the one-line /etc/apt/sources.list and sources.list.d/*.list ("deb"
# lines; an [options] block is skipped). Returns 0, or 1 (printing nothing)
# if no source serves SUITE or the release is unknown.
debian_archive_uri() {
    local suite=${1:-} file uri
    if [[ -z $suite && -r /etc/os-release ]]; then
        suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    fi
    [[ -n $suite ]] || return 1
    for file in /etc/apt/sources.list.d/*.sources; do
        [[ -f $file ]] || continue
        # deb822: stanzas separated by blank lines, with URIs: and Suites:.
        uri=$(awk -v suite="$suite" '
            function flush() {
                if (uris != "" && (" " suites " ") ~ (" " suite " ")) { split(uris, u, " "); print u[1]; found = 1; exit }
                uris = ""; suites = ""
            }
            /^[ \t]*$/ { flush(); next }
            /^URIs:/   { sub(/^URIs:[ \t]*/, ""); uris = $0 }
            /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
            END { if (!found) flush() }' "$file")
        if [[ -n $uri ]]; then
            echo "$uri"
            return 0
        fi
    done
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f $file ]] || continue
        uri=$(awk -v suite="$suite" '
            $1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                          if ($(i + 1) == suite) { print $i; exit } }' "$file")
        if [[ -n $uri ]]; then
            echo "$uri"
            return 0
        fi
    done
    return 1
}
