// Checks a packaged VSIX (`npm run package`): everything the installed extension loads is inside, with the
// server wheel and onnxruntime-node's binaries for its one platform, and nothing else (no sources, source
// maps, tests or other platforms' binaries). Usage: node --import tsx test/package/checkVsix.ts FILE.vsix
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, testPythonPath } from '../support/paths';

const MAX_MB = 40;

/** Entry names of a zip file (a VSIX, or a wheel inside one), read by Python's zipfile. */
function zipEntries(file: string, inner?: string): string[] {
  const script = [
    'import io, sys, zipfile',
    'archive = zipfile.ZipFile(sys.argv[1])',
    'if len(sys.argv) > 2: archive = zipfile.ZipFile(io.BytesIO(archive.read(sys.argv[2])))',
    'print("\\n".join(archive.namelist()))',
  ].join('\n');
  const done = spawnSync(testPythonPath, ['-c', script, file, ...(inner ? [inner] : [])], {
    encoding: 'utf8',
  });
  assert.equal(done.status, 0, done.stderr);
  return done.stdout.trim().split('\n');
}

function main(): void {
  const vsix = process.argv[2];
  assert.ok(vsix, 'usage: checkVsix.ts FILE.vsix');
  const target = /paramlens-(\w+-\w+)-/.exec(path.basename(vsix))?.[1];
  assert.ok(target, `the file name names no target: ${vsix}`);
  const [platform, arch] = target.split('-');
  const entries = zipEntries(vsix);
  const files = entries.filter((name) => name.startsWith('extension/')).map((name) => name.slice(10));
  const has = (file: string): boolean => files.includes(file);

  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    main: string;
    contributes: { walkthroughs: { steps: { media: { markdown: string } }[] }[] };
  };
  const required = [
    'package.json',
    'readme.md', // vsce's names for README.md and LICENSE
    'LICENSE.txt',
    manifest.main.replace(/^\.\//, ''),
    'dist/languageServer.js',
    'dist/node-sqlite3-wasm.wasm',
    'dist/webview/graphView.js',
    'dist/webview/dashboard.js',
    'dist/webview/elkWorker.js',
    'dist/webview/uPlot.min.css',
    'media/paramlens.svg',
    'examples/tms_5-2.decomp.yaml',
    'examples/tiny.graph.json',
    'examples/data/tokenizer.json',
    `node_modules/onnxruntime-node/bin/napi-v6/${platform}/${arch}/onnxruntime_binding.node`,
    'node_modules/onnxruntime-common/dist/cjs/index.js',
    ...manifest.contributes.walkthroughs.flatMap((walkthrough) =>
      walkthrough.steps.map((step) => step.media.markdown),
    ),
  ];
  const missing = required.filter((file) => !has(file));
  assert.deepEqual(missing, [], 'files the installed extension needs');

  const stray = files.filter(
    (file) =>
      /\.(ts|map)$/.test(file) ||
      /^(test|server|extension|language-server|webview|protocol|scripts|bench|docs)\//.test(file) ||
      (file.startsWith('node_modules/onnxruntime-node/bin/') && !file.includes(`/${platform}/${arch}/`)) ||
      (file.startsWith('node_modules/') && !/^node_modules\/onnxruntime-(node|common)\//.test(file)),
  );
  assert.deepEqual(stray, [], 'files that have no business in the VSIX');

  const wheels = files.filter((file) => /^dist\/wheels\/paramlens-[^/]+\.whl$/.test(file));
  assert.equal(wheels.length, 1, `one server wheel: ${wheels.join(', ')}`);
  const wheel = zipEntries(vsix, `extension/${wheels[0]}`);
  for (const module of [
    'paramlens/__init__.py',
    'paramlens/commands/serve.py',
    'paramlens/core/loaded_run.py',
  ])
    assert.ok(wheel.includes(module), `the wheel holds ${module}`);

  const megabytes = statSync(vsix).size / 2 ** 20;
  assert.ok(megabytes < MAX_MB, `${megabytes.toFixed(1)} MB`);
  console.log(
    `${path.basename(vsix)}: ${files.length} files, ${megabytes.toFixed(1)} MB, wheel ${path.basename(wheels[0]!)}`,
  );
}

main();
