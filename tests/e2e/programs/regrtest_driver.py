"""regrtest_driver.py --results RESULTS [MODULE...]: runs a selection of CPython's own tests
(Debian's libpython3.11-testsuite) with unittest, the same way under
python3.11 -I and frozen by pyfreeze, and writes one line per test to
RESULTS:

    MODULE <module> run=N pass=N fail=N error=N skip=N xfail=N xpass=N
    TEST <test id> <pass|fail|error|skip|xfail|xpass>
    IMPORT-ERROR <module> <exception type>: <message>

tests/e2e/fidelity.sh compares the two RESULTS files; docs/fidelity.md lists
every difference and its reason.

The selection (MODULES below) is imported by name at run time; for the
freezer, which reads import statements from bytecode, every module is also
named in _packed() below, a function that never runs (an `if False:` block
would be dropped by the compiler). Modules that need data files from
Lib/test (which pyfreeze does not pack) are left out: see docs/fidelity.md.

Tests run as regrtest runs them, in a fresh temporary working directory,
with no resources enabled (test.support.use_resources = []: no network, no
"cpu"-heavy variants), and quietly (verbose 0). Anything a test prints goes
to this process's stdout and stderr, which the caller ignores.

A frozen program's children are the program itself: a test that runs
`sys.executable` with a command line the frozen program takes as its own
(docs/user-guide.md, "Child processes") would start this driver again, with
arguments that are not ours. The driver refuses any command line but
`--results RESULTS [MODULE...]` with MODULEs from its list (exit 2) rather
than run the tests again.
"""

import faulthandler
import importlib
import os
import shutil
import sys
import tempfile
import traceback
import unittest

# No module of the selection takes more than a few seconds under python3.11.
WATCHDOG_SECONDS = 60

# Test modules, leaf modules only: test packages (test_json, test_email, ...)
# load their submodules by listing their own directory, which does not exist
# in a frozen program, so the submodules are named here one by one.
MODULES = [
    # text and data formats
    "test.test_string", "test.test_re", "test.test_unicode", "test.test_unicodedata",
    "test.test_codecs", "test.test_textwrap", "test.test_fstring", "test.test_format",
    "test.test_csv", "test.test_base64", "test.test_binascii", "test.test_quopri",
    "test.test_html", "test.test_htmlparser", "test.test_difflib", "test.test_shlex",
    "test.test_pprint", "test.test_reprlib", "test.test_plistlib", "test.test_tokenize",
    "test.test_json.test_decode", "test.test_json.test_default", "test.test_json.test_dump",
    "test.test_json.test_encode_basestring_ascii", "test.test_json.test_enum",
    "test.test_json.test_fail", "test.test_json.test_float", "test.test_json.test_indent",
    "test.test_json.test_pass1", "test.test_json.test_pass2", "test.test_json.test_pass3",
    "test.test_json.test_recursion", "test.test_json.test_scanstring",
    "test.test_json.test_separators", "test.test_json.test_speedups",
    "test.test_json.test_tool", "test.test_json.test_unicode",
    "test.test_email.test__encoded_words", "test.test_email.test__header_value_parser",
    "test.test_email.test_asian_codecs", "test.test_email.test_contentmanager",
    "test.test_email.test_defect_handling", "test.test_email.test_generator",
    "test.test_email.test_headerregistry", "test.test_email.test_inversion",
    "test.test_email.test_message", "test.test_email.test_parser",
    "test.test_email.test_pickleable", "test.test_email.test_policy",
    "test.test_email.test_utils",
    "test.test_minidom", "test.test_configparser", "test.test_urlparse",
    "test.test_http_cookies",
    # numbers
    "test.test_decimal", "test.test_fractions", "test.test_statistics", "test.test_math",
    "test.test_cmath", "test.test_complex", "test.test_int", "test.test_long",
    "test.test_float", "test.test_random", "test.test_struct",
    # containers, functional tools, the language
    "test.test_collections", "test.test_itertools", "test.test_functools",
    "test.test_dataclasses", "test.test_enum", "test.test_copy", "test.test_heapq",
    "test.test_bisect", "test.test_operator", "test.test_types", "test.test_typing",
    "test.test_abc", "test.test_contextlib", "test.test_graphlib", "test.test_list",
    "test.test_sort", "test.test_array", "test.test_grammar", "test.test_builtin",
    "test.test_descr", "test.test_class", "test.test_generators", "test.test_coroutines",
    "test.test_exception_group", "test.test_patma", "test.test_hash",
    # serialisation, compression, hashing
    "test.test_pickle", "test.test_marshal", "test.test_zlib", "test.test_gzip",
    "test.test_lzma", "test.test_hashlib", "test.test_hmac", "test.test_secrets",
    "test.test_uuid",
    # dates and times
    "test.test_datetime", "test.test_calendar", "test.test_zoneinfo.test_zoneinfo",
    # the system, files, processes
    "test.test_os", "test.test_posix", "test.test_stat", "test.test_shutil",
    "test.test_tempfile", "test.test_glob", "test.test_fnmatch", "test.test_mmap",
    "test.test_sys", "test.test_atexit", "test.test_locale", "test.test_gc",
    # the import system, introspection, tracebacks
    "test.test_importlib.test_api", "test.test_pkgutil", "test.test_zipimport",
    "test.test_runpy", "test.test_inspect", "test.test_traceback",
    # the standard library's frameworks
    "test.test_argparse", "test.test_optparse", "test.test_getopt", "test.test_logging",
    "test.test_doctest", "test.test_asyncio.test_locks",
    "unittest.test.test_assertions", "unittest.test.test_case",
    "unittest.test.test_functiontestcase", "unittest.test.test_loader",
    "unittest.test.test_result", "unittest.test.test_runner", "unittest.test.test_setups",
    "unittest.test.test_skipping", "unittest.test.test_suite",
    "ctypes.test.test_arrays", "ctypes.test.test_bitfields", "ctypes.test.test_buffers",
    "ctypes.test.test_callbacks", "ctypes.test.test_cast", "ctypes.test.test_funcptr",
    "ctypes.test.test_functions", "ctypes.test.test_loading", "ctypes.test.test_memfunctions",
    "ctypes.test.test_numbers", "ctypes.test.test_pointers", "ctypes.test.test_prototypes",
    "ctypes.test.test_strings", "ctypes.test.test_structures", "ctypes.test.test_unicode",
]

