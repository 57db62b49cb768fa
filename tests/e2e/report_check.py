"""report_check.py: the checks of e2e/report (report.sh) on what
`pyfreeze --report/--sbom` wrote. Each prints "ok: ..." or "FAIL: ..." and the
exit status is the number of failures (0: all passed).

  report_check.py json REPORT.json TAR-LISTING FLOOR
      REPORT.json against the payload as `tar --zstd -tv` lists it (every
      member, its size) and the glibc floor `pyfreeze inspect` shows.
  report_check.py sbom SBOM.cdx.json
      the CycloneDX 1.5 fields the specification requires, and the
      components the program must list.
  report_check.py schema SBOM.cdx.json SCHEMA-DIR
      SBOM.cdx.json against the CycloneDX 1.5 JSON schema in SCHEMA-DIR
      (cyclonedx/README.md) with python3-jsonschema, nothing fetched; and
      copies of it with a component type or an SPDX licence id the schema
      has not, which must fail.
  report_check.py png SCREENSHOT.png
      the PNG decodes (zlib, PNG filters undone) and has more than one colour.
"""
import json
import re
import struct
import sys
import zlib

FAILURES = 0


def check(what, ok):
    global FAILURES
    if ok:
        print("ok:", what)
    else:
        FAILURES += 1
        print("FAIL:", what)
    return ok


def tar_members(listing):
    """{path: size} from `tar -tv` lines (mode owner size date time path)."""
    out = {}
    for line in open(listing, encoding="utf-8"):
        parts = line.split(None, 5)
        if len(parts) == 6 and parts[0].startswith("-"):
            out[parts[5].rstrip("\n")] = int(parts[2])
    return out


def check_json(path, listing, floor):
    r = json.load(open(path, encoding="utf-8"))
    check("schema is pyfreeze-report/1", r.get("schema") == "pyfreeze-report/1")
    tar = tar_members(listing)
    tar.pop("pyfreeze.idx", None)  # the index (payload.h PF_INDEX_MEMBER_NAME)
    members = {m["path"]: m for m in r["members"]}
    check("every payload member is in the report (%d in the tar, %d in the report)"
          % (len(tar), len(members)), set(tar) == set(members))
    check("each member's size is its tar size",
          all(members[p]["size"] == s for p, s in tar.items() if p in members))
    total = sum(m["compressed"] for m in r["members"])
    check("compressed sizes add up to the payload, less its index frame and seek table "
          "(%d of %d)" % (total, r["program"]["payload_size"]),
          0.8 * r["program"]["payload_size"] < total <= r["program"]["payload_size"])
    kinds = {m["kind"] for m in r["members"]}
    for k in ("module", "package", "extension", "library", "metadata"):
        check("a member of kind %s" % k, k in kinds)
    m = members.get("lib/app.pyc", {})
    check("the script is the entry point", m.get("pulled_in_by") == {"rule": "entry point"})
    mods = {x["name"]: x for x in r["modules"]}
    sq = mods.get("sqlite3", {}).get("pulled_in_by", {})
    check("sqlite3 was pulled in by app.py line 3: %s" % sq,
          sq.get("import") == "__main__" and sq.get("line") == 3
          and str(sq.get("file")).endswith("app.py"))
    check("csv by --hidden-import", mods.get("csv", {}).get("pulled_in_by") ==
          {"rule": "--hidden-import"})
    check("sqlite3 is the stdlib's (distribution python)",
          mods.get("sqlite3", {}).get("distribution") == "python")
    check("_cffi_backend says it is imported from C",
          "from C" in str(mods.get("_cffi_backend", {}).get("pulled_in_by")))
    dists = {d["name"]: d for d in r["distributions"]}
    c = dists.get("cryptography", {})
    check("cryptography's distribution, version and licence: %s %s"
          % (c.get("version"), c.get("licence")),
          re.match(r"^\d+\.\d+", str(c.get("version"))) and c.get("licence"))
    check("cryptography's Debian package", (c.get("debian") or {}).get("package")
          == "python3-cryptography")
    check("cryptography's members are counted", c.get("size", 0) > 0)
    ours = sum(1 for x in r["modules"] if x.get("distribution") == "cryptography")
    check("cryptography's modules are counted: %s of %d" % (c.get("modules"), ours),
          ours > 0 and c.get("modules") == ours)
    libs = r["libraries"]
    check("bundled libraries are listed (%d)" % len(libs), len(libs) > 0)
    check("every library member is in the payload",
          all(lib["member"] in members for lib in libs))
    check("every library has its package (Debian's, or the PVM's build) and licence: %s"
          % [(x["soname"], x["licence"]) for x in libs],
          all((x["debian"] or x["pvm_source"]) and x["licence"] for x in libs))
    debs = [lib for lib in libs if lib["debian"]]
    for lib in debs:
        check("%s from %s %s, licence %s" % (lib["soname"], lib["debian"]["package"],
                                             lib["debian"]["version"], lib["licence"]),
              lib["debian"]["version"] and lib["origin"].startswith("/"))
    left = r["left_out"]
    tc = [x for x in left["imports"] if x["name"] == "tomllib"]
    check("the TYPE_CHECKING import of tomllib is left out, at line 8: %s" % tc,
          tc and tc[0]["line"] == 8 and tc[0]["importer"] == "__main__")
    check("--exclude-module tkinter is recorded",
          {"name": "tkinter", "reason": "--exclude-module"} in left["excluded"])
    check("libraries not bundled say why",
          all(x["reason"] for x in left["libraries"]) and len(left["libraries"]) > 0)
    check("the glibc floor is inspect's (%s)" % floor, r["glibc_floor"]["version"] == floor
          and r["glibc_floor"]["symbol"])
    return debs


