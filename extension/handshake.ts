import type { ServerHandshake } from '../protocol/serverApi';

/** Parses the one JSON line `paramlens serve` prints once it listens. */
export function parseHandshake(line: string): ServerHandshake {
  const value: unknown = JSON.parse(line);
  const fields = value as Partial<ServerHandshake> | null;
  if (
    typeof fields?.url !== 'string' ||
    typeof fields.token !== 'string' ||
    typeof fields.version !== 'string'
  ) {
    throw new Error('expected {"url": string, "token": string, "version": string}');
  }
  return { url: fields.url, token: fields.token, version: fields.version };
}
