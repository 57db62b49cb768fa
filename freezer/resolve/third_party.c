/* third_party.c - Python helpers for third-party packages; see
 * third_party.h. They are Python because the answers come from CPython's
 * own importlib.metadata and site modules: reimplementing those in C would
 * only drift from what python3.11 does. The resolver's collection rules
 * that use them are third_party_collect.c. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "third_party.h"

static const char helpers_source[] =
    /* importlib.metadata only where owner() needs it: importing it costs
     * about 30 ms (email, zipfile, csv... 100 modules), a fifth of a warm
     * freeze of a program with no third-party package. */
    "import os, sys, importlib.machinery as _m\n"
    "_EXT = tuple(_m.EXTENSION_SUFFIXES)\n"
    "_dists = {}\n"
    "def _tops(d):\n"
    "    text = d.read_text('top_level.txt')\n"
    "    if text:\n"
    "        return {l.strip().replace('\\\\', '/').split('/')[0] for l in text.splitlines()\n"
    "                if l.strip()}\n"
    "    names = set()\n"
    "    for f in d.files or ():\n"
    "        p = f.parts\n"
    "        if not p or p[0] in ('..', '__pycache__') or p[0].endswith(('.dist-info',\n"
    "                '.egg-info', '.data')):\n"
    "            continue\n"
    "        if len(p) > 1:\n"
    "            names.add(p[0])\n"
    "        elif p[0].endswith('.py'):\n"
    "            names.add(p[0][:-3])\n"
    "        elif p[0].endswith(_EXT):\n"
    "            names.add(p[0].split('.')[0])\n"
    "    name = d.metadata['Name']\n"
    "    if not names and name:\n"
    "        names.add(name.replace('-', '_').replace('.', '_').lower())\n"
    "    return names\n"
    "def owner(directory, top):\n"
    "    if directory not in _dists:\n"
    "        import importlib.metadata as _md\n"
    "        found = []\n"
    "        for d in _md.distributions(path=[directory]):\n"
    "            path = getattr(d, '_path', None)\n"
    "            if path is None:\n"
    "                continue\n"
    "            found.append((d.metadata['Name'] or '?', d.version or '?', str(path), _tops(d)))\n"
    "        found.sort(key=lambda t: t[2])\n"
    "        _dists[directory] = found\n"
    "    for name, version, path, tops in _dists[directory]:\n"
    "        if top in tops:\n"
    "            return (name, version, path)\n"
    "    return None\n"
    "def entry_point_modules(dirs, groups):\n"
    "    import importlib.metadata as _md\n"
    "    out, names = [], set()\n"
    "    for d in _md.distributions(path=list(dirs)):\n"
    "        name = _md.Prepared.normalize(d.metadata['Name'] or '')\n"
    "        if name in names:\n"
    "            continue\n"
    "        names.add(name)\n"
    "        for ep in d.entry_points:\n"
    "            if ep.group in groups and ep.module not in out:\n"
    "                out.append(ep.module)\n"
    "    return out\n"
    "def _files(root, rel):\n"
    "    out = []\n"
    "    seen = set()\n"
    "    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):\n"
    "        real = os.path.realpath(dirpath)\n"
    "        if real in seen:\n"
    "            dirnames[:] = []\n"
    "            continue\n"
    "        seen.add(real)\n"
    "        dirnames[:] = sorted(n for n in dirnames if n != '__pycache__')\n"
    "        for n in sorted(filenames):\n"
    "            if n.endswith(('.pyc', '.pyo')):\n"
    "                continue\n"
    "            p = os.path.join(dirpath, n)\n"
    "            if os.path.isfile(p):\n"
    "                out.append((p, os.path.join(rel, os.path.relpath(p, root))))\n"
    "    return out\n"
    "def metadata_files(path):\n"
    "    base = os.path.basename(path)\n"
    "    if os.path.isfile(path):\n"
    "        return [(path, base)]\n"
    "    return _files(path, base)\n"
    "def named_metadata(dirs, names):\n"
    "    import importlib.metadata as _md, re\n"
    "    out, todo, done = [], list(names), set()\n"
    "    while todo:\n"
    "        name = _md.Prepared.normalize(todo.pop(0))\n"
    "        if name in done:\n"
    "            continue\n"
    "        done.add(name)\n"
    "        d = next(iter(_md.distributions(name=name, path=list(dirs))), None)\n"
    "        path = getattr(d, '_path', None)\n"
    "        if path is None:\n"
    "            continue\n"
    "        out.append(str(path))\n"
    "        for req in d.requires or ():\n"
    "            m = re.match(r'[A-Za-z0-9][A-Za-z0-9._-]*', req)\n"
    "            if m and 'extra' not in req.partition(';')[2]:\n"
    "                todo.append(m.group(0))\n"
    "    return out\n"
    "def _is_module_dir(p):\n"
    "    try:\n"
    "        return any(n.endswith('.py') or n.endswith(_EXT) for n in os.listdir(p))\n"
    "    except OSError:\n"
    "        return False\n"
    "def walk(package, directory, include_tests):\n"
    "    mods = []\n"
    "    def rec(name, d):\n"
    "        try:\n"
    "            entries = sorted(os.scandir(d), key=lambda e: e.name)\n"
    "        except OSError:\n"
    "            return\n"
    "        for e in entries:\n"
    "            n = e.name\n"
    "            if e.is_dir():\n"
    "                if n == '__pycache__' or not n.isidentifier():\n"
    "                    continue\n"
    "                if n in ('tests', 'test') and not include_tests:\n"
    "                    continue\n"
    "                if _is_module_dir(e.path):\n"
    "                    mods.append(name + '.' + n)\n"
    "                    rec(name + '.' + n, e.path)\n"
    "            elif n.endswith('.py') and n[:-3].isidentifier() and n != '__init__.py':\n"
    "                mods.append(name + '.' + n[:-3])\n"
    "            else:\n"
    "                for s in _EXT:\n"
    "                    if n.endswith(s) and n[:-len(s)].isidentifier():\n"
    "                        mods.append(name + '.' + n[:-len(s)])\n"
    "                        break\n"
    "    rec(package, directory)\n"
    "    return mods\n"
    "def package_data(directory, top_directory):\n"
    "    out = []\n"
    "    try:\n"
    "        entries = sorted(os.scandir(directory), key=lambda e: e.name)\n"
    "    except OSError:\n"
    "        return out\n"
    "    for e in entries:\n"
    "        n = e.name\n"
    "        rel = os.path.relpath(e.path, top_directory)\n"
    "        if e.is_dir():\n"
    "            if n == '__pycache__' or (n.isidentifier() and _is_module_dir(e.path)\n"
    "                                      and os.path.exists(os.path.join(e.path, "
    "'__init__.py'))):\n"
    "                continue\n"
    "            if n.isidentifier() and _is_module_dir(e.path):\n"
    "                out.extend(package_data(e.path, top_directory))\n"
    "                continue\n"
    "            out.extend(_files(e.path, rel))\n"
    "        elif e.is_file():\n"
    "            if n.endswith(('.py', '.pyc', '.pyo')) or n.endswith(_EXT):\n"
    "                continue\n"
    "            out.append((e.path, rel))\n"
    "    return out\n"
    "def add_data(src, dest):\n"
    "    dest = os.path.normpath(dest)\n"
    "    if os.path.isabs(dest) or dest == '..' or dest.startswith('../'):\n"
    "        raise ValueError(f'--add-data {src}:{dest}: DEST must be a relative path inside '\n"
    "                         'the program, e.g. mypkg/data or .')\n"
    "    if os.path.isdir(src):\n"
    "        return _files(src, dest)\n"
    "    if os.path.isfile(src):\n"
    "        return [(os.path.abspath(src), os.path.normpath(os.path.join(dest,\n"
    "                 os.path.basename(src))))]\n"
    "    raise ValueError(f'--add-data {src}:{dest}: {src} is not a file or directory')\n"
    "def venv_paths(venv):\n"
    "    import site\n"
    "    sp = os.path.join(venv, 'lib', 'python%d.%d' % sys.version_info[:2], 'site-packages')\n"
    "    cfg = os.path.join(venv, 'pyvenv.cfg')\n"
    "    if not os.path.isfile(cfg) or not os.path.isdir(sp):\n"
    "        import glob\n"
    "        other = sorted(os.path.basename(os.path.dirname(d)) for d in\n"
    "                       glob.glob(os.path.join(venv, 'lib', 'python3.*', 'site-packages')))\n"
    "        why = (f'it is a {other[0]} one' if other and os.path.isfile(cfg)\n"
    "               else f'no pyvenv.cfg or no {sp}')\n"
    "        raise ValueError(f'{venv} is not a python%d.%d virtual environment ({why})'\n"
    "                         % sys.version_info[:2])\n"
    "    include = False\n"
    "    with open(cfg, encoding='utf-8') as f:\n"
    "        for line in f:\n"
    "            k, _, v = line.partition('=')\n"
    "            if k.strip().lower() == 'include-system-site-packages':\n"
    "                include = v.strip().lower() == 'true'\n"
    "    saved = sys.path[:]\n"
    "    try:\n"
    "        sys.path[:] = []\n"
    "        site.addsitedir(sp)\n"
    "        dirs = list(sys.path)\n"
    "    finally:\n"
    "        sys.path[:] = saved\n"
    "    return dirs, include\n";

PyObject *pfz_tp_helpers(pf_error *err)
{
    PyObject *ns = PyDict_New();
    PyObject *builtins = PyEval_GetBuiltins(); /* borrowed */
    PyObject *code = ns != NULL
                         ? Py_CompileString(helpers_source, "<pyfreeze third_party>", Py_file_input)
                         : NULL;
    PyObject *r = NULL;
    if (code != NULL && PyDict_SetItemString(ns, "__builtins__", builtins) == 0) {
        r = PyEval_EvalCode(code, ns, ns);
    }
    Py_XDECREF(code);
    if (r == NULL) {
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        PyObject *text = value != NULL ? PyObject_Str(value) : NULL;
        const char *msg = text != NULL ? PyUnicode_AsUTF8(text) : NULL;
        pf_error_set(err, PF_ERR_PYTHON, "cannot set up the third-party helpers: %s",
                     msg != NULL ? msg : "unknown error");
        Py_XDECREF(text);
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        PyErr_Clear();
        Py_XDECREF(ns);
        return NULL;
    }
    Py_DECREF(r);
    return ns;
}
