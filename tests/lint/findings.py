#!/usr/bin/env python3
"""make lint: gather the findings of clang's static analyzer (scan-build's
.plist reports) and of cppcheck, and check each against the suppressions
file.  Exit status 1 when a finding is not listed there, or an entry has
no reason; 0 otherwise.

    findings.py SCAN_DIR CPPCHECK_OUTPUT SUPPRESSIONS

A finding is keyed by FILE | CHECK | FUNCTION | MESSAGE, without its line,
so that edits elsewhere in a file do not invalidate the list."""
import glob
import os
import plistlib
import sys

SEP = " | "


def rel(path):
    path = os.path.normpath(path)
    if os.path.isabs(path):
        r = os.path.relpath(path)
        if not r.startswith(".."):
            return r
    return path


def clang_findings(scan_dir):
    found = {}
    for p in sorted(glob.glob(os.path.join(scan_dir, "**", "*.plist"),
                              recursive=True)):
        with open(p, "rb") as f:
            d = plistlib.load(f)
        files = d.get("files", [])
        for diag in d.get("diagnostics", []):
            loc = diag["location"]
            key = (rel(files[loc["file"]]),
                   "clang:" + diag.get("check_name", "?"),
                   diag.get("issue_context") or "-",
                   diag["description"])
            found.setdefault(key, set()).add(loc["line"])
    return found


def cppcheck_findings(path):
    # cppcheck --template='{file}|{line}|{id}|{message}'
    found = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            parts = line.split("|", 3)
            if len(parts) != 4:
                key = ("?", "cppcheck:output", "-", line)
                found.setdefault(key, set()).add(0)
                continue
            fname, lno, cid, msg = parts
            key = (rel(fname), "cppcheck:" + cid, "-", msg)
            found.setdefault(key, set()).add(int(lno) if lno.isdigit() else 0)
    return found


def suppressions(path):
    entries, bad = {}, []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = [p.strip() for p in line.split(SEP, 4)]
            if len(parts) != 5 or not parts[4]:
                bad.append("%s:%d: expected FILE | CHECK | FUNCTION | "
                           "MESSAGE | REASON" % (path, n))
                continue
            entries[tuple(parts[:4])] = (n, parts[4])
    return entries, bad


def main(argv):
    if len(argv) != 4:
        sys.stderr.write("usage: findings.py SCAN_DIR CPPCHECK_OUTPUT "
                         "SUPPRESSIONS\n")
        return 2
    found = clang_findings(argv[1])
    found.update(cppcheck_findings(argv[2]))
    known, bad = suppressions(argv[3])
    for b in bad:
        print("lint: " + b)
    new = sorted(k for k in found if k not in known)
    for k in new:
        lines = ",".join(str(x) for x in sorted(found[k]))
        print("lint: %s:%s: %s in %s: %s" % (k[0], lines, k[1], k[2], k[3]))
    if new:
        print("lint: list a finding in %s only with the reason it stays:"
              % argv[3])
        for k in new:
            print("  " + SEP.join(k) + SEP + "REASON")
    stale = sorted(k for k in known if k not in found)
    for k in stale:
        print("lint: note: %s:%d is no longer reported: %s"
              % (argv[3], known[k][0], SEP.join(k)))
    print("lint: %d findings: %d listed, %d new; %d entries no longer "
          "reported" % (len(found), len(found) - len(new), len(new),
                        len(stale)))
    return 1 if new or bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
