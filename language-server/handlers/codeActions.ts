// Answers code actions on configs: the quick fixes the diagnostics in range carry.
import type { Connection } from 'vscode-languageserver/node';
import { isConfigDocument } from '../documents';
import { quickFixes } from '../services/quickFixes';
import { guarded } from './guard';

export function registerCodeActions(connection: Connection): void {
  connection.onCodeAction(({ textDocument, context }) =>
    guarded(connection, 'Code actions', [], () =>
      isConfigDocument(textDocument.uri) ? quickFixes(textDocument.uri, context.diagnostics) : [],
    ),
  );
}
