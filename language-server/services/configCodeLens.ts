// Code lenses on a config: run it, open its newest run, and open (or compute) each analysis prompt's graph.
import type { YAMLMap } from 'yaml';
import type { CodeLens, Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  OPEN_LATEST_RUN_COMMAND,
  OPEN_PROMPT_GRAPH_COMMAND,
  RUN_DECOMPOSITION_COMMAND,
  type OpenLatestRunArgs,
  type OpenPromptGraphArgs,
  type RunDecompositionArgs,
} from '../../protocol/lspRequests';
import { analysisPrompts } from './configSections';
import { promptGraphId } from './graphIds';

/** `newestRunDir`: the config's newest run, which the run and graph lenses open. */
export function configCodeLenses(
  document: TextDocument,
  config: YAMLMap.Parsed | null,
  newestRunDir: string | undefined,
): CodeLens[] {
  const top: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const runDir = newestRunDir ?? null;
  const run: RunDecompositionArgs = { configUri: document.uri };
  const latest: OpenLatestRunArgs = { configUri: document.uri, runDir };
  const lenses: CodeLens[] = [
    {
      range: top,
      command: { title: 'Run decomposition', command: RUN_DECOMPOSITION_COMMAND, arguments: [run] },
    },
    {
      range: top,
      command: { title: 'Open latest run', command: OPEN_LATEST_RUN_COMMAND, arguments: [latest] },
    },
  ];
  for (const entry of analysisPrompts(config)) {
    const line = document.positionAt(entry.node.range[0]).line;
    const args: OpenPromptGraphArgs = {
      configUri: document.uri,
      runDir,
      prompt: entry.prompt,
      graphId: promptGraphId(entry.prompt, entry.name),
    };
    lenses.push({
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      command: { title: 'Open graph for prompt', command: OPEN_PROMPT_GRAPH_COMMAND, arguments: [args] },
    });
  }
  return lenses;
}
