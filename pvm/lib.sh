# Helpers the PVM build steps share: messages, cached steps, the host's
# archive URIs, and commands run inside the Debian 11 root. Sourced, not run.

# pvm_die MESSAGE...: print one clear message and stop the build.
pvm_die() {
    echo "pvm: error: $*" >&2
    exit 1
}

pvm_say() {
    echo "pvm: $*" >&2
}

# pvm_key FILE-OR-STRING...: a SHA-256 over the given inputs (a file's
# content when the argument names a file, the string itself otherwise).
pvm_key() {
    local input
    for input in "$@"; do
        if [ -f "$input" ]; then
            cat "$input"
        else
            printf '%s\n' "$input"
        fi
    done | sha256sum | cut -d' ' -f1
}

# pvm_step NAME KEY COMMAND...: run COMMAND unless the stamp of NAME holds
# KEY (the step already ran with the same inputs). Records the step's wall
# time in $PVM_BUILD/timings.tsv and writes the stamp only on success.
pvm_step() {
    local name=$1 key=$2
    shift 2
    local stamp=$PVM_BUILD/stamps/$name
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ]; then
        pvm_say "$name: up to date"
        return 0
    fi
    rm -f "$stamp"
    pvm_say "$name: running"
    local start=$SECONDS
    "$@"
    local took=$((SECONDS - start))
    mkdir -p "$PVM_BUILD/stamps"
    printf '%s\n' "$key" > "$stamp"
    printf '%s\t%s\t%s\n' "$name" "$took" "$(date -u +%FT%TZ)" >> "$PVM_BUILD/timings.tsv"
    pvm_say "$name: done in ${took}s"
}

# debian_archive_uri SUITE: the archive URI the host's apt sources give for
# SUITE, read at run time (cmake/debian_archive.sh, shared with the tests'
# Debian roots); the repository names no archive host.
. "$(dirname "${BASH_SOURCE[0]}")/../cmake/debian_archive.sh"

# pvm_in_root COMMAND...: run COMMAND inside the Debian 11 root with /proc
# mounted; a /proc this call mounted is unmounted afterwards, whatever
# happens (one the caller mounted stays).
pvm_in_root() {
    local root=$PVM_BUILD/root mounted=no
    if ! mountpoint -q "$root/proc"; then
        mount -t proc proc "$root/proc"
        mounted=yes
    fi
    # The subshell's trap unmounts on success, failure and interruption.
    (
        trap '[ $mounted = no ] || umount "$root/proc" 2>/dev/null || umount -l "$root/proc"' EXIT
        trap 'exit 130' INT TERM
        chroot "$root" /usr/bin/env -i \
            PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
            HOME=/root LANG=C.UTF-8 SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-0}" \
            PVM_PREFIX=/opt/pvm PVM_JOBS="${PVM_JOBS:-2}" \
            nice -n 10 "$@"
    )
}