def check_sbom(path):
    b = json.load(open(path, encoding="utf-8"))
    # CycloneDX 1.5: bomFormat and specVersion are required; serialNumber
    # (when present) is an RFC 4122 URN; version >= 1; every component has
    # a type from the enumeration and a name; bom-refs are unique.
    check("bomFormat CycloneDX", b.get("bomFormat") == "CycloneDX")
    check("specVersion 1.5", b.get("specVersion") == "1.5")
    check("serialNumber is a urn:uuid", re.match(
        r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        b.get("serialNumber", "")) is not None)
    check("version >= 1", isinstance(b.get("version"), int) and b["version"] >= 1)
    md = b.get("metadata", {})
    tools = md.get("tools", {}).get("components", [])
    check("metadata.tools names pyfreeze", any(t.get("name") == "pyfreeze" for t in tools))
    check("metadata.component is the program", md.get("component", {}).get("type") ==
          "application" and md["component"].get("name") == "app.py")
    types = {"application", "framework", "library", "container", "platform",
             "operating-system", "device", "device-driver", "firmware", "file",
             "machine-learning-model", "data"}
    comps = []

    def walk(cs):
        for c in cs:
            comps.append(c)
            walk(c.get("components", []))
    walk(b.get("components", []))
    check("every component has a valid type and a name",
          all(c.get("type") in types and c.get("name") for c in comps))
    refs = [c["bom-ref"] for c in comps if "bom-ref" in c]
    check("bom-refs are unique", len(refs) == len(set(refs)))
    known = set(refs) | {md.get("component", {}).get("bom-ref")}
    check("dependencies name known refs", all(
        d["ref"] in known and set(d.get("dependsOn", [])) <= known
        for d in b.get("dependencies", [])))
    check("every licence has an id, a name or an expression", all(
        "expression" in lic or lic.get("license", {}).get("id")
        or lic.get("license", {}).get("name") for c in comps for lic in c.get("licenses", [])))
    by = {c["name"]: c for c in comps}
    py = by.get("cpython", {})
    check("CPython %s" % py.get("version"), py.get("version") == "3.11.2"
          and py.get("purl") == "pkg:generic/cpython@3.11.2")
    cr = by.get("cryptography", {})
    check("cryptography's purl %s" % cr.get("purl"),
          re.match(r"^pkg:pypi/cryptography@\d", cr.get("purl", "")) and cr.get("licenses"))
    debs = [c for c in comps if c.get("purl", "").startswith("pkg:deb/debian/")
            and "arch=amd64" in c["purl"]]
    check("Debian libraries with deb purls (%d)" % len(debs), len(debs) > 0 and all(
        re.match(r"^pkg:deb/debian/[a-z0-9.+-]+@[^?]+\?arch=amd64$", c["purl"]) for c in debs))


