# build_report.py - renders one freeze's build report (JSON or a
# self-contained HTML page) and its CycloneDX 1.5 SBOM from the facts
# build_report.c gathers (freezer/report/build_report.h). It adds what the
# machine knows about the packed files: the Debian package owning each
# library (dpkg's database: info/*.list and status, as `dpkg -S` and
# `dpkg-query` read them), the licences Debian's machine-readable copyright
# files declare (DEP-5 License fields), and each distribution's licence from
# its metadata (importlib.metadata: License-Expression, License, classifiers).
# Formats: docs/report-format.md. Runs in the freezer's embedded python3.11;
# it reads files and returns text, and writes nothing.
import html
import json
import os
import sys

DPKG = "/var/lib/dpkg"
DOC = "/usr/share/doc"


def render(facts, want_json, want_html, want_sbom):
    """(json text, html text, sbom text), each None when not asked for."""
    global DPKG, DOC
    DPKG = os.path.join(facts["system_root"], "var/lib/dpkg")
    DOC = os.path.join(facts["system_root"], "usr/share/doc")
    report = build(facts)
    out_json = json.dumps(report, indent=1, ensure_ascii=True) + "\n" if want_json else None
    out_html = page(report) if want_html else None
    if out_html is not None:  # a file name that is not UTF-8 stays visible, escaped
        out_html = out_html.encode("utf-8", "backslashreplace").decode("utf-8")
    out_sbom = json.dumps(sbom(report, facts), indent=1) + "\n" if want_sbom else None
    return out_json, out_html, out_sbom


# ---- the report ----

def build(facts):
    dists = distributions(facts)
    by_top = {d["top_level"]: d for d in dists if d["top_level"]}
    modules = [module_record(m, by_top) for m in facts["modules"]]
    by_member = {m["member"]: m for m in modules if m["member"]}
    pvm = pvm_packages(facts.get("pvm_versions"))
    libs = libraries(facts, pvm)
    members = [member_record(m, by_member, by_top, dists, facts) for m in facts["members"]]
    for d in dists:
        mine = [m for m in members if m["distribution"] == d["name"]]
        d["modules"] = sum(1 for m in modules if m["distribution"] == d["name"])
        d["size"] = sum(m["size"] for m in mine)
        d["compressed"] = sum(m["compressed"] for m in mine)
    sizes = {m["path"]: m for m in members}
    for lib in libs:
        lib["compressed"] = sizes.get(lib["member"], {}).get("compressed")
    python = {"implementation": "CPython", "version": "%d.%d.%d" % sys.version_info[:3]}
    for p in pvm:
        if p["name"] == "python3.11":
            python["debian_source"] = {"package": "python3.11", "version": p["version"]}
    entry = ({"script": facts["script"]} if facts["script"] else
             {"module": facts["module"]} if facts["module"] else {"python": True})
    return {
        "schema": facts["schema"],
        "tool": {"name": "pyfreeze", "version": facts["pyfreeze_version"]},
        "program": {"output": facts["output"], "entry": entry, "stub": facts["stub"],
                    "payload_size": facts["payload_size"], "python": python,
                    "built_in": pvm},
        "glibc_floor": facts["glibc_floor"],
        "totals": {"members": len(members), "size": sum(m["size"] for m in members),
                   "compressed": sum(m["compressed"] for m in members)},
        "members": members,
        "modules": modules,
        "libraries": libs,
        "distributions": dists,
        "left_out": left_out(facts),
    }


def pulled_in_by(m):
    if m["main"]:
        return {"rule": "entry point"}
    if m["via"] and not m["line"]:
        rule = {"rule": m["via"]}
        if m["importer"]:
            rule["module"] = m["importer"]
        return rule
    if m["importer"]:
        return {"import": m["importer"], "file": m["importer_file"], "line": m["line"],
                **({"rule": m["via"]} if m["via"] else {})}
    return {"rule": m["via"] or "root"}


def distribution_of(name, by_top, stdlib):
    if stdlib:
        return "python"
    top = name.split(".")[0]
    d = by_top.get(top)
    return d["name"] if d else None


def module_record(m, by_top):
    return {"name": m["name"], "kind": m["kind"], "member": m["member"], "origin": m["origin"],
            "distribution": distribution_of(m["name"], by_top, m["stdlib"]),
            "pulled_in_by": pulled_in_by(m)}


