// Answers hover requests: the full hover in configs, subcomponent-ID cards in every other document.
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isConfigDocument, type ParsedYamlCache } from '../documents';
import type { ModelFactsSource } from '../runs/modelFactsSource';
import type { ComponentCardSource } from '../services/componentCards';
import { nativeConfig } from '../services/configSections';
import { hover, idHover } from '../services/hover';
import { patternHover } from '../services/patternHover';
import { guarded } from './guard';

export function registerHover(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  parsedYaml: ParsedYamlCache,
  cards: ComponentCardSource,
  models: ModelFactsSource,
): void {
  connection.onHover(({ textDocument, position }) =>
    guarded(connection, 'Hover', null, () => {
      const document = documents.get(textDocument.uri);
      if (document === undefined) return null;
      if (!isConfigDocument(document.uri)) return idHover(document, position, cards);
      const parsed = parsedYaml.get(document);
      const config = nativeConfig(parsed);
      const facts = models.peek(document.uri, config);
      const onPattern = facts === undefined ? null : patternHover(document, config, position, facts);
      return onPattern ?? hover(document, parsed, position, cards);
    }),
  );
}
