// Builds every bundle with esbuild: the extension host and language server for Node, the webview for
// the browser, and the extension-host test suite. `--watch` rebuilds on change; `--minify` for packaging.
import { copyFileSync, mkdirSync } from 'node:fs';
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify');

const common = { bundle: true, sourcemap: true, minify, logLevel: 'warning' };
const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };
const browser = { ...common, platform: 'browser', format: 'iife', target: 'es2022' };

const builds = [
  {
    ...node,
    entryPoints: { extension: 'extension/extension.ts', languageServer: 'language-server/server.ts' },
    outdir: 'dist',
    // `vscode` is provided by the host; onnxruntime-node loads a native binding by a computed path.
    external: ['vscode', 'onnxruntime-node'],
  },
  {
    ...browser,
    entryPoints: { graphView: 'webview/graphView/main.ts', dashboard: 'webview/dashboard/main.ts' },
    outdir: 'dist/webview',
  },
  {
    // Runs as the layout worker, or as a page script that sets `ElkWorkerScript` when workers fail.
    ...browser,
    entryPoints: { elkWorker: 'elkjs/lib/elk-worker.min.js' },
    outdir: 'dist/webview',
    globalName: 'ElkWorkerScript',
  },
  {
    ...node,
    entryPoints: { index: 'test/extension/index.ts' },
    outdir: 'dist-test/extension',
    external: ['vscode', 'mocha'],
  },
];

// The webview may load files only from media/ and dist/, so the codicon font is copied next to its bundle.
mkdirSync('dist/webview', { recursive: true });
for (const file of ['codicon.css', 'codicon.ttf']) {
  copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/webview/${file}`);
}
copyFileSync('node_modules/uplot/dist/uPlot.min.css', 'dist/webview/uPlot.min.css');
// The bundled node-sqlite3-wasm loads its WASM from the bundle's own folder (`__dirname`), i.e. dist/.
copyFileSync('node_modules/node-sqlite3-wasm/dist/node-sqlite3-wasm.wasm', 'dist/node-sqlite3-wasm.wasm');

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('esbuild: watching for changes');
} else {
  const started = Date.now();
  await Promise.all(builds.map((options) => esbuild.build(options)));
  console.log(`esbuild: built ${builds.length} bundles in ${Date.now() - started} ms`);
}