def member_record(f, by_member, by_top, dists, facts):
    path = f["path"]
    rec = {"path": path, "kind": f["kind"], "module": None, "distribution": None,
           "size": f["size"], "compressed": f["compressed"]}
    mod = by_member.get(path)
    if mod is not None:
        rec["module"] = mod["name"]
        rec["distribution"] = mod["distribution"]
        rec["pulled_in_by"] = mod["pulled_in_by"]
        if f["kind"] == "bytecode":
            rec["kind"] = "package" if mod["kind"] == "package" else "module"
        return rec
    parts = path.split("/")
    if f["kind"] == "library":
        rec["distribution"] = "shared libraries"
        return rec
    if len(parts) > 2 and parts[0] == "lib" and parts[1].endswith((".dist-info", ".egg-info")):
        rec["kind"] = "metadata"
        for d in dists:
            if d["metadata"] == parts[1]:
                rec["distribution"] = d["name"]
        return rec
    if len(parts) > 1 and parts[0] == "lib":
        stem = parts[1].split(".")[0]
        d = by_top.get(stem)
        rec["distribution"] = d["name"] if d else None
        if rec["distribution"] is None and stem in {m["name"] for m in facts["modules"]
                                                    if m["stdlib"]}:
            rec["distribution"] = "python"
    return rec


def distributions(facts):
    """Each distribution packed (a 'distribution' note), with licence."""
    origins = {d["member"]: d["origin"] for d in facts["data"]}
    out = []
    for n in facts["notes"]:
        if n["kind"] != "distribution":
            continue
        meta = origins.get("lib/%s/METADATA" % n["file"]) or origins.get(
            "lib/%s/PKG-INFO" % n["file"])
        d = {"name": n["distribution"], "version": n["version"], "metadata": n["file"],
             "top_level": n["module"], "modules": n["count0"], "licence": None, "debian": None}
        if meta:
            d["licence"] = metadata_licence(os.path.dirname(meta))
            d["debian"] = dpkg_owner([meta])
        out.append(d)
    return out


def metadata_licence(directory):
    import importlib.metadata
    import pathlib
    try:
        md = importlib.metadata.PathDistribution(pathlib.Path(directory)).metadata
    except Exception:
        return None
    expr = md.get("License-Expression")
    if expr:
        return {"expression": expr, "from": "License-Expression"}
    names = [c.split("::")[-1].strip() for c in md.get_all("Classifier") or []
             if c.startswith("License ::") and c.count("::") >= 2]
    text = (md.get("License") or "").strip()
    if text and "\n" not in text and len(text) <= 100 and text.upper() != "UNKNOWN":
        return {"name": text, "from": "License", "classifiers": names}
    if names:
        return {"name": " AND ".join(names), "from": "classifiers", "classifiers": names}
    return None


# ---- Debian: who owns a file, its version, its licence ----

_dpkg_lists = None


def _candidates(path):
    """path as dpkg may have recorded it: as given, resolved, and with or
    without /usr (merged-/usr systems install /lib as /usr/lib)."""
    out = {path, os.path.realpath(path)}
    for p in list(out):
        if p.startswith("/usr/"):
            out.add(p[4:])
        elif p.startswith("/"):
            out.add("/usr" + p)
    return out


def dpkg_owner(paths):
    """{package, architecture, version, source, source_version, licence}
    of the Debian package owning one of paths, or None."""
    global _dpkg_lists
    if _dpkg_lists is None:
        _dpkg_lists = {}
        try:
            for name in sorted(os.listdir(os.path.join(DPKG, "info"))):
                if name.endswith(".list"):
                    with open(os.path.join(DPKG, "info", name), "rb") as f:
                        _dpkg_lists[name[:-5]] = b"\n" + f.read()
        except OSError:
            pass
    wanted = set()
    for p in paths:
        wanted |= _candidates(p)
    for pkg, listing in _dpkg_lists.items():
        if any(b"\n" + os.fsencode(c) + b"\n" in listing for c in wanted):
            name, _, arch = pkg.partition(":")
            info = dpkg_status(name, arch)
            info["licence"] = debian_licence(name)
            copyright = os.path.join(DOC, name, "copyright")
            info["copyright"] = copyright if os.path.isfile(copyright) else None
            return info
    return None


