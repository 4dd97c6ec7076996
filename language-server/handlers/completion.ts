// Answers completion requests in configs.
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isConfigDocument, type ParsedYamlCache } from '../documents';
import { completion } from '../services/completion';
import { guarded } from './guard';

/** A space after `key:` is where a value starts, so it asks for the values the key takes. */
export const COMPLETION_TRIGGER_CHARACTERS = [' '];

export function registerCompletion(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  parsedYaml: ParsedYamlCache,
): void {
  connection.onCompletion(({ textDocument, position, context }) =>
    guarded(connection, 'Completion', [], () => {
      const document = documents.get(textDocument.uri);
      if (document === undefined || !isConfigDocument(document.uri)) return [];
      return completion(document, parsedYaml.get(document), position, context?.triggerCharacter);
    }),
  );
}
