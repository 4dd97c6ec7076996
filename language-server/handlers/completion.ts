// Answers completion requests in configs.
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isConfigDocument, type ParsedYamlCache } from '../documents';
import type { ModelFactsSource } from '../runs/modelFactsSource';
import { completion } from '../services/completion';
import { nativeConfig } from '../services/configSections';
import { modulePathCompletion } from '../services/modulePathCompletion';
import { guarded } from './guard';

/** A space after `key:` is where a value starts, so it asks for the values the key takes. */
export const COMPLETION_TRIGGER_CHARACTERS = [' '];

export function registerCompletion(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  parsedYaml: ParsedYamlCache,
  models: ModelFactsSource,
): void {
  connection.onCompletion(({ textDocument, position, context }) =>
    guarded(connection, 'Completion', [], () => {
      const document = documents.get(textDocument.uri);
      if (document === undefined || !isConfigDocument(document.uri)) return [];
      const parsed = parsedYaml.get(document);
      const facts = models.peek(document.uri, nativeConfig(parsed));
      const modulePaths = facts === undefined ? [] : modulePathCompletion(document, position, facts);
      return [...completion(document, parsed, position, context?.triggerCharacter), ...modulePaths];
    }),
  );
}
