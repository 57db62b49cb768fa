# The PVM: pyfreeze's own CPython 3.11, built from Debian's source packages
# inside a Debian 11 root so that everything it contributes needs glibc 2.31
# at most (pvm/README.md). Included when PYFREEZE_PVM is ON.
#
# The target `pvm` runs pvm/build.sh, whose steps (root, sources, each
# library, CPython) are cached by stamps keyed on their inputs; CMake re-runs
# it when a pvm/ script changes, and build.sh re-runs only the steps whose
# inputs changed. It needs root privileges, debootstrap and the network on
# its first run (about 20-25 minutes on 2 cores, see pvm/README.md).
#
# What it sets, for the stub's link and the freezer:
#   PYFREEZE_PVM_BUILD_DIR   the build tree (root, downloads, stamps, logs)
#   PYFREEZE_PVM_SYSROOT     the Debian 11 root (glibc 2.31 headers and libraries)
#   PYFREEZE_PVM_PREFIX      the installed PVM, inside the root
#   PYFREEZE_PVM_INCLUDE_DIR CPython's headers
#   PYFREEZE_PVM_LIBPYTHON   libpython3.11.a: PGO and LTO, one plain
#                            position-independent object; both stubs link it
#   PYFREEZE_PVM_LIBPYTHON_PIC  the same file (the --pie stub's)
#   PYFREEZE_PVM_STDLIB_DIR  the standard library (lib/python3.11)
#   PYFREEZE_PVM_DYNLOAD_DIR its extension modules (lib/python3.11/lib-dynload)
#   PYFREEZE_PVM_LIB_DIR     the shared libraries they need (libssl.so.3, ...)
#   PYFREEZE_PVM_ZSTD_LIBRARY, PYFREEZE_PVM_ZLIB_LIBRARY, PYFREEZE_PVM_EXPAT_LIBRARY
#                            static, position-independent, for the stub
#   PYFREEZE_PVM_VERSIONS    pvm-versions.json: each source package and version
#   PYFREEZE_PVM_STUB_COMPILE_OPTIONS, PYFREEZE_PVM_STUB_LINK_OPTIONS,
#   PYFREEZE_PVM_STUB_SYSTEM_LIBRARIES
#                            how the host's gcc compiles and links the stub
#                            for glibc 2.31 (pvm/README.md, stub/CMakeLists.txt)
set(PYFREEZE_PVM_BUILD_DIR "${CMAKE_BINARY_DIR}/pvm" CACHE PATH
    "where the PVM's Debian 11 root, downloads and stamps live")
set(PYFREEZE_PVM_SYSROOT "${PYFREEZE_PVM_BUILD_DIR}/root")
set(PYFREEZE_PVM_PREFIX "${PYFREEZE_PVM_SYSROOT}/opt/pvm")
set(PYFREEZE_PVM_INCLUDE_DIR "${PYFREEZE_PVM_PREFIX}/include/python3.11")
set(PYFREEZE_PVM_LIB_DIR "${PYFREEZE_PVM_PREFIX}/lib")
set(PYFREEZE_PVM_LIBPYTHON "${PYFREEZE_PVM_LIB_DIR}/libpython3.11.a")
set(PYFREEZE_PVM_LIBPYTHON_PIC "${PYFREEZE_PVM_LIBPYTHON}")
set(PYFREEZE_PVM_STDLIB_DIR "${PYFREEZE_PVM_LIB_DIR}/python3.11")
set(PYFREEZE_PVM_DYNLOAD_DIR "${PYFREEZE_PVM_STDLIB_DIR}/lib-dynload")
set(PYFREEZE_PVM_ZSTD_LIBRARY "${PYFREEZE_PVM_LIB_DIR}/libzstd.a")
set(PYFREEZE_PVM_ZLIB_LIBRARY "${PYFREEZE_PVM_LIB_DIR}/libz.a")
set(PYFREEZE_PVM_EXPAT_LIBRARY "${PYFREEZE_PVM_LIB_DIR}/libexpat.a")
set(PYFREEZE_PVM_VERSIONS "${PYFREEZE_PVM_BUILD_DIR}/pvm-versions.json")
# Debian's gcc looks for crt1.o and libc.so beside itself, not in the
# sysroot: -B and -L point it at the root's.
set(PYFREEZE_PVM_STUB_COMPILE_OPTIONS "--sysroot=${PYFREEZE_PVM_SYSROOT}")
set(PYFREEZE_PVM_STUB_LINK_OPTIONS "--sysroot=${PYFREEZE_PVM_SYSROOT}"
    "-B${PYFREEZE_PVM_SYSROOT}/usr/lib/x86_64-linux-gnu/"
    "-L${PYFREEZE_PVM_SYSROOT}/usr/lib/x86_64-linux-gnu")
# glibc 2.31 keeps these apart from libc.
set(PYFREEZE_PVM_STUB_SYSTEM_LIBRARIES pthread dl util m)

# The PGO training runs the benchmark's programs (pvm/build.sh): they are
# inputs of the CPython step too, as are our patches (pvm/patches/).
file(GLOB PYFREEZE_PVM_SCRIPTS CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/pvm/*.sh"
    "${CMAKE_SOURCE_DIR}/pvm/*.py" "${CMAKE_SOURCE_DIR}/pvm/patches/*/*.patch"
    "${CMAKE_SOURCE_DIR}/tests/bench/*.py"
    "${CMAKE_SOURCE_DIR}/tests/bench/*/*.py")
# build.sh writes its stamps itself; this one tells CMake the whole run ended.
set(PYFREEZE_PVM_DONE "${PYFREEZE_PVM_BUILD_DIR}/stamps/all")
add_custom_command(OUTPUT "${PYFREEZE_PVM_DONE}"
    BYPRODUCTS "${PYFREEZE_PVM_LIBPYTHON}"
               "${PYFREEZE_PVM_ZSTD_LIBRARY}" "${PYFREEZE_PVM_ZLIB_LIBRARY}"
               "${PYFREEZE_PVM_EXPAT_LIBRARY}" "${PYFREEZE_PVM_VERSIONS}"
    COMMAND "${CMAKE_SOURCE_DIR}/pvm/build.sh" "${PYFREEZE_PVM_BUILD_DIR}"
    COMMAND "${CMAKE_COMMAND}" -E touch "${PYFREEZE_PVM_DONE}"
    DEPENDS ${PYFREEZE_PVM_SCRIPTS}
    COMMENT "Building the PVM (CPython 3.11 for glibc 2.31) in ${PYFREEZE_PVM_BUILD_DIR}"
    USES_TERMINAL
    VERBATIM)
add_custom_target(pvm DEPENDS "${PYFREEZE_PVM_DONE}")
