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

# pvm_archive_uri SUITE: the first URI that the host's apt sources give for
# SUITE (deb822 files in sources.list.d, then one-line sources.list files).
# The archive is read here at run time, never written into the repository.
pvm_archive_uri() {
    local suite=$1 file uri
    for file in /etc/apt/sources.list.d/*.sources; do
        [ -f "$file" ] || continue
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
        if [ -n "$uri" ]; then
            echo "$uri"
            return 0
        fi
    done
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$file" ] || continue
        uri=$(awk -v suite="$suite" '
            $1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                          if ($(i + 1) == suite) { print $i; exit } }' "$file")
        if [ -n "$uri" ]; then
            echo "$uri"
            return 0
        fi
    done
    return 1
}

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
