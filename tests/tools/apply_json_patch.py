#!/usr/bin/python3
"""Applies JSON patches with python3-jsonpatch, an RFC 6902 implementation
independent of rayguard's, so tests can check rayguard's patches against it.

Reads a JSON array of {"document": ..., "patch": [...]} from the file named
by argv[1]; prints a JSON array with, for each case, {"result": ...} or
{"error": "..."}.
"""
import json
import sys

import jsonpatch


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    out = []
    for case in cases:
        try:
            patch = jsonpatch.JsonPatch(case["patch"])
            out.append({"result": patch.apply(case["document"])})
        except Exception as e:  # report every failure to the C++ side
            out.append({"error": "%s: %s" % (type(e).__name__, e)})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
