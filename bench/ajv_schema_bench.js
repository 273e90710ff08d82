// ajv baseline for bench/schema_bench.cc: compiles the same generated
// RayCluster schema and validates every sample RayCluster on one core.
// Run through bench/ajv_schema_bench.sh, which installs ajv and js-yaml.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const yaml = require('js-yaml');

const root = path.resolve(__dirname, '..');
const schema = JSON.parse(
    fs.readFileSync(path.join(root, 'schemas/ray.io_v1_raycluster.json')));

let t0 = process.hrtime.bigint();
let cpu0 = process.cpuUsage();
const ajv = new Ajv({strict: false, allErrors: false, logger: false});
// The formats the KubeRay CRDs use, checked as rayguard checks them.
ajv.addFormat('int32', {type: 'number',
  validate: (x) => Number.isInteger(x) && x >= -2147483648 && x <= 2147483647});
ajv.addFormat('int64', {type: 'number', validate: (x) => Number.isInteger(x)});
ajv.addFormat('date-time',
  /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/);
const validate = ajv.compile(schema);
const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
const compileCpuMs = cpuMs(process.cpuUsage(cpu0));

function cpuMs(u) { return (u.user + u.system) / 1000; }

const docs = [];
const samples = path.join(root, 'tests/fixtures/samples');
for (const f of fs.readdirSync(samples).sort()) {
  if (!f.endsWith('.yaml')) continue;
  for (const d of yaml.loadAll(fs.readFileSync(path.join(samples, f), 'utf8'))) {
    if (d && d.kind === 'RayCluster') docs.push(d);
  }
}
const invalid = docs.filter((d) => !validate(d));
for (const d of invalid) {
  validate(d);
  console.log(`ajv rejects ${d.metadata.name}: ${JSON.stringify(validate.errors[0])}`);
}

let n = 0;
t0 = process.hrtime.bigint();
cpu0 = process.cpuUsage();
const deadline = t0 + 3000000000n;
while (process.hrtime.bigint() < deadline) {
  for (const d of docs) validate(d);
  n += docs.length;
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const cpuSecs = cpuMs(process.cpuUsage(cpu0)) / 1000;
console.log(`ajv ${require('ajv/package.json').version}: compile ${compileMs.toFixed(0)} ms ` +
            `(CPU ${compileCpuMs.toFixed(0)} ms); ${docs.length} sample RayClusters ` +
            `(${invalid.length} rejected): ${Math.round(n / secs)} documents/s wall, ` +
            `${Math.round(n / cpuSecs)} documents/s CPU (${(1e6 * cpuSecs / n).toFixed(1)} us CPU each)`);
