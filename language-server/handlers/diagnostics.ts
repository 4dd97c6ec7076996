// Publishes diagnostics whenever a document opens or changes, and clears them when it closes.
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isConfigDocument, type ParsedYamlCache } from '../documents';
import { configDiagnostics } from '../services/configDiagnostics';

export function registerDiagnostics(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  parsedYaml: ParsedYamlCache,
): void {
  documents.onDidChangeContent(({ document }) => {
    if (!isConfigDocument(document.uri)) return;
    const diagnostics = configDiagnostics(document, parsedYaml.get(document));
    void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
  });
  documents.onDidClose(({ document }) => {
    if (!isConfigDocument(document.uri)) return;
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });
}