# Test classes left out of a module, the same on both sides: they spend
# seconds waiting on sockets, servers and timeouts (test_logging's whole
# module takes 20 s otherwise).
LEFT_OUT_CLASSES = {
    "test.test_logging": {
        "SocketHandlerTest", "UnixSocketHandlerTest", "DatagramHandlerTest",
        "UnixDatagramHandlerTest", "SysLogHandlerTest", "UnixSysLogHandlerTest",
        "IPv6SysLogHandlerTest", "HTTPHandlerTest", "SMTPHandlerTest",
        "MemoryHandlerTest", "QueueListenerTest", "ConfigDictTest",
        "ConfigFileTest", "LogRecordTest", "TimedRotatingFileHandlerTest",
        "RotatingFileHandlerTest", "ModuleLevelMiscTest", "ShutdownTest",
    },
}

# Single tests left out, the same on both sides: without source lines they
# fail before releasing a thread they started, which then keeps the process
# from ending for support.LONG_TIMEOUT (5 minutes) or for ever.
LEFT_OUT_TESTS = {
    "test.test_sys.SysModuleTest.test_current_frames",
    "test.test_sys.SysModuleTest.test_current_exceptions",
}


def _packed():
    """Never called: names every test module for the freezer."""
    import test.support.bytecode_helper
    import test.support.hashlib_helper
    import test.support.import_helper
    import test.support.logging_helper
    import test.support.os_helper
    import test.support.script_helper
    import test.support.socket_helper
    import test.support.threading_helper
    import test.support.warnings_helper
    import doctest
    import json.tool
    # Imported by computed names (import_helper.import_fresh_module,
    # import_module, unittest's lazy __getattr__), which the freezer cannot
    # see: named here so the tests can run (docs/fidelity.md).
    import test.datetimetester
    import asyncore
    import smtpd
    import sre_compile, sre_constants, sre_parse
    import unittest.async_case
    # Helper modules of the tests imported in test functions: the freezer
    # does not follow a stdlib function's import of a development tool
    # (test, unittest, doctest...), and test.* modules count as stdlib.
    import test.re_tests
    # Scripts the tests run as `sys.executable SCRIPT` from beside their
    # own module (support.findfile, os.path.dirname(__file__)): a frozen
    # child runs a packed module's file as python3 runs the script
    # (docs/user-guide.md, "Child processes").
    import test._test_atexit, test.tf_inherit_check
    import test.dataclass_module_1, test.dataclass_module_1_str, test.dataclass_textanno
    import test.dataclass_module_2, test.dataclass_module_2_str
    import test.test_string, test.test_re, test.test_unicode, test.test_unicodedata
    import test.test_codecs, test.test_textwrap, test.test_fstring, test.test_format
    import test.test_csv, test.test_base64, test.test_binascii, test.test_quopri
    import test.test_html, test.test_htmlparser, test.test_difflib, test.test_shlex
    import test.test_pprint, test.test_reprlib, test.test_plistlib, test.test_tokenize
    import test.test_json.test_decode, test.test_json.test_default, test.test_json.test_dump
    import test.test_json.test_encode_basestring_ascii, test.test_json.test_enum
    import test.test_json.test_fail, test.test_json.test_float, test.test_json.test_indent
    import test.test_json.test_pass1, test.test_json.test_pass2, test.test_json.test_pass3
    import test.test_json.test_recursion, test.test_json.test_scanstring
    import test.test_json.test_separators, test.test_json.test_speedups
    import test.test_json.test_tool, test.test_json.test_unicode
    import test.test_email.test__encoded_words, test.test_email.test__header_value_parser
    import test.test_email.test_asian_codecs, test.test_email.test_contentmanager
    import test.test_email.test_defect_handling, test.test_email.test_generator
    import test.test_email.test_headerregistry, test.test_email.test_inversion
    import test.test_email.test_message, test.test_email.test_parser
    import test.test_email.test_pickleable, test.test_email.test_policy
    import test.test_email.test_utils
    import test.test_minidom, test.test_configparser, test.test_urlparse
    import test.test_http_cookies
    import test.test_decimal, test.test_fractions, test.test_statistics, test.test_math
    import test.test_cmath, test.test_complex, test.test_int, test.test_long
    import test.test_float, test.test_random, test.test_struct
    import test.test_collections, test.test_itertools, test.test_functools
    import test.test_dataclasses, test.test_enum, test.test_copy, test.test_heapq
    import test.test_bisect, test.test_operator, test.test_types, test.test_typing
    import test.test_abc, test.test_contextlib, test.test_graphlib, test.test_list
    import test.test_sort, test.test_array, test.test_grammar, test.test_builtin
    import test.test_descr, test.test_class, test.test_generators, test.test_coroutines
    import test.test_exception_group, test.test_patma, test.test_hash
    import test.test_pickle, test.test_marshal, test.test_zlib, test.test_gzip
    import test.test_lzma, test.test_hashlib, test.test_hmac, test.test_secrets
    import test.test_uuid
    import test.test_datetime, test.test_calendar, test.test_zoneinfo.test_zoneinfo
    import test.test_os, test.test_posix, test.test_stat, test.test_shutil
    import test.test_tempfile, test.test_glob, test.test_fnmatch, test.test_mmap
    import test.test_sys, test.test_atexit, test.test_locale, test.test_gc
    import test.test_importlib.test_api, test.test_pkgutil, test.test_zipimport
    import test.test_runpy, test.test_inspect, test.test_traceback
    import test.test_argparse, test.test_optparse, test.test_getopt, test.test_logging
    import test.test_doctest, test.test_asyncio.test_locks
    import unittest.test.test_assertions, unittest.test.test_case
    import unittest.test.test_functiontestcase, unittest.test.test_loader
    import unittest.test.test_result, unittest.test.test_runner, unittest.test.test_setups
    import unittest.test.test_skipping, unittest.test.test_suite
    import ctypes.test.test_arrays, ctypes.test.test_bitfields, ctypes.test.test_buffers
    import ctypes.test.test_callbacks, ctypes.test.test_cast, ctypes.test.test_funcptr
    import ctypes.test.test_functions, ctypes.test.test_loading, ctypes.test.test_memfunctions
    import ctypes.test.test_numbers, ctypes.test.test_pointers, ctypes.test.test_prototypes
    import ctypes.test.test_strings, ctypes.test.test_structures, ctypes.test.test_unicode


