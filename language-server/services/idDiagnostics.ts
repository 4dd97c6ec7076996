// Checks of the subcomponent IDs in a config's `analysis` section. Without a module listing: the grammar
// of short names, and a full ID's index against the C of the pattern that matches its module. With one:
// the module exists and is decomposed, and the subcomponent is alive in the run chosen for the config.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseShortSubcomponentId, parseSubcomponentId } from '../../protocol/ids';
import { resolveModule } from '../runs/moduleNames';
import { code, formatPath, joinWords } from '../schema/wording';
import type { IdEntry, PatternEntry } from './configSections';
import { closestPaths, decomposableModules, patternFor, type ModelFacts } from './moduleFacts';

const SOURCE = 'paramlens';
const SHORT_FORM =
  '`<layer>.<block>.<role>:<index>` with block.role one of attn.q, attn.k, attn.v, attn.o, ' +
  'attn_fused.qkv, attn_fused.o, mlp.up, mlp.down, glu.up, glu.down, glu.gate';

export function idDiagnostics(
  document: TextDocument,
  ids: readonly IdEntry[],
  patterns: readonly PatternEntry[],
  facts: ModelFacts | undefined,
): Diagnostic[] {
  return ids.flatMap((entry) => {
    const problem = idProblem(entry, patterns, facts);
    if (problem === undefined) return [];
    const [start, end] = entry.node.range;
    return [
      {
        range: { start: document.positionAt(start), end: document.positionAt(end) },
        severity: problem.severity,
        source: SOURCE,
        code: problem.code,
        message: `${formatPath(entry.path)}: ${problem.message}`,
      },
    ];
  });
}

interface Problem {
  severity: DiagnosticSeverity;
  code: string;
  message: string;
}

function idProblem(
  entry: IdEntry,
  patterns: readonly PatternEntry[],
  facts: ModelFacts | undefined,
): Problem | undefined {
  const id = parseSubcomponentId(entry.text);
  // Text that is no ID at all breaks the schema's pattern, which reports it.
  if (id === undefined) return undefined;
  const short = parseShortSubcomponentId(entry.text);
  // A first part that is a number makes a short name, as the engine reads it.
  if (/^\d+\./.test(entry.text) && short === undefined) {
    return error(
      'MALFORMED_ID',
      `${code(entry.text)} starts with a layer number, so it is read as a short name: expected ${SHORT_FORM}.`,
    );
  }
  const listing = facts?.listing;
  const listed =
    listing === undefined ? undefined : decomposableModules(listing).map((module) => module.path);
  let module = id.module;
  if (short !== undefined) {
    if (listed === undefined) return undefined;
    const resolved = resolveModule({ text: entry.text, start: 0, end: entry.text.length, id, short }, listed);
    if (resolved === undefined) {
      return warning(
        'UNRESOLVED_SHORT_ID',
        `${code(entry.text)} reads as layer ${short.layer}, ${code(short.block)} block, ${code(short.role)} ` +
          'role, which names no single decomposable module of the target; expected the module path instead.',
      );
    }
    module = resolved;
  } else if (listing !== undefined && listed !== undefined && !listed.includes(module)) {
    const close = closestPaths(module, listing)
      .filter((path) => !path.includes('*'))
      .map((path) => code(path));
    return error(
      'UNKNOWN_MODULE',
      `the target has no decomposable module ${code(module)}` +
        (close.length > 0 ? `; expected a module path such as ${joinWords(close, 'or')}.` : '.'),
    );
  }
  const spec = patternFor(module, patterns);
  if (spec === undefined) {
    if (listing === undefined || patterns.length === 0) return undefined;
    return error(
      'MODULE_NOT_DECOMPOSED',
      `module ${code(module)} is not decomposed: it matches none of ${joinWords(
        patterns.map((entry) => code(entry.pattern)),
        'and',
      )}.`,
    );
  }
  if (spec.C !== undefined && id.index >= spec.C) {
    return error(
      'INDEX_OUT_OF_RANGE',
      `index ${id.index} is out of range: ${code(spec.pattern)} gives ${code(module)} C = ${spec.C}, so ` +
        `expected an index from 0 to ${spec.C - 1}.`,
    );
  }
  const alive = facts?.alive;
  if (alive?.dead?.has(`${module}:${id.index}`) === true) {
    return warning(
      'DEAD_COMPONENT',
      `${code(`${module}:${id.index}`)} is dead in run ${code(alive.runId)}: its mean CI over the harvested ` +
        'tokens is at most 1e-6, so it never takes part; expected an alive subcomponent.',
    );
  }
  return undefined;
}

function error(codeName: string, message: string): Problem {
  return { severity: DiagnosticSeverity.Error, code: codeName, message };
}

function warning(codeName: string, message: string): Problem {
  return { severity: DiagnosticSeverity.Warning, code: codeName, message };
}
