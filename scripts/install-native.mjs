// `npm install` hook: makes sure a native binary exists, and never fails the install.
// A prebuilt binary for this platform (prebuilds/<platform>-<arch>/) needs nothing; otherwise the
// addon is built from source (cmake-js in a development clone, node-gyp elsewhere). Without a
// compiler, one line says so and kindling runs on its pure-JS backend.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = new URL('..', import.meta.url).pathname;

function hasBinary() {
  try {
    require('node-gyp-build').path(root);
    return true;
  } catch {
    return false;
  }
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], shell: process.platform === 'win32' });
  return r.status === 0;
}

if (process.env.KINDLING_SKIP_NATIVE_BUILD) {
  console.log('kindling: native build skipped (KINDLING_SKIP_NATIVE_BUILD); the pure-JS backend will be used');
} else if (existsSync(new URL(`../prebuilds/${process.platform}-${process.arch}`, import.meta.url)) && hasBinary()) {
  // a prebuilt binary ships with the package: nothing to build
} else {
  const devClone = existsSync(new URL('../node_modules/cmake-js/package.json', import.meta.url));
  const ok = devClone ? run(process.execPath, [require.resolve('cmake-js/bin/cmake-js'), 'compile']) : run('node-gyp', ['rebuild']);
  if (!ok || !hasBinary()) {
    console.log('kindling: could not build the native addon (a C++17 compiler and cmake or node-gyp are needed); kindling will run on its pure-JS backend');
  }
}