def schema_errors(doc, schema_dir):
    """The messages of doc's errors against bom-1.5 in schema_dir, offline:
    the schemas' cross-references ($ref "spdx.SNAPSHOT.schema.json",
    resolved against the main schema's $id) come from schema_dir, and any
    other URL fails instead of being fetched."""
    import os
    import jsonschema
    import jsonschema._utils
    import jsonschema._validators

    # jsonschema 4.10 sorts the extra items of an additionalItems error to
    # word its message, which fails on objects (a licence list); unsorted.
    def extras_msg(extras):
        return ", ".join(repr(e) for e in extras), "was" if len(extras) == 1 else "were"
    jsonschema._utils.extras_msg = jsonschema._validators.extras_msg = extras_msg

    def load(name):
        with open(os.path.join(schema_dir, name), encoding="utf-8") as f:
            return json.load(f)
    main = load("bom-1.5.SNAPSHOT.schema.json")
    base = main["$id"].rsplit("/", 1)[0] + "/"
    store = {base + n: load(n) for n in ("spdx.SNAPSHOT.schema.json",
                                         "jsf-0.82.SNAPSHOT.schema.json")}

    def no_fetch(uri):
        raise jsonschema.RefResolutionError("not fetched (offline): %s" % uri)
    resolver = jsonschema.RefResolver.from_schema(main, store=store)
    resolver.handlers.update({"http": no_fetch, "https": no_fetch})
    validator = jsonschema.Draft7Validator(main, resolver=resolver)
    return [("/".join(str(p) for p in e.absolute_path) or "(document)") + ": " + e.message[:200]
            for e in validator.iter_errors(doc)]


def check_schema(path, schema_dir):
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        check("python3-jsonschema is installed (apt-get install python3-jsonschema)", False)
        return
    doc = json.load(open(path, encoding="utf-8"))
    errors = schema_errors(doc, schema_dir)
    for e in errors[:10]:
        print("    " + e)
    check("the SBOM is valid CycloneDX 1.5 (%d errors against bom-1.5.schema.json)"
          % len(errors), not errors)
    check("... and it holds licences, which the schema checks too",
          any(c.get("licenses") for c in doc.get("components", [])))
    broken = json.loads(json.dumps(doc))
    broken["components"][0]["type"] = "no-such-type"
    check("a component of no CycloneDX type fails the same validation",
          any("no-such-type" in e for e in schema_errors(broken, schema_dir)))
    # an SPDX id the SPDX list (spdx.SNAPSHOT.schema.json, found offline) lacks
    broken = json.loads(json.dumps(doc))
    broken["components"][0]["licenses"] = [{"license": {"id": "No-Such-SPDX-Id"}}]
    check("a licence id not in the SPDX list fails it (the SPDX schema read offline)",
          any("No-Such-SPDX-Id" in e for e in schema_errors(broken, schema_dir)))


def png_pixels(path):
    """(width, height, bytes per pixel, rows of raw pixel bytes): 8-bit PNGs
    (RGB, RGBA, grey) as Chromium writes them; PNG filters 0-4 undone."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, colour, _, _, interlace = ihdr
    assert depth == 8 and interlace == 0, "unexpected PNG format"
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def check_png(path):
    w, h, bpp, rows = png_pixels(path)
    colours = set()
    for row in rows[::4]:
        for x in range(0, len(row), bpp * 4):
            colours.add(row[x:x + bpp])
    check("the screenshot (%dx%d) has %d colours, not one" % (w, h, len(colours)),
          len(colours) > 1)


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "json":
        check_json(sys.argv[2], sys.argv[3], sys.argv[4])
    elif what == "sbom":
        check_sbom(sys.argv[2])
    elif what == "schema":
        check_schema(sys.argv[2], sys.argv[3])
    elif what == "png":
        check_png(sys.argv[2])
    sys.exit(min(FAILURES, 100))
