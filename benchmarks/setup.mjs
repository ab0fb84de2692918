// npm run bench:setup: installs the peers kindling is measured against into benchmarks/ (never
// into the library's own dependencies) and builds the FMA peak probe when a C compiler is present.
// onnxruntime-node's install script would download CUDA files and fail offline; its CPU binary is
// in the package, so the script is skipped.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' };
const lock = fs.existsSync(path.join(here, 'package-lock.json'));
console.log(`bench:setup: npm ${lock ? 'ci' : 'install'} in benchmarks/`);
const r = spawnSync(npm, [lock ? 'ci' : 'install', '--no-audit', '--no-fund'], { cwd: here, env, stdio: 'inherit' });
if (r.status !== 0) {
  console.error('bench:setup: installing the peers failed; the benchmark still runs and reports them as missing');
  process.exitCode = 1;
}

fs.mkdirSync(path.join(here, '.build'), { recursive: true });
const cc = process.env.CC || 'cc';
const c = spawnSync(cc, ['-O2', '-pthread', '-o', path.join(here, '.build', 'fma_peak'), path.join(here, 'fma_peak.c')], { stdio: 'inherit' });
console.log(c.status === 0 ? 'bench:setup: FMA peak probe built' : `bench:setup: no FMA peak probe (${cc} ${c.error ? 'not found' : 'failed'}); the report will say the peak is missing`);
// Debian's torch calls whatever libblas.so.3 is; without OpenBLAS that is the reference BLAS.
const probe = 'import torch; torch.mm(torch.ones(8, 8), torch.ones(8, 8)); print(" ".join(sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.lower() and ".so" in l})))';
const py = spawnSync('/usr/bin/python3', ['-c', probe], { encoding: 'utf8' });
if (py.status !== 0) console.log('bench:setup: no PyTorch for /usr/bin/python3 (Debian: apt-get install -y python3-torch); it will be reported as missing');
else if (!/openblas|mkl|blis/i.test(py.stdout)) console.log(`bench:setup: PyTorch uses the reference BLAS (${py.stdout.trim()}); for a fair comparison: apt-get install -y libopenblas0-pthread`);
else console.log(`bench:setup: PyTorch found, BLAS ${py.stdout.trim()}`);
