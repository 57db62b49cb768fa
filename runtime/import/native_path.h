/* native_path.h - dlopen() of a path inside the executable (native_path.c
 * defines dlopen itself; see there and docs/native-libraries.md). */
#ifndef PF_NATIVE_PATH_H
#define PF_NATIVE_PATH_H

#include <stddef.h>

/* pf_native_path_member: the payload member name "lib/" + the part of path
 * `file` after "<executable>/", with "." and ".." parts and repeated slashes
 * resolved lexically as the kernel would within the executable's tree
 * (pycryptodome names Cryptodome/Util/../Cipher/...), written NUL-less into
 * name[0..nameCapacity). Returns its length in bytes, or 0 when file is not
 * under executable, goes above it, names the executable's root itself, or
 * does not fit. */
size_t pf_native_path_member(const char *executable, const char *file, char *name,
                             size_t nameCapacity);

#endif
