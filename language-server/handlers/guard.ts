// Runs a request handler so that a bug in one feature answers with nothing and a log line, instead of an
// error response that the editor would show on every keystroke.
import type { Connection } from 'vscode-languageserver/node';

export async function guarded<T>(
  connection: Connection,
  feature: string,
  fallback: T,
  run: () => T | Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    connection.console.error(
      `${feature} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return fallback;
  }
}
