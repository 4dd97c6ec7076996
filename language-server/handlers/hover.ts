// Answers hover requests in configs.
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ParsedYamlCache } from '../documents';
import type { ComponentCardSource } from '../services/componentCards';
import { hover } from '../services/hover';
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
      return hover(document, parsedYaml.get(document), position, cards);
    }),
  );
}