_dpkg_stanzas = None


def dpkg_status(name, arch):
    """Version and source of installed package name (dpkg's status file)."""
    global _dpkg_stanzas
    info = {"package": name, "architecture": arch or None, "version": None, "source": name,
            "source_version": None}
    if _dpkg_stanzas is None:
        try:
            with open(os.path.join(DPKG, "status"), encoding="utf-8", errors="replace") as f:
                _dpkg_stanzas = f.read().split("\n\n")
        except OSError:
            _dpkg_stanzas = []
    for s in _dpkg_stanzas:
        fields = {}
        for line in s.splitlines():
            if line and not line[0].isspace() and ":" in line:
                k, _, v = line.partition(":")
                fields[k] = v.strip()
        if fields.get("Package") != name or (arch and fields.get("Architecture") not in (
                arch, "all")) or "installed" not in fields.get("Status", ""):
            continue
        info["version"] = fields.get("Version")
        info["architecture"] = fields.get("Architecture")
        src = fields.get("Source", name).split()
        info["source"] = src[0]
        info["source_version"] = src[1].strip("()") if len(src) > 1 else info["version"]
        break
    return info


def debian_licence(package):
    """The licences a DEP-5 copyright file's Files paragraphs declare, or None."""
    try:
        with open(os.path.join(DOC, package, "copyright"), encoding="utf-8",
                  errors="replace") as f:
            text = f.read()
    except OSError:
        return None
    if not text.startswith("Format:"):
        return None  # not machine-readable (DEP-5)
    names = []
    for para in text.split("\n\n"):
        if not any(line.startswith("Files:") for line in para.splitlines()):
            continue
        for line in para.splitlines():
            if line.startswith("License:"):
                value = line[8:].strip()
                if value and value not in names:
                    names.append(value)
    return names or None


def libraries(facts, pvm):
    built_by = pvm_libraries(facts.get("pvm_versions"))
    binary = pvm_binary_packages(facts.get("pvm_versions"))
    out = []
    for lib in facts["libraries"]:
        deb = dpkg_owner([lib["origin"]])
        built = pvm_source(lib["origin"], lib["soname"], pvm, built_by) if deb is None else None
        if deb is None and built is None:
            deb = binary.get(os.path.basename(lib["origin"])) or binary.get(lib["soname"])
        licence = deb["licence"] if deb else [built["licence"]] if built else None
        out.append({"soname": lib["soname"], "member": lib["member"], "origin": lib["origin"],
                    "size": lib["size"], "needs": lib["needs"], "debian": deb,
                    "pvm_source": built, "licence": licence})
    return out


def pvm_source(origin, soname, pvm, built_by=None):
    """The PVM source package (pvm-versions.json) that built the library at
    origin: the PVM builds each in <root>/pvm/src/<source package>/ and
    installs it in <root>/opt/pvm/lib (pvm/README.md); an installed PVM
    (lib/pyfreeze/pvm/lib) has no source tree, but built_by, its
    pvm-libraries.json, names each library's package (cmake/pvm_libraries.py).
    None when not found."""
    root, sep, _ = origin.partition("/opt/pvm/")
    if not sep:
        name = (built_by or {}).get(soname) or (built_by or {}).get(os.path.basename(origin))
        for p in pvm:
            if name is not None and p["name"] == name:
                return {"package": p["name"], "version": p["version"],
                        "licence": p["licence"]}
        return None
    names = {os.path.basename(origin), soname}
    for p in pvm:
        top = os.path.join(root, "pvm", "src", p["name"] or "")
        for directory, subdirs, files in os.walk(top):
            if names & set(files):
                return {"package": p["name"], "version": p["version"],
                        "licence": p["licence"]}
            if directory.count("/") - top.count("/") >= 2:
                subdirs[:] = []
    return None


_pvm_copyright = {}  # {Debian 11 package: its copyright file's text}, pvm_binary_packages


