#!/bin/bash
# Downloads Debian 11's Tcl/Tk 8.6 development packages (tcl8.6-dev,
# tk8.6-dev) and what they need that the root lacks, as binary packages
# built for glibc 2.31, and installs them in the root with its own dpkg:
# _tkinter is compiled against them (build-tkinter.sh). The download uses a
# private apt configuration in the build tree that reads the root's dpkg
# status (the host's /etc/apt is only read). Usage: fetch-tcltk.sh BUILD-DIR
set -euo pipefail
PVM_BUILD=$1
. "$(dirname "$0")/lib.sh"
PACKAGES="tcl8.6-dev tk8.6-dev"

archive=$(debian_archive_uri bookworm) || archive=$(debian_archive_uri bullseye) ||
    pvm_die "no Debian archive in the host's apt sources (/etc/apt/sources.list.d/*.sources, /etc/apt/sources.list): add one that serves bullseye"
root=$PVM_BUILD/root
apt=$PVM_BUILD/apt-bullseye
rm -rf "$apt"
mkdir -p "$apt/etc/sources.list.d" "$apt/etc/preferences.d" "$apt/state/lists/partial" \
    "$apt/cache/archives/partial"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
echo "deb [signed-by=$keyring] $archive bullseye main" > "$apt/etc/sources.list"
# The host's apt.conf.d for its network settings; the root's dpkg status,
# so that only what the root lacks is downloaded.
apt_opts=(
    -o "Dir::Etc=$apt/etc" -o "Dir::Etc::main=/etc/apt/apt.conf" -o "Dir::Etc::parts=/etc/apt/apt.conf.d"
    -o "Dir::State=$apt/state" -o "Dir::State::status=$root/var/lib/dpkg/status" -o "Dir::Cache=$apt/cache"
    -o "APT::Architecture=amd64" -o "APT::Architectures=amd64"
    -o "APT::Sandbox::User=root" -o "Debug::NoLocking=1"
)
apt-get "${apt_opts[@]}" -qq update ||
    pvm_die "apt-get update of bullseye's package index failed: the host's archive ($archive) must serve bullseye"
# shellcheck disable=SC2086
apt-get "${apt_opts[@]}" -qq -y --no-install-recommends --download-only install $PACKAGES ||
    pvm_die "downloading $PACKAGES for bullseye failed (see above)"
debs=$(find "$apt/cache/archives" -maxdepth 1 -name '*.deb' -printf '%f\n' | sort)
if [ -z "$debs" ]; then
    pvm_say "$PACKAGES: already installed in the root"
    exit 0
fi
rm -rf "$root/pvm/debs"
mkdir -p "$root/pvm/debs"
cp "$apt/cache/archives/"*.deb "$root/pvm/debs/"
pvm_in_root sh -c 'dpkg -i /pvm/debs/*.deb' > "$PVM_BUILD/logs/tcltk.log" 2>&1 || {
    tail -n 20 "$PVM_BUILD/logs/tcltk.log" >&2
    pvm_die "installing $PACKAGES in the root failed, see $PVM_BUILD/logs/tcltk.log"
}
rm -rf "$root/pvm/debs"
pvm_say "installed in the root: $(echo "$debs" | sed 's/_.*//' | tr '\n' ' ')"
