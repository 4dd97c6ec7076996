// Sends the server's own output to the client's log, where users and bug reports can see it.
import { inspect } from 'node:util';
import type { Connection } from 'vscode-languageserver/node';

/** Under `--stdio`, stdout is the protocol: one stray `console.log` would corrupt the message stream. */
export function routeConsoleToConnection(connection: Connection): void {
  /* eslint-disable no-console -- replacing the console methods is this function's job */
  console.log = (...args: unknown[]) => connection.console.log(describeAll(args));
  console.info = (...args: unknown[]) => connection.console.info(describeAll(args));
  console.warn = (...args: unknown[]) => connection.console.warn(describeAll(args));
  console.error = (...args: unknown[]) => connection.console.error(describeAll(args));
  console.debug = (...args: unknown[]) => connection.console.debug(describeAll(args));
  /* eslint-enable no-console */
}

/** A bug in one feature must not kill the server and, with it, every other feature. */
export function reportUncaughtErrors(connection: Connection): void {
  process.on('uncaughtException', (error) =>
    connection.console.error(`Uncaught exception: ${describe(error)}`),
  );
  process.on('unhandledRejection', (reason) =>
    connection.console.error(`Unhandled promise rejection: ${describe(reason)}`),
  );
}

function describeAll(values: unknown[]): string {
  return values.map(describe).join(' ');
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.stack ?? value.message;
  return inspect(value);
}
