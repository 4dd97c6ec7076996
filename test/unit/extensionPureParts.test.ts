import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseGraphFile } from '../../extension/graphFile';
import type { AttributionGraph } from '../../protocol/graph';
import { parseHandshake } from '../../extension/handshake';
import { classifyStartFailure, cudaAdvice } from '../../extension/serverStartError';

const python = { command: '/opt/env/bin/python', source: 'setting' as const };

describe('parseHandshake', () => {
  it('reads url, token and version', () => {
    const line = '{"url": "http://127.0.0.1:5123", "token": "abc", "version": "0.1.0"}';
    assert.deepEqual(parseHandshake(line), { url: 'http://127.0.0.1:5123', token: 'abc', version: '0.1.0' });
  });
  it('rejects a line without a token', () => {
    assert.throws(() => parseHandshake('{"url": "http://127.0.0.1:1"}'), /token/);
  });
  it('rejects a log line printed by mistake', () => {
    assert.throws(() => parseHandshake('INFO: Started server process'), SyntaxError);
  });
});

describe('classifyStartFailure', () => {
  it('tells how to install the server package when paramlens is missing', () => {
    const error = classifyStartFailure(
      python,
      '-e "/ext/server"',
      1,
      "ModuleNotFoundError: No module named 'paramlens'\n",
    );
    assert.match(error.message, /not installed for \/opt\/env\/bin\/python \(setting\)/);
    assert.match(error.message, /-m pip install -e "\/ext\/server"/);
    assert.ok(error.setUpHelps, 'a missing package offers "Set Up Server Environment"');
  });
  it('reads the message of python -m on an interpreter without the package', () => {
    const error = classifyStartFailure(
      python,
      '"/ext/dist/wheels/paramlens.whl"',
      1,
      '/usr/bin/python3: No module named paramlens\n',
    );
    assert.match(error.message, /not installed for \/opt\/env\/bin\/python/);
    assert.ok(error.setUpHelps);
  });
  it('names a missing dependency such as torch', () => {
    const stderr = "Traceback (most recent call last):\nModuleNotFoundError: No module named 'torch.nn'\n";
    assert.match(classifyStartFailure(python, '-e "/ext/server"', 1, stderr).message, /"torch" is missing/);
  });
  it('quotes the last stderr line of any other crash, never the whole trace', () => {
    const error = classifyStartFailure(
      python,
      '-e "/ext/server"',
      3,
      'Traceback ...\n  File "x"\nOSError: [Errno 98] in use\n',
    );
    assert.equal(
      error.message,
      'The decomposition server exited (code 3) before it was ready: OSError: [Errno 98] in use',
    );
    assert.equal(error.setUpHelps, false);
  });
});

describe('cudaAdvice', () => {
  it('says where the server computes now and how to get a matching PyTorch build', () => {
    const advice = cudaAdvice(
      'this machine has an NVIDIA GPU, but PyTorch 2.13.0+cpu is a CPU-only build',
      'at http://gpu:8000',
    );
    assert.match(advice, /^this machine has an NVIDIA GPU, but PyTorch 2\.13\.0\+cpu is a CPU-only build\. /);
    assert.match(advice, /computes on the CPU at http:\/\/gpu:8000 until/);
    assert.match(
      advice,
      /pip install --force-reinstall torch --index-url https:\/\/download\.pytorch\.org\/whl\/cu\d+/,
    );
  });
});

describe('parseGraphFile', () => {
  const example = readFileSync(new URL('../../examples/tiny.graph.json', import.meta.url), 'utf8');
  const exampleGraph = (): AttributionGraph => JSON.parse(example) as AttributionGraph;

  it('accepts the example graph', () => {
    const graph = parseGraphFile(example, 'tiny.graph.json');
    assert.ok(graph.nodes.length > 0 && graph.edges.length > 0);
  });
  it('says which field is wrong', () => {
    const graph = { ...exampleGraph(), edges: 'none' };
    assert.throws(
      () => parseGraphFile(JSON.stringify(graph), 'g.graph.json'),
      /g\.graph\.json: "edges" must be an array/,
    );
  });
  it('rejects another format version', () => {
    const graph = { ...exampleGraph(), format_version: 7 };
    assert.throws(() => parseGraphFile(JSON.stringify(graph), 'g.graph.json'), /"format_version" is 7/);
  });
  it('rejects an edge to a node that does not exist', () => {
    const graph = exampleGraph();
    graph.edges.push({ source: 'embed:0', target: 'h.9.mlp.c_fc:0:1', weight: 1 });
    assert.throws(() => parseGraphFile(JSON.stringify(graph), 'g.graph.json'), /h\.9\.mlp\.c_fc:0:1/);
  });
  it('reports invalid JSON with the file name', () => {
    assert.throws(() => parseGraphFile('{', 'g.graph.json'), /g\.graph\.json is not valid JSON/);
  });
});