def pvm_binary_packages(path):
    """{library file name: the dpkg_owner-shaped record of the Debian 11
    binary package it came from} for the libraries the PVM copied from its
    root rather than built (the Tcl/Tk libraries, pvm/build-tkinter.sh),
    from pvm-versions.json's binary_packages (pvm/record-versions.sh);
    {} when absent."""
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            records = json.load(f).get("binary_packages", [])
    except (OSError, ValueError, AttributeError):
        return {}
    out = {}
    for r in records:
        if isinstance(r, dict) and r.get("package") and isinstance(r.get("copyright_text"), str):
            _pvm_copyright[r["package"]] = r["copyright_text"]
        if isinstance(r, dict) and r.get("soname") and r.get("package"):
            out[r["soname"]] = {"package": r["package"],
                                "architecture": r.get("architecture") or None,
                                "version": r.get("version") or None,
                                "source": r.get("source") or r["package"],
                                "source_version": r.get("source_version") or None,
                                "licence": [r["licence"]] if r.get("licence") else None,
                                "copyright": None, "suite": r.get("suite")}
    return out


def pvm_libraries(path):
    """pvm-libraries.json beside pvm-versions.json at path: {soname:
    source package} of an installed PVM's libraries; {} when absent."""
    if not path:
        return {}
    try:
        with open(os.path.join(os.path.dirname(path), "pvm-libraries.json"),
                  encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def pvm_packages(path):
    if not path:
        return []
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return []
    return [{"name": p.get("source_package"), "version": p.get("version"),
             "licence": p.get("licence")} for p in data.get("packages", [])]


def left_out(facts):
    reasons = {"left_out": None, "development_tool": "a development tool a stdlib function imports",
               "build_tool": "a build or test tool", "rule": "the rules file or the package's hook"}
    edges, unresolved = [], []
    files = {m["name"]: m["origin"] for m in facts["modules"]}
    for n in facts["notes"]:
        if n["kind"] in reasons:
            edges.append({"name": n["module"], "reason": n["reason"] or reasons[n["kind"]],
                          "importer": n["importer"],
                          "file": n["file"] or files.get(n["importer"]), "line": n["line"]})
        elif n["kind"] in ("not_found", "bad_relative_import"):
            unresolved.append({"name": n["module"], "reason": n["reason"] or "not found",
                               "importer": n["importer"], "file": n["file"], "line": n["line"]})
    named = {e["name"] for e in edges}
    excluded = [{"name": x["name"], "reason": "--exclude-module"}
                for x in facts["left_out_names"] if x["excluded"]]
    parents = [x["name"] for x in facts["left_out_names"]
               if not x["excluded"] and x["name"] not in named]
    return {"imports": edges, "excluded": excluded, "parents_of_left_out": parents,
            "unresolved": unresolved, "libraries": facts["libraries_left_out"]}


# ---- CycloneDX 1.5 ----

def _purl_deb(deb):
    arch = deb.get("architecture") or "amd64"
    distro = "&distro=%s" % deb["suite"] if deb.get("suite") else ""
    return "pkg:deb/debian/%s@%s?arch=%s%s" % (deb["package"], _pct(deb["version"] or ""), arch,
                                                distro)


def _purl_source(name, version):
    """A Debian source package the PVM built (purl's deb type: arch=source)."""
    return "pkg:deb/debian/%s@%s?arch=source" % (name, _pct(version or ""))


def _pct(s):
    from urllib.parse import quote
    return quote(s, safe=".-_~")


def _licences(names):
    return [{"license": {"name": n}} for n in names or []]


def _copyright_text(deb):
    """A CycloneDX licence carrying the Debian copyright file's text, for a
    package whose file is not machine-readable (DEP-5) and so names no
    licence: the text is then the only statement of the terms (CycloneDX
    1.5, license.text is an attachment): the host's file, or for a library
    the PVM copied from its Debian 11 root the text pvm-versions.json keeps
    (pvm/record-versions.sh). [] when there is none."""
    if not deb:
        return []
    text = _pvm_copyright.get(deb["package"]) if deb.get("suite") else None
    if not text and deb.get("copyright"):
        try:
            with open(deb["copyright"], encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError:
            text = None
    if not text:
        return []
    return [{"license": {"name": "Debian copyright file of %s (not machine-readable)"
                         % deb["package"],
                         "text": {"contentType": "text/plain", "content": text}}}]


def sbom(report, facts):
    import uuid
    components, seen = [], set()
    py = report["program"]["python"]
    cpython = {"type": "framework", "bom-ref": "cpython", "name": "cpython",
               "version": py["version"], "licenses": _licences(["PSF-2.0"]),
               "purl": "pkg:generic/cpython@%s" % py["version"]}
    bundled = {lib["pvm_source"]["package"] for lib in report["libraries"] if lib["pvm_source"]}
    built = [{"type": "library", "bom-ref": "pvm:" + p["name"], "name": p["name"],
              "version": p["version"],
              "licenses": _licences([p["licence"]] if p["licence"] else []),
              "purl": _purl_source(p["name"], p["version"])}
             for p in report["program"]["built_in"]
             if p["name"] != "python3.11" and p["name"] not in bundled]
    src = py.get("debian_source")
    if src:  # the PVM is Debian's python3.11 source package, built for glibc 2.31
        cpython["properties"] = [{"name": "pyfreeze:debian-source",
                                  "value": _purl_source(src["package"], src["version"])}]
    if built:
        cpython["components"] = built
    components.append(cpython)
    for lib in report["libraries"]:
        deb = lib["debian"]
        c = {"type": "library", "bom-ref": "lib:" + lib["soname"], "name": lib["soname"],
             "version": (deb or {}).get("version") or "unknown",
             "licenses": _licences(lib["licence"]) or _copyright_text(deb)}
        src = lib["pvm_source"]
        if deb:
            c["name"] = deb["package"]
            c["purl"] = _purl_deb(deb)
        elif src:
            c["name"], c["version"] = src["package"], src["version"]
            c["purl"] = _purl_source(src["package"], src["version"])
        c["properties"] = [{"name": "pyfreeze:soname", "value": lib["soname"]},
                           {"name": "pyfreeze:member", "value": lib["member"]}]
        if c["bom-ref"] not in seen:
            seen.add(c["bom-ref"])
            components.append(c)
    for d in report["distributions"]:
        lic = d["licence"] or {}
        c = {"type": "library", "bom-ref": "pypi:" + d["name"], "name": d["name"],
             "version": d["version"] or "unknown",
             "purl": "pkg:pypi/%s@%s" % (d["name"].lower().replace("_", "-"),
                                         _pct(d["version"] or ""))}
        if lic.get("expression"):
            c["licenses"] = [{"expression": lic["expression"]}]
        elif lic.get("name"):
            c["licenses"] = _licences([lic["name"]])
        components.append(c)
    name = os.path.basename(report["program"]["output"])
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": "urn:uuid:%s" % uuid.uuid4(),
        "version": 1,
        "metadata": {
            "tools": {"components": [{"type": "application", "name": "pyfreeze",
                                      "version": report["tool"]["version"]}]},
            "component": {"type": "application", "bom-ref": "program", "name": name},
        },
        "components": components,
        "dependencies": [{"ref": "program", "dependsOn": [c["bom-ref"] for c in components]}],
    }


# ---- the HTML page ----

CSS = """body{font:14px sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;
margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}
td.n{text-align:right}h2{margin-top:1.5em}svg text{font:11px sans-serif;fill:#000}"""

# Click a column's heading to sort its table (numbers largest first).
SCRIPT = """document.querySelectorAll("th").forEach(function (th) {
  th.addEventListener("click", function () {
    var t = th.closest("table"), i = Array.prototype.indexOf.call(th.parentNode.children, th);
    var rows = Array.prototype.slice.call(t.rows, 1);
    var num = rows.every(function (r) { return r.cells[i] && r.cells[i].className === "n"; });
    rows.sort(function (a, b) {
      var x = a.cells[i].textContent, y = b.cells[i].textContent;
      return num ? Number(y) - Number(x) : x.localeCompare(y);
    });
    rows.forEach(function (r) { t.tBodies[0].appendChild(r); });
  });
});
document.body.setAttribute("data-ready", "1");"""

COLOURS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac"]


def _e(x):
    return html.escape("" if x is None else str(x))


def _table(head, rows):
    out = ["<table><tr>", "".join("<th>%s</th>" % _e(h) for h in head), "</tr>"]
    for r in rows:
        out.append("<tr>" + "".join(
            '<td class="n">%s</td>' % _e(c) if isinstance(c, int) else "<td>%s</td>" % _e(c)
            for c in r) + "</tr>")
    out.append("</table>")
    return "".join(out)


def size_map(report):
    """Nested bars: one bar per distribution (group), cut into its top-level
    packages, widths in proportion to compressed bytes (the largest group
    spans the width); each part's tooltip names it."""
    groups = {}
    for m in report["members"]:
        g = m["distribution"] or "the program"
        name = m["module"] or m["path"].split("/")[-1 if m["kind"] == "library" else 1]
        top = name.split(".")[0]
        groups.setdefault(g, {}).setdefault(top, 0)
        groups[g][top] += m["compressed"]
    total = max(1, sum(sum(v.values()) for v in groups.values()))
    largest = max([sum(v.values()) for v in groups.values()] + [1])
    width, y, parts = 900, 0, []
    for i, (g, tops) in enumerate(sorted(groups.items(), key=lambda kv: -sum(kv[1].values()))):
        gsum = sum(tops.values())
        parts.append('<text x="0" y="%d">%s: %s bytes (%.1f%%)</text>'
                     % (y + 12, _e(g), gsum, 100.0 * gsum / total))
        x = 0.0
        for j, (top, size) in enumerate(sorted(tops.items(), key=lambda kv: -kv[1])):
            w = width * size / largest
            parts.append('<rect x="%.2f" y="%d" width="%.2f" height="22" fill="%s" '
                         'stroke="#fff"><title>%s / %s: %d bytes</title></rect>'
                         % (x, y + 16, max(w, 0.5), COLOURS[(i + j) % len(COLOURS)],
                            _e(g), _e(top), size))
            x += w
        y += 44
    return '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d">%s</svg>' % (
        width, y, "".join(parts))


def page(report):
    p = report["program"]
    floor = report["glibc_floor"]
    body = ["<h1>pyfreeze build report: %s</h1>" % _e(os.path.basename(p["output"])),
            "<p>%d members, %d bytes uncompressed, %d compressed; CPython %s; "
            "needs glibc &gt;= %s (%s in %s)</p>" % (
                report["totals"]["members"], report["totals"]["size"],
                report["totals"]["compressed"], _e(p["python"]["version"]),
                _e(floor["version"] or "any"), _e(floor["symbol"]), _e(floor["file"])),
            "<h2>Size map (compressed bytes by distribution and package)</h2>", size_map(report),
            "<h2>Distributions</h2>",
            _table(["name", "version", "licence", "modules", "bytes", "compressed"],
                   [[d["name"], d["version"], (d["licence"] or {}).get("expression")
                     or (d["licence"] or {}).get("name"), d["modules"], d["size"],
                     d["compressed"]] for d in report["distributions"]]),
            "<h2>Shared libraries</h2>",
            _table(["SONAME", "origin", "package", "version", "licence", "bytes"],
                   [[lib["soname"], lib["origin"], _package(lib)[0], _package(lib)[1],
                     ", ".join(lib["licence"] or [])
                     or ("see " + lib["debian"]["copyright"]
                         if (lib["debian"] or {}).get("copyright") else ""),
                     lib["size"]]
                    for lib in report["libraries"]]),
            "<h2>Members</h2>",
            _table(["path", "kind", "module", "distribution", "pulled in by", "bytes",
                    "compressed"],
                   [[m["path"], m["kind"], m["module"], m["distribution"],
                     _why(m.get("pulled_in_by")), m["size"], m["compressed"]]
                    for m in report["members"]]),
            "<h2>Left out</h2>",
            _table(["name", "reason", "imported by", "file", "line"],
                   [[x["name"], x["reason"], x.get("importer"), x.get("file"), x.get("line")]
                    for x in report["left_out"]["imports"] + report["left_out"]["excluded"]
                    + report["left_out"]["unresolved"]]),
            _table(["library not bundled", "reason"],
                   [[x["soname"], x["reason"]] for x in report["left_out"]["libraries"]])]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>pyfreeze report</title><style>%s</style></head><body>%s<script>%s</script>"
            "</body></html>\n" % (CSS, "\n".join(body), SCRIPT))


def _package(lib):
    """(package, version) for a library's row: Debian's, or the PVM's build."""
    if lib["debian"]:
        return lib["debian"]["package"], lib["debian"]["version"]
    if lib["pvm_source"]:
        return "%s (built for the PVM)" % lib["pvm_source"]["package"], lib["pvm_source"]["version"]
    return None, None


def _why(w):
    if not w:
        return ""
    if "import" in w:
        return "import in %s (%s:%s)" % (w["import"], w.get("file"), w.get("line"))
    return w.get("rule", "")
