// Times @marcbachmann/cel-js on the expressions of cel_expressions.json over
// one object (JSON file), parse once, evaluate many times.
//
// Two adjustments make cel-js evaluate what the API server (and rayguard)
// evaluates:
//  - JSON integers become BigInt, cel-js's int, as Kubernetes decodes them
//    (cel-js would otherwise see doubles, and `maxReplicas * int(...)` has
//    no overload);
//  - cel-js has no Kubernetes lists library, so `<list>.sum()` is
//    registered as a custom function with the same meaning for int lists.
// Both happen once, before timing.
// Usage: node cel_js_compare.mjs OBJECT.json EXPRESSIONS.json
import {Environment} from '@marcbachmann/cel-js';
import {readFileSync} from 'node:fs';

const toCel = (v) => Array.isArray(v) ? v.map(toCel)
  : v !== null && typeof v === 'object'
    ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toCel(x)]))
    : Number.isInteger(v) ? BigInt(v) : v;

const object = toCel(JSON.parse(readFileSync(process.argv[2], 'utf8')));
const {expressions} = JSON.parse(readFileSync(process.argv[3], 'utf8'));
const env = new Environment({unlistedVariablesAreDyn: true})
  .registerFunction({
    name: 'sum', receiverType: 'list', returnType: 'int', params: [],
    handler: (list) => list.reduce((a, b) => a + b, 0n),
  });
expressions.forEach((text, i) => {
  const program = env.parse(text);
  let result;
  try {
    result = program({object});
  } catch (e) {
    console.log(`cel-js/${i}: error: ${e.message}`);
    return;
  }
  const iterations = 200000;
  for (let k = 0; k < 20000; ++k) program({object});  // warm up the JIT
  // Wall time, and CPU time (user + system of the whole process, so the
  // garbage collector's threads count too) to compare with Google
  // Benchmark's CPU column on a loaded machine.
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let k = 0; k < iterations; ++k) program({object});
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  const used = process.cpuUsage(cpu);
  const cpuNs = (used.user + used.system) * 1000 / iterations;
  console.log(`cel-js/${i}: ${ns.toFixed(0)} ns wall, ${cpuNs.toFixed(0)} ns CPU ` +
              `per evaluation (result ${result})`);
});