class Outcomes(unittest.TestResult):
    """Records one outcome per test id; a test with a failing subtest fails."""

    RANK = {"pass": 0, "skip": 1, "xfail": 1, "xpass": 2, "fail": 3, "error": 4}

    def __init__(self):
        super().__init__()
        self.outcome = {}
        self.details = []  # tracebacks of failures and errors

    def _set(self, test, outcome):
        key = test.id() if hasattr(test, "id") else str(test)
        old = self.outcome.get(key)
        if old is None or self.RANK[outcome] > self.RANK[old]:
            self.outcome[key] = outcome

    def addSuccess(self, test):
        super().addSuccess(test)
        self._set(test, "pass")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._set(test, "fail")
        self._detail(test, self.failures[-1][1])

    def addError(self, test, err):
        super().addError(test, err)
        self._set(test, "error")
        self._detail(test, self.errors[-1][1])

    def _detail(self, test, text):
        key = test.id() if hasattr(test, "id") else str(test)
        self.details.append(f"==== {key}\n{text}\n")

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._set(test, "skip")

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._set(test, "xfail")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._set(test, "xpass")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._set(test, "fail" if issubclass(err[0], test.failureException) else "error")
            self._detail(subtest, self._exc_info_to_string(err, test))


def decimal_suite(module):
    """test_decimal runs through its test_main(), which sets the module up
    and adds one test per file of Lib/test/decimaltestdata (not packed): the
    set-up is done here, the data-file tests are left out on both sides."""
    module.init(module.C)
    module.init(module.P)
    module.TEST_ALL = False
    loader = unittest.defaultTestLoader
    return unittest.TestSuite(loader.loadTestsFromTestCase(cls) for cls in module.all_tests)


