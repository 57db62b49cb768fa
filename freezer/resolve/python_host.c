/* python_host.c - starts and stops the CPython interpreter embedded in the
 * freezer; see python_host.h.
 *
 * The configuration mirrors `/usr/bin/python3.11 -I` (PyConfig_InitIsolatedConfig,
 * Doc/c-api/init_config.rst) so that sys.path is exactly the host's, with
 * three changes that only make the freezer's output reproducible and robust:
 * a fixed hash seed (the order of frozenset constants in marshal data follows
 * string hashes), UTF-8 mode (paths decode the same under any locale) and no
 * bytecode writing (the freezer never leaves __pycache__ files behind). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "python_host.h"

#ifndef PYFREEZE_PYTHON_HOME
#error "PYFREEZE_PYTHON_HOME must name the prefix of Debian's python3.11 (e.g. \"/usr\")"
#endif

/* host_fail: turns a failed PyStatus into PF_ERR_PYTHON with its text. */
static int host_fail(pf_error *err, PyStatus status, const char *step)
{
    return pf_error_set(err, PF_ERR_PYTHON, "cannot start the embedded python3.11 (%s): %s", step,
                        status.err_msg != NULL ? status.err_msg : "unknown error");
}

int pfz_python_start(pf_error *err)
{
    if (Py_IsInitialized()) {
        return PF_OK;
    }

    /* UTF-8 mode before anything decodes a path (PEP 540). */
    PyPreConfig preconfig;
    PyPreConfig_InitIsolatedConfig(&preconfig);
    preconfig.utf8_mode = 1;
    PyStatus status = Py_PreInitialize(&preconfig);
    if (PyStatus_Exception(status)) {
        return host_fail(err, status, "pre-initialisation");
    }

    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    /* home fixes prefix and exec_prefix, so neither the freezer's own location
     * nor a pyvenv.cfg or ._pth file beside it changes sys.path. */
    status = PyConfig_SetBytesString(&config, &config.home, PYFREEZE_PYTHON_HOME);
    if (PyStatus_Exception(status)) {
        goto fail;
    }
    status = PyConfig_SetBytesString(&config, &config.program_name,
                                     PYFREEZE_PYTHON_HOME "/bin/python3.11");
    if (PyStatus_Exception(status)) {
        goto fail;
    }
    config.site_import = 1;         /* adds the dist-packages directories */
    config.user_site_directory = 0; /* no ~/.local */
    config.use_environment = 0;     /* no PYTHON* variables */
    config.write_bytecode = 0;      /* sys.dont_write_bytecode */
    config.pathconfig_warnings = 0; /* no "Could not find platform ..." noise */
    config.parse_argv = 0;
    config.install_signal_handlers = 0; /* Ctrl-C stops the freezer at once */
    config.use_hash_seed = 1;           /* PYTHONHASHSEED=0: deterministic set order */
    config.hash_seed = 0;

    status = Py_InitializeFromConfig(&config);
    if (PyStatus_Exception(status)) {
        goto fail;
    }
    PyConfig_Clear(&config);
    return PF_OK;

fail:
    PyConfig_Clear(&config);
    return host_fail(err, status, "configuration");
}

void pfz_python_stop(void)
{
    if (Py_IsInitialized()) {
        (void)Py_FinalizeEx();
    }
}
