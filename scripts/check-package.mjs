// Packaging check (CI): builds the prebuilt binary with prebuildify, packs the npm tarball, installs
// it into an empty project with install scripts disabled (as pnpm 10 does by default), and checks
// that kindling loads its native backend from prebuilds/ there, with no compiler involved.
// Prints "N passed, N failed" as its last line.
//   node scripts/check-package.mjs [--skip-prebuild]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let passed = 0;
let failed = 0;

function check(name, fn) {
  try {
    fn();
    passed++;
    console.log(`  ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`  FAIL ${name}: ${String(e instanceof Error ? e.message : e).split('\n').slice(0, 6).join('\n       ')}`);
  }
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}: ${(r.stderr || r.stdout || '').trim().slice(-800)}`);
  return r.stdout;
}

const work = mkdtempSync(join(tmpdir(), 'kindling-pack-'));
try {
  if (!process.argv.includes('--skip-prebuild')) {
    check('prebuildify builds prebuilds/linux-x64 from binding.gyp', () => {
      run(npm, ['run', 'build:prebuilds'], { cwd: root });
      const dir = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
      if (!existsSync(dir) || !readdirSync(dir).some((f) => f.endsWith('.node'))) throw new Error(`no .node file in ${dir}`);
    });
  }
  let tarball = '';
  check('npm pack ships dist/, prebuilds/ and the native sources', () => {
    const out = run(npm, ['pack', '--json', '--pack-destination', work], { cwd: root });
    const info = JSON.parse(out)[0];
    tarball = join(work, info.filename);
    const files = info.files.map((f) => f.path);
    for (const want of ['dist/index.js', 'dist/index.d.ts', 'native/sources.json', 'binding.gyp', 'CMakeLists.txt', 'scripts/install-native.mjs']) {
      if (!files.includes(want)) throw new Error(`the tarball lacks ${want}`);
    }
    if (!files.some((f) => f.startsWith(`prebuilds/${process.platform}-${process.arch}/`) && f.endsWith('.node'))) throw new Error('the tarball lacks the prebuilt binary');
    if (files.some((f) => f.startsWith('tests/') || f.startsWith('build/'))) throw new Error('the tarball ships tests/ or build/');
  });
  const app = join(work, 'app');
  check('installs with install scripts disabled and runs on the prebuilt native binary', () => {
    rmSync(app, { recursive: true, force: true });
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
    run(npm, ['install', '--ignore-scripts', '--no-audit', '--no-fund', tarball], { cwd: app });
    const script = `import * as torch from 'kindling';
const info = torch.backendInfo();
const y = torch.nn.functional.linear(torch.ones(2, 300), torch.ones(4, 300)).sum().item();
console.log(JSON.stringify({ info, y }));`;
    const env = { ...process.env };
    for (const k of ['KINDLING_BACKEND', 'KINDLING_ISA', 'KINDLING_NATIVE_PATH']) delete env[k];
    const out = JSON.parse(run(process.execPath, ['--input-type=module', '-e', script], { cwd: app, env }).trim().split('\n').pop());
    if (out.info.backend !== 'native') throw new Error(`backend is ${out.info.backend}: ${out.info.reason}`);
    if (!/prebuilds/.test(out.info.reason)) throw new Error(`the binary did not come from prebuilds/: ${out.info.reason}`);
    if (out.y !== 2400) throw new Error(`linear gave ${out.y}, want 2400`);
  });
  check("kindling/onnxruntime resolves through the package's exports and runs a model", () => {
    // the model is written with the installed package's own encoder (a file import; it is not exported)
    const script = `import { encodeModel } from './node_modules/kindling/dist/onnx/proto.js';
import * as ort from 'kindling/onnxruntime';
const x = { name: 'x', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_param: 'batch' }, { dim_value: 3 }] } } } };
const bytes = encodeModel({ ir_version: 8, opset_import: [{ domain: '', version: 13 }],
  graph: { node: [{ op_type: 'Relu', input: ['x'], output: ['y'] }], input: [x], output: [{ name: 'y' }] } });
const s = await ort.InferenceSession.create(bytes);
const { y } = await s.run({ x: new ort.Tensor('float32', new Float32Array([-1, 2, -3]), [1, 3]) });
console.log(JSON.stringify(Array.from(y.data)));`;
    const out = run(process.execPath, ['--input-type=module', '-e', script], { cwd: app }).trim().split('\n').pop();
    if (out !== '[0,2,0]') throw new Error(`the model gave ${out}, want [0,2,0]`);
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
