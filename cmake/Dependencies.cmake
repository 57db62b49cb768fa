# Finds pyfreeze's dependencies, all Debian bookworm packages, and says which
# package to install when one is missing.
find_package(PkgConfig)
if(NOT PKG_CONFIG_FOUND)
    message(FATAL_ERROR "pkg-config not found: apt-get install pkg-config")
endif()

# pyfreeze_require_pkg(VAR module debian-package)
function(pyfreeze_require_pkg var module package)
    pkg_check_modules(${var} QUIET IMPORTED_TARGET ${module})
    if(NOT ${var}_FOUND)
        message(FATAL_ERROR "${module} not found: apt-get install ${package}")
    endif()
endfunction()

pyfreeze_require_pkg(LIBARCHIVE libarchive libarchive-dev)
pyfreeze_require_pkg(ZSTD libzstd libzstd-dev)
pyfreeze_require_pkg(LIBELF libelf libelf-dev)
if(BUILD_TESTING)
    # Only the unit tests use cmocka (tests/CMakeLists.txt).
    pyfreeze_require_pkg(CMOCKA cmocka libcmocka-dev)
endif()
pyfreeze_require_pkg(ZLIB zlib zlib1g-dev)
pyfreeze_require_pkg(EXPAT expat libexpat1-dev)
pyfreeze_require_pkg(PYTHON python-3.11-embed libpython3.11-dev)

# The stubs link CPython, zlib, expat and zstd statically so that a frozen
# program needs nothing but glibc. Debian ships CPython's static library
# twice: libpython3.11.a (not position-independent: the default stub, linked
# -no-pie as Debian links /usr/bin/python3.11) and libpython3.11-pic.a (the
# freezer and the `--pie` stub, position-independent executables).
pkg_get_variable(PYTHON_PREFIX python-3.11-embed prefix)
set(PYFREEZE_PYTHON_HOME "${PYTHON_PREFIX}" CACHE PATH
    "prefix of the CPython 3.11 whose stdlib the freezer reads")
set(PYFREEZE_PYTHON_CONFIG_DIR
    "${PYTHON_PREFIX}/lib/python3.11/config-3.11-${CMAKE_LIBRARY_ARCHITECTURE}")
# pyfreeze_require_python_archive(VAR libname.a): VAR names CPython's static
# library libname.a, which libpython3.11-dev installs.
function(pyfreeze_require_python_archive var file)
    find_file(${var} ${file} PATHS "${PYFREEZE_PYTHON_CONFIG_DIR}" NO_DEFAULT_PATH)
    if(NOT ${var})
        message(FATAL_ERROR
            "${file} not found in ${PYFREEZE_PYTHON_CONFIG_DIR}: apt-get install libpython3.11-dev")
    endif()
endfunction()
pyfreeze_require_python_archive(PYTHON_STATIC_LIBRARY libpython3.11-pic.a)
pyfreeze_require_python_archive(PYTHON_NOPIC_STATIC_LIBRARY libpython3.11.a)

# pyfreeze_require_static(VAR libname.a debian-package)
function(pyfreeze_require_static var file package)
    find_library(${var} NAMES ${file})
    if(NOT ${var})
        message(FATAL_ERROR "${file} not found: apt-get install ${package}")
    endif()
endfunction()
pyfreeze_require_static(ZLIB_STATIC_LIBRARY libz.a zlib1g-dev)
pyfreeze_require_static(EXPAT_STATIC_LIBRARY libexpat.a libexpat1-dev)
pyfreeze_require_static(ZSTD_STATIC_LIBRARY libzstd.a libzstd-dev)

# The reference interpreter the tests compare frozen programs with, and the
# stdlib the freezer reads: Debian's python3.11, never another one on PATH.
find_program(PYTHON311_EXECUTABLE python3.11 PATHS "${PYTHON_PREFIX}/bin" NO_DEFAULT_PATH)
if(NOT PYTHON311_EXECUTABLE)
    message(FATAL_ERROR "python3.11 not found in ${PYTHON_PREFIX}/bin: apt-get install python3.11")
endif()
