# `cpack -G DEB` in a built tree: a .deb of pyfreeze holding what
# `cmake --install` installs, under /usr (bin/pyfreeze; lib/pyfreeze/ with
# the stubs and the PVM's stdlib; lib/cmake/pyfreeze/).
#
# Its dependencies: Debian's python3.11, whose stdlib and dist-packages the
# freezer's embedded interpreter reads (docs/architecture.md), which no ELF
# dependency shows; and the packages of the shared libraries that the
# programs run on the host need (pyfreeze: libarchive13, libzstd1, libelf1,
# libexpat1, zlib1g, libc6; the stubs: libc6), which dpkg-shlibdeps reads
# from bin/pyfreeze and the stubs when cpack starts (cpack_config.cmake.in).
# Not CPACK_DEBIAN_PACKAGE_SHLIBDEPS: it runs dpkg-shlibdeps over every ELF
# file of the package, the PVM's extension modules and libraries included,
# which the host never loads (the freezer packs them into programs): minutes
# of work that add dependencies (libncursesw6 ...) pyfreeze does not have.
set(CPACK_PACKAGE_NAME pyfreeze)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "turns a Python 3.11 program into one standalone Linux executable")
set(CPACK_PACKAGE_DESCRIPTION
    "pyfreeze packs a Python 3.11 program, the modules it imports and the native
libraries they need into one executable that runs on x86-64 Linux with glibc
2.31 or later, with no Python installed.")
set(CPACK_PACKAGE_CONTACT "pyfreeze developers <pyfreeze@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(PYFREEZE_DEB_DEPENDS "python3.11 (>= 3.11.2)")
set(PYFREEZE_DEB_ELF_FILES
    "$<TARGET_FILE:pyfreeze>;$<TARGET_FILE:pyfreeze-stub>;$<TARGET_FILE:pyfreeze-stub-pie>")
configure_file(cmake/cpack_config.cmake.in ${CMAKE_BINARY_DIR}/cpack_config.cmake.in @ONLY)
file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/cpack_config.cmake
    INPUT ${CMAKE_BINARY_DIR}/cpack_config.cmake.in)
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_BINARY_DIR}/cpack_config.cmake)
include(CPack)
