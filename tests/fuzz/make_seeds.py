#!/usr/bin/env python3
"""Writes seed corpora for the fuzz targets from the repository's fixtures.

usage: make_seeds.py OUT_DIR   (creates OUT_DIR/<target>/seed-N files)
"""
import glob
import json
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def write(out, target, items):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    for i, data in enumerate(items):
        with open(os.path.join(d, f"seed-{i}"), "wb") as f:
            f.write(data)


def files(pattern):
    for path in sorted(glob.glob(os.path.join(ROOT, pattern), recursive=True)):
        with open(path, "rb") as f:
            yield f.read()


def cel_expressions():
    exprs = []
    for path in glob.glob(os.path.join(ROOT, "policies", "**", "*.yaml"), recursive=True):
        for line in open(path, encoding="utf-8", errors="replace"):
            line = line.strip()
            for key in ("expression:", "messageExpression:"):
                if line.startswith(key) or line.startswith("- " + key):
                    exprs.append(line.split(":", 1)[1].strip().strip("'\"").encode())
    exprs += [b"object.spec.workerGroupSpecs.all(g, g.maxReplicas <= 10)",
              b"quantity('1Gi').compareTo(quantity('512Mi')) > 0",
              b"[1, 2, 3].map(x, x * 2).exists(y, y == 4) ? 'a' : \"b\"",
              b"object.metadata.?labels['team'].orValue('none').matches('^[a-z]+$')"]
    return exprs


def format_calls():
    """format() seeds as format_fuzzer.cc reads them: formatter byte, clause
    text, NUL, then tagged arguments (0 int, 1 uint, 2 double, 3 string,
    7 list or map, 9 duration)."""
    def double(d):
        return b"\x02" + struct.pack(">d", d)
    def int_(i):
        return b"\x00" + struct.pack(">q", i)
    def string(s):
        return b"\x03" + bytes([len(s)]) + s
    return [
        b"\x00%.400e\x00" + double(1.0),
        b"\x00%.300f and %.65539f\x00" + double(0.1) + double(0.123456),
        b"\x01%.1000f %e\x00" + double(1e300) + double(-5e-324),
        b"\x00%s is %d (%x %X %o %b)\x00" + string(b"ray") + int_(-42) +
        int_(255) + int_(255) + int_(8) + int_(5),
        b"\x00%s\x00\x07\x01\x03" + string(b"k") + b"\x09" + b"\x00" * 8 + int_(1),
        b"\x00%.99999999999999999999f %.f %.12\x00" + double(2.5),
        b"\x00%s %s\x00" + string(b"a") + string(b"b") + string(b"c"),
        b"\x01100%% %\xc3\xa9\x00" + int_(1),
    ]


def json_pairs():
    docs = [json.dumps(json.loads(d)).encode()
            for d in files("tests/fixtures/admission/*.json")][:6]
    pairs = [b'{"a":[1,2,3]}\0{"a":[1,3,{"b/c~":4}]}']
    for a, b in zip(docs, docs[1:]):
        pairs.append(a + b"\0" + b)
    return pairs


def json_renderings():
    """The JSON fixtures re-rendered compact and indented (ensure_ascii off),
    for the JSON reader: both layouts kubectl and generators write."""
    out = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/fixtures/**/*.json"),
                                 recursive=True))[:20]:
        try:
            doc = json.load(open(path, encoding="utf-8"))
        except ValueError:
            continue
        out.append(json.dumps(doc).encode())
        out.append(json.dumps(doc, indent=2, ensure_ascii=False).encode())
    return out


def main():
    out = sys.argv[1]
    write(out, "json_patch", json_pairs())
    write(out, "cel", cel_expressions())
    write(out, "format", format_calls())
    write(out, "admission", list(files("tests/fixtures/admission/*.json")))
    write(out, "yaml", list(files("tests/fixtures/samples/*.yaml"))[:40])
    write(out, "policy", list(files("policies/*.yaml")))
    write(out, "block_reader", list(files("tests/fixtures/**/*.yaml")) +
          list(files("tests/fixtures/**/*.json")) + json_renderings())


if __name__ == "__main__":
    main()
