// Answers go-to-definition on module patterns in configs and on subcomponent IDs in every document.
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isConfigDocument, type ParsedYamlCache } from '../documents';
import type { ModelFactsSource } from '../runs/modelFactsSource';
import { nativeConfig } from '../services/configSections';
import { moduleDefinition } from '../services/definition';
import { guarded } from './guard';

export function registerDefinition(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  parsedYaml: ParsedYamlCache,
  models: ModelFactsSource,
): void {
  connection.onDefinition(({ textDocument, position }) =>
    guarded(connection, 'Definition', [], () => {
      const document = documents.get(textDocument.uri);
      if (document === undefined) return [];
      const config = isConfigDocument(document.uri) ? nativeConfig(parsedYaml.get(document)) : null;
      const facts = config === null ? models.forDocument(document.uri) : models.peek(document.uri, config);
      return facts === undefined ? [] : moduleDefinition(document, config, position, facts.listing);
    }),
  );
}
