import type { ConfigRequest } from '../protocol/serverApi';
import type { RunningServer } from './decompositionServer';

/** A route that takes a config's text (docs/server.md, "Configs in requests"). */
export type ConfigRoute = '/validate' | '/modules';

/**
 * Posts a config to the decomposition server. Rejects with the server's message on an error status, so
 * that a config the engine cannot read is logged once by the caller, never shown as a popup on each edit.
 */
export async function postConfig<T>(
  server: RunningServer,
  route: ConfigRoute,
  body: ConfigRequest,
): Promise<T> {
  const response = await fetch(`${server.handshake.url}${route}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.handshake.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    const answer = (await response.json().catch(() => ({}))) as { message?: unknown };
    const message = typeof answer.message === 'string' ? answer.message : response.statusText;
    throw new Error(`POST ${route} answered ${response.status}: ${message}`);
  }
  return (await response.json()) as T;
}
