import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import cases from '../../protocol/ids.cases.json';
import shortNameCases from '../../protocol/shortNames.cases.json';
import shortNames from '../../protocol/shortNames.generated.json';
import { modulesForShortName } from '../../language-server/runs/moduleNames';
import {
  CANONICAL_ROLES,
  findSubcomponentIdAt,
  isGraphId,
  formatNodeId,
  formatSubcomponentId,
  parseNodeId,
  parseShortSubcomponentId,
  parseSubcomponentId,
  type NodeId,
} from '../../protocol/ids';
import { caretPosition } from './testUtils/caret';

/** A parsed node in the shared table's shape, whose keys follow the Python side. */
function asTableRow(node: NodeId): Record<string, string | number> {
  switch (node.kind) {
    case 'component':
      return { kind: node.kind, module: node.module, position: node.position, index: node.index };
    case 'embed':
      return { kind: node.kind, position: node.position };
    case 'output':
      return { kind: node.kind, position: node.position, token_id: node.tokenId };
  }
}

describe('shared ID table (protocol/ids.cases.json)', () => {
  for (const row of cases.subcomponents) {
    test(`subcomponent ${row.text}`, () => {
      const id = parseSubcomponentId(row.text);
      assert.ok(id);
      assert.deepEqual({ text: row.text, ...id }, row);
      assert.equal(formatSubcomponentId(id), row.text);
    });
  }

  for (const row of cases.short) {
    test(`short name ${row.text}`, () => {
      assert.deepEqual({ text: row.text, ...parseShortSubcomponentId(row.text) }, row);
      // A short name is also a well-formed subcomponent ID whose module path is the short name.
      assert.equal(parseSubcomponentId(row.text)?.index, row.index);
    });
  }

  for (const row of cases.nodes) {
    test(`node ${row.text}`, () => {
      const node = parseNodeId(row.text);
      assert.ok(node);
      assert.deepEqual({ text: row.text, ...asTableRow(node) }, row);
      assert.equal(formatNodeId(node), row.text);
    });
  }

  for (const text of cases.invalid) {
    test(`invalid ${JSON.stringify(text)}`, () => {
      assert.equal(parseSubcomponentId(text), undefined);
      assert.equal(parseShortSubcomponentId(text), undefined);
      assert.equal(parseNodeId(text), undefined);
    });
  }
});

describe('parsers beyond the shared table', () => {
  test('a short name needs a canonical block and a role of that block', () => {
    assert.equal(parseShortSubcomponentId('2.mlp.q:1'), undefined);
    assert.equal(parseShortSubcomponentId('2.ffn.up:1'), undefined);
    assert.deepEqual(parseShortSubcomponentId('3.glu.gate:7'), {
      layer: 3,
      block: 'glu',
      role: 'gate',
      index: 7,
    });
  });

  test('numbers are written one way only, so printing gives back the parsed text', () => {
    assert.equal(parseSubcomponentId('linear1:04'), undefined);
    assert.equal(parseSubcomponentId('linear1:+4'), undefined);
    assert.equal(parseSubcomponentId('linear1:99999999999999999999'), undefined);
  });

  test('a graph node is not a subcomponent, and a subcomponent is not a graph node', () => {
    assert.equal(parseSubcomponentId('h.0.mlp.c_fc:3:17'), undefined);
    assert.equal(parseNodeId('h.2.mlp.down_proj:2359'), undefined);
  });

  test('embed and output always name pseudo-nodes, never modules', () => {
    assert.equal(parseNodeId('embed:5:0'), undefined);
    assert.equal(parseNodeId('output:7'), undefined);
  });
});

describe('findSubcomponentIdAt', () => {
  function findAt(lineWithCaret: string): ReturnType<typeof findSubcomponentIdAt> {
    const { text, position } = caretPosition(lineWithCaret);
    return findSubcomponentIdAt(text, position.character);
  }

  test('an ID at the start of the line, with the caret before it', () => {
    assert.deepEqual(findAt('|h.2.mlp.down_proj:2359 fires on commas'), {
      text: 'h.2.mlp.down_proj:2359',
      start: 0,
      end: 22,
      id: { module: 'h.2.mlp.down_proj', index: 2359 },
      short: undefined,
    });
  });

  test('an ID in the middle of the line, with the caret inside it', () => {
    const match = findAt('pin: [linear1:4, h.2.mlp.do|wn_proj:2359, 1.attn.q:308]');
    assert.ok(match);
    assert.deepEqual([match.text, match.start, match.end], ['h.2.mlp.down_proj:2359', 17, 39]);
  });

  test('an ID at the end of the line, with the caret after it', () => {
    assert.deepEqual(findAt('  - 1.attn.q:308|'), {
      text: '1.attn.q:308',
      start: 4,
      end: 16,
      id: { module: '1.attn.q', index: 308 },
      short: { layer: 1, block: 'attn', role: 'q', index: 308 },
    });
  });

  test('an ID that is the whole line', () => {
    assert.equal(findAt('linear1:|4')?.text, 'linear1:4');
  });

  test('quotes, YAML key colons and sentence dots are not part of the ID', () => {
    assert.equal(findAt('ids = ["line|ar1:4"]')?.text, 'linear1:4');
    assert.equal(findAt('h.2.mlp.down_p|roj:2359: fires on commas')?.text, 'h.2.mlp.down_proj:2359');
    assert.equal(findAt('See 0.attn.o:1|2.')?.text, '0.attn.o:12');
  });

  test('nothing is found away from an ID or on a graph node ID', () => {
    assert.equal(findAt('name: tiny|_mlp'), undefined);
    assert.equal(findAt('pin: |  linear1:4'), undefined);
    assert.equal(findAt('node: h.0.mlp.c_f|c:3:17'), undefined);
    assert.equal(findAt('|'), undefined);
  });

  test('a character outside the line finds nothing', () => {
    assert.equal(findSubcomponentIdAt('linear1:4', 10), undefined);
    assert.equal(findSubcomponentIdAt('linear1:4', -1), undefined);
  });
});

describe('graph IDs (protocol/ids.cases.json)', () => {
  for (const id of cases.graph_ids.valid) test(`valid: ${id.slice(0, 20)}`, () => assert.ok(isGraphId(id)));
  for (const id of cases.graph_ids.invalid)
    test(`invalid: ${JSON.stringify(id.slice(0, 20))}`, () => assert.ok(!isGraphId(id)));
});

describe('short names (protocol/shortNames.cases.json, from the Python table)', () => {
  test("the blocks and roles the parser accepts are the Python table's", () => {
    assert.deepEqual(CANONICAL_ROLES, shortNames.roles);
  });

  for (const row of shortNameCases.cases) {
    test(`${row.short} among ${row.modules.join(', ')}`, () => {
      const short = parseShortSubcomponentId(`${row.short}:0`);
      assert.ok(short);
      assert.deepEqual(modulesForShortName(short, row.modules), row.expected);
    });
  }
});
