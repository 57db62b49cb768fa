#!/bin/bash
# Downloads Debian bookworm's source packages the PVM is built from, with a
# private apt configuration in the build tree (the host's /etc/apt is only
# read). Usage: fetch-sources.sh BUILD-DIR SOURCE-PACKAGE...
set -euo pipefail
PVM_BUILD=$1
shift
. "$(dirname "$0")/lib.sh"

command -v dpkg-source >/dev/null || pvm_die "dpkg-source not found: apt-get install dpkg-dev"
main=$(debian_archive_uri bookworm) ||
    pvm_die "no bookworm archive in the host's apt sources (/etc/apt/sources.list.d/*.sources, /etc/apt/sources.list)"
security=$(debian_archive_uri bookworm-security) ||
    pvm_die "no bookworm-security archive in the host's apt sources: add the Debian security archive"

apt=$PVM_BUILD/apt
rm -rf "$apt"
mkdir -p "$apt/etc/sources.list.d" "$apt/etc/preferences.d" "$apt/state/lists/partial" \
    "$apt/cache/archives/partial"
: > "$apt/state/status"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cat > "$apt/etc/sources.list" <<SOURCES
deb-src [signed-by=$keyring] $main bookworm main
deb-src [signed-by=$keyring] $security bookworm-security main
SOURCES
# The host's apt.conf.d is read for its network settings (proxy, validity
# checks of a snapshot mirror); everything apt writes stays in $apt.
apt_opts=(
    -o "Dir::Etc=$apt/etc" -o "Dir::Etc::main=/etc/apt/apt.conf" -o "Dir::Etc::parts=/etc/apt/apt.conf.d"
    -o "Dir::State=$apt/state" -o "Dir::State::status=$apt/state/status" -o "Dir::Cache=$apt/cache"
    -o "APT::Sandbox::User=root" -o "Debug::NoLocking=1"
)
apt-get "${apt_opts[@]}" -qq update ||
    pvm_die "apt-get update of bookworm's source indexes failed: the host's archive ($main) must serve deb-src"

downloads=$PVM_BUILD/downloads
for package in "$@"; do
    rm -rf "$downloads/$package.tmp"
    mkdir -p "$downloads/$package.tmp"
    # The newest version first; an older one when a mirror lacks its files
    # (bookworm-security's index can name a version its pool does not hold).
    fetched=
    for version in $(apt-cache "${apt_opts[@]}" showsrc "$package" |
                     awk -v p="$package" '$1 == "Package:" { ours = ($2 == p) }
                                          ours && $1 == "Version:" { print $2 }' | sort -u -V -r); do
        if (cd "$downloads/$package.tmp" &&
            apt-get "${apt_opts[@]}" -qq --download-only source "$package=$version" 2>/dev/null); then
            fetched=$version
            break
        fi
        pvm_say "$package $version: not downloadable from the archive, trying an older version"
        rm -f "$downloads/$package.tmp"/*
    done
    [ -n "$fetched" ] || pvm_die "apt-get source $package failed for every version bookworm lists"
    rm -rf "$downloads/$package"
    mv "$downloads/$package.tmp" "$downloads/$package"
done
