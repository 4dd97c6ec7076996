// `npm run package [-- --target T]`: a platform-specific VSIX (T defaults to this machine's, e.g. linux-x64).
// It holds the minified bundles, the webview assets, the examples, the `paramlens` server wheel (which
// "Set Up Server Environment" installs) and onnxruntime-node with only T's native binaries: .vscodeignore
// is an allowlist, and the one line naming T's binaries is added here.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const targetFlag = process.argv.indexOf('--target');
const target = targetFlag === -1 ? `${process.platform}-${process.arch}` : process.argv[targetFlag + 1];
const [platform, arch] = target.split('-');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const vsix = `paramlens-${target}-${version}.vsix`;

run(process.execPath, ['scripts/build.mjs', '--minify']);
rmSync(path.join(root, 'dist', 'wheels'), { recursive: true, force: true });
run(path.join(root, '.venv', 'bin', 'python'), [
  '-m',
  'pip',
  'wheel',
  '--quiet',
  '--no-deps',
  '--disable-pip-version-check',
  '--wheel-dir',
  'dist/wheels',
  './server',
]);
const ignoreFile = path.join(root, 'dist', `vscodeignore-${target}`);
writeFileSync(
  ignoreFile,
  `${readFileSync(path.join(root, '.vscodeignore'), 'utf8')}!node_modules/onnxruntime-node/bin/napi-v6/${platform}/${arch}/**\n`,
);
run(path.join(root, 'node_modules', '.bin', 'vsce'), [
  'package',
  '--target',
  target,
  '--ignoreFile',
  ignoreFile,
  '--out',
  vsix,
  // The README's images are in the repository; the VSIX has no public URL to rewrite them against.
  '--no-rewrite-relative-links',
  '--allow-missing-repository',
]);
console.log(vsix);

function run(command, args) {
  const done = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (done.status !== 0) {
    console.error(`package: ${path.basename(command)} ${args[0]} exited with ${done.status ?? done.signal}`);
    process.exit(1);
  }
}
