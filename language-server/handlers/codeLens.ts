// Answers code lens requests on configs: run, open the newest run, open each analysis prompt's graph. When
// a run's files change (the client watches them) the lenses are asked for again, so that "Open latest run"
// names the new run without the config being reopened.
import { CodeLensRefreshRequest, type Connection, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isConfigDocument, type ParsedYamlCache } from '../documents';
import { documentPath } from '../runs/harvestCards';
import type { RunLookup } from '../runs/runLookup';
import { configCodeLenses } from '../services/configCodeLens';
import { nativeConfig } from '../services/configSections';
import { guarded } from './guard';

export function registerCodeLens(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  parsedYaml: ParsedYamlCache,
  runs: RunLookup,
): void {
  connection.onDidChangeWatchedFiles(() => {
    runs.forgetListings();
    connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined); // a client may not support it
  });
  connection.onCodeLens(({ textDocument }) =>
    guarded(connection, 'Code lens', [], () => {
      const document = documents.get(textDocument.uri);
      if (document === undefined || !isConfigDocument(document.uri)) return [];
      const filePath = documentPath(document.uri);
      const newest = filePath === undefined ? undefined : runs.runsOf(filePath)[0];
      return configCodeLenses(document, nativeConfig(parsedYaml.get(document)), newest?.runDir);
    }),
  );
}