def decimal_cleanup(module):
    """What test_main() does at the end: the decimal contexts as they were
    (test_statistics, run later, needs the default one)."""
    for impl in (module.C, module.P):
        if impl:
            impl.setcontext(module.ORIGINAL_CONTEXT[impl])


def module_suite(name, module):
    if name == "test.test_decimal":
        return decimal_suite(module)
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    left_out = LEFT_OUT_CLASSES.get(name, ())
    suite = unittest.TestSuite(t for t in _flatten(suite)
                               if type(t).__name__ not in left_out
                               and t.id() not in LEFT_OUT_TESTS)
    return suite


def _flatten(suite):
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            yield from _flatten(test)
        else:
            yield test


def check_sysconfig(out):
    """sysconfig reads its build data from the module
    _sysconfigdata__x86_64-linux-gnu, which it imports by a computed name
    and which test.support needs at import. When it is missing (a frozen
    program without it), the failure is written to RESULTS as a SETUP line
    (a difference docs/fidelity.md must list) and the module is taken from
    _pf_sysconfigdata, a copy under an importable name that fidelity.sh
    packs, so that the tests can run at all."""
    import sysconfig
    try:
        sysconfig.get_config_vars()
    except ModuleNotFoundError as exc:
        out.write(f"SETUP sysconfig.get_config_vars() ModuleNotFoundError: {exc.name}\n")
        import _pf_sysconfigdata
        sys.modules[exc.name] = _pf_sysconfigdata
        sysconfig.get_config_vars()


def main():
    args = sys.argv[1:]
    if len(args) < 2 or args[0] != "--results" or not all(a in MODULES for a in args[2:]):
        print(f"regrtest_driver: refusing command line {args!r}", file=sys.stderr)
        sys.exit(2)
    results_path = os.path.abspath(args[1])
    selection = args[2:] or MODULES

    with open(results_path, "w") as out, open(results_path + ".details", "w") as details:
        check_sysconfig(out)
        import test.support
        test.support.use_resources = []
        test.support.verbose = 0
        workdir = tempfile.mkdtemp(prefix="pf-regrtest-")
        os.chdir(workdir)
        pid = os.getpid()
        for name in selection:
            try:
                module = importlib.import_module(name)
                suite = module_suite(name, module)
            except BaseException as exc:  # noqa: a test module may raise anything
                message = str(exc).splitlines()[0] if str(exc) else ""
                out.write(f"IMPORT-ERROR {name} {type(exc).__name__}: {message}\n")
                details.write(f"==== {name}\n{traceback.format_exc()}\n")
                out.flush()
                continue
            result = Outcomes()
            # A module that hangs shows where, and ends the run.
            faulthandler.dump_traceback_later(WATCHDOG_SECONDS, exit=True)
            suite.run(result)
            faulthandler.cancel_dump_traceback_later()
            if name == "test.test_decimal":
                decimal_cleanup(module)
            if os.getpid() != pid:
                os._exit(0)  # a forked child that returned into the driver
            counts = {k: 0 for k in ("pass", "fail", "error", "skip", "xfail", "xpass")}
            for outcome in result.outcome.values():
                counts[outcome] += 1
            out.write(f"MODULE {name} run={len(result.outcome)} "
                      + " ".join(f"{k}={v}" for k, v in counts.items()) + "\n")
            for test_id in sorted(result.outcome):
                out.write(f"TEST {test_id} {result.outcome[test_id]}\n")
            details.writelines(result.details)
            out.flush()
            details.flush()
        out.write("END\n")
    os.chdir("/")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
