// Times @marcbachmann/cel-js on the expressions of cel_expressions.json over
// one object (JSON file), parse once, evaluate many times.
// Usage: node cel_js_compare.mjs OBJECT.json EXPRESSIONS.json
import {parse} from '@marcbachmann/cel-js';
import {readFileSync} from 'node:fs';

const object = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const {expressions} = JSON.parse(readFileSync(process.argv[3], 'utf8'));
expressions.forEach((text, i) => {
  const program = parse(text);
  let result;
  try {
    result = program({object});
  } catch (e) {
    console.log(`cel-js/${i}: error: ${e.message}`);
    return;
  }
  const iterations = 200000;
  for (let k = 0; k < 20000; ++k) program({object});  // warm up the JIT
  const start = process.hrtime.bigint();
  for (let k = 0; k < iterations; ++k) program({object});
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  console.log(`cel-js/${i}: ${ns.toFixed(0)} ns per evaluation (result ${result})`);
});
