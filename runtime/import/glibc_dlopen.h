/* glibc_dlopen.h - glibc's own dlopen(3), past the stub's (native_path.c). */
#ifndef PF_GLIBC_DLOPEN_H
#define PF_GLIBC_DLOPEN_H

/* pf_glibc_dlopen: glibc's dlopen(3) (the next definition after the
 * executable's: dlsym(RTLD_NEXT)), for callers whose path is never one
 * inside the executable (native_loader.c's /proc/self/fd/N) and for the
 * stub's dlopen itself. Same arguments, result (a handle the caller owns,
 * to dlclose) and dlerror() as glibc's; thread-safe. */
void *pf_glibc_dlopen(const char *file, int mode);

#endif
