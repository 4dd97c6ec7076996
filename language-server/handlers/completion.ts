// Answers completion requests in configs.
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isConfigDocument, type ParsedYamlCache } from '../documents';
import { documentPath } from '../runs/harvestCards';
import type { HarvestHandles } from '../runs/harvestHandles';
import type { ModelFactsSource } from '../runs/modelFactsSource';
import type { RunLookup } from '../runs/runLookup';
import { completion } from '../services/completion';
import { modulePatterns, nativeConfig } from '../services/configSections';
import { modulePathCompletion } from '../services/modulePathCompletion';
import { idSlotAt, subcomponentIdCompletion, type HarvestReader } from '../services/subcomponentIdCompletion';
import { guarded } from './guard';

/** A space after `key:` is where a value starts, so it asks for the values the key takes. */
export const COMPLETION_TRIGGER_CHARACTERS = [' '];

export function registerCompletion(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  parsedYaml: ParsedYamlCache,
  models: ModelFactsSource,
  runs: RunLookup,
  harvests: HarvestHandles,
): void {
  connection.onCompletion(({ textDocument, position, context }) =>
    guarded(connection, 'Completion', [], async () => {
      const document = documents.get(textDocument.uri);
      if (document === undefined || !isConfigDocument(document.uri)) return [];
      const parsed = parsedYaml.get(document);
      const config = nativeConfig(parsed);
      const facts = models.peek(document.uri, config);
      const slot = idSlotAt(document, position);
      if (slot !== undefined) {
        return subcomponentIdCompletion(slot, {
          harvest: await chosenHarvest(runs, harvests, document.uri),
          facts,
          patterns: modulePatterns(config),
        });
      }
      const modulePaths = facts === undefined ? [] : modulePathCompletion(document, position, facts);
      return [...completion(document, parsed, position, context?.triggerCharacter), ...modulePaths];
    }),
  );
}

/** The harvest of the run chosen for the config; none when it has none or it cannot be read. */
async function chosenHarvest(
  runs: RunLookup,
  harvests: HarvestHandles,
  uri: string,
): Promise<HarvestReader | undefined> {
  const filePath = documentPath(uri);
  const run = filePath === undefined ? undefined : runs.choose(filePath).harvested;
  if (run?.harvestPath === undefined) return undefined;
  try {
    return await harvests.get(run.harvestPath);
  } catch {
    // An unreadable harvest leaves the listing to complete from; its hover card says why.
    return undefined;
  }
}
