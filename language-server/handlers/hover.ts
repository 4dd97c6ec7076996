// Answers hover requests: the full hover in configs, subcomponent-ID cards in every other document.
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isConfigDocument, type ParsedYamlCache } from '../documents';
import type { ComponentCardSource } from '../services/componentCards';
import { hover, idHover } from '../services/hover';
import { guarded } from './guard';

export function registerHover(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  parsedYaml: ParsedYamlCache,
  cards: ComponentCardSource,
): void {
  connection.onHover(({ textDocument, position }) =>
    guarded(connection, 'Hover', null, () => {
      const document = documents.get(textDocument.uri);
      if (document === undefined) return null;
      if (!isConfigDocument(document.uri)) return idHover(document, position, cards);
      return hover(document, parsedYaml.get(document), position, cards);
    }),
  );
}
