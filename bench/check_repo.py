#!/usr/bin/env python3
"""Wall time and peak memory of `rayguard check` on a synthetic repository,
compared in the same run with ajv-cli validating the same documents against
the same RayCluster schema.

  bench/check_repo.py --rayguard build/webhook/cli/rayguard [--work /tmp/rg-bench]

The repository is 1,000 YAML files of 10 RayClusters each (KubeRay's
ray-cluster.complete.yaml sample with a unique name per document). ajv-cli
reads one document per JSON file (it cannot read multi-document YAML), so
rayguard is also timed on those 10,000 JSON files. ajv-cli is installed with
npm into the work directory; nothing is installed system-wide.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "tests/fixtures/samples/ray-cluster.complete.yaml")
CRD = os.path.join(ROOT, "schemas/crds/ray.io_rayclusters.yaml")


def run(cmd, **kw):
    """Runs cmd; returns (exit code, wall s, CPU s, peak RSS MiB)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, **kw)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    if proc.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed ({proc.returncode}): {err[:2000]}")
    cpu = usage.ru_utime + usage.ru_stime
    return proc.returncode, wall, cpu, usage.ru_maxrss / 1024


def generate(work, files, per_file):
    repo, js = os.path.join(work, "repo"), os.path.join(work, "json")
    if os.path.isdir(repo):
        return repo, js
    os.makedirs(repo)
    os.makedirs(js)
    text = open(SAMPLE).read()
    for f in range(files):
        docs = []
        for d in range(per_file):
            name = f"cluster-{f:04d}-{d:02d}"
            docs.append(text.replace("name: raycluster-complete", f"name: {name}", 1))
        with open(os.path.join(repo, f"team-{f:04d}.yaml"), "w") as out:
            out.write("---\n".join(docs))
    return repo, js


def install_ajv(work):
    prefix = os.path.join(work, "ajv")
    ajv = os.path.join(prefix, "node_modules/.bin/ajv")
    if not os.path.exists(ajv):
        subprocess.check_call(["npm", "install", "--no-audit", "--no-fund",
                               "--prefix", prefix, "ajv-cli@5"],
                              stdout=subprocess.DEVNULL)
    return prefix, ajv


def to_json(prefix, repo, js, work):
    """YAML -> JSON with js-yaml (from ajv-cli's own dependencies): one JSON
    file per document, and the CRD's v1 openAPIV3Schema."""
    schema = os.path.join(work, "raycluster.schema.json")
    script = r"""
const fs = require('fs'), path = require('path'), yaml = require('js-yaml');
const [repo, js, crd, schema] = process.argv.slice(1);
if (fs.readdirSync(js).length === 0) {
  for (const f of fs.readdirSync(repo).sort()) {
    yaml.loadAll(fs.readFileSync(path.join(repo, f), 'utf8')).forEach((d, i) =>
      fs.writeFileSync(path.join(js, `${f}.${i}.json`), JSON.stringify(d)));
  }
}
const v1 = yaml.load(fs.readFileSync(crd, 'utf8')).spec.versions.find(v => v.name === 'v1');
fs.writeFileSync(schema, JSON.stringify(v1.schema.openAPIV3Schema));
"""
    env = dict(os.environ, NODE_PATH=os.path.join(prefix, "node_modules"))
    subprocess.check_call(["node", "-e", script, repo, js, CRD, schema], env=env)
    return schema


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rayguard", default=os.path.join(ROOT, "build/webhook/cli/rayguard"))
    p.add_argument("--work", default="/tmp/rayguard-bench")
    p.add_argument("--files", type=int, default=1000)
    p.add_argument("--per-file", type=int, default=10)
    a = p.parse_args()
    os.makedirs(a.work, exist_ok=True)
    repo, js = generate(a.work, a.files, a.per_file)
    prefix, ajv = install_ajv(a.work)
    schema = to_json(prefix, repo, js, a.work)
    docs = a.files * a.per_file
    samples = os.path.join(ROOT, "tests/fixtures/samples")
    rows = [
        ("rayguard check, all KubeRay samples (159 documents)",
         [a.rayguard, "check", "-o", "json", samples], None),
        (f"rayguard check, {docs} RayClusters in {a.files} YAML files",
         [a.rayguard, "check", "-o", "json", repo], docs),
        (f"rayguard check -j 1, same",
         [a.rayguard, "check", "-j", "1", "-o", "json", repo], docs),
        (f"rayguard check, same {docs} documents as JSON files",
         [a.rayguard, "check", "-o", "json", js], docs),
        (f"ajv-cli 5, same {docs} documents as JSON files",
         [ajv, "validate", "--strict=false", "--validate-formats=false",
          "-s", schema, "-d", os.path.join(js, "*.json")], docs),
    ]
    load = os.getloadavg()[0]
    print(f"cores: {os.cpu_count()}, load average at start: {load:.1f}")
    print("| run | wall (s) | CPU (s) | docs/s (wall) | docs per CPU-s | peak RSS (MiB) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, cmd, n in rows:
        _, wall, cpu, rss = run(cmd)
        rate = f"{n / wall:,.0f}" if n else "-"
        per_cpu = f"{n / cpu:,.0f}" if n else "-"
        print(f"| {label} | {wall:.2f} | {cpu:.2f} | {rate} | {per_cpu} | {rss:.0f} |",
              flush=True)


if __name__ == "__main__":
    main()
