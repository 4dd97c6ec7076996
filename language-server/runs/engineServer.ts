// The decomposition server as the language server reaches it: the extension says where it is
// (`paramlens/serverConnection`), spawned or remote, and the language server asks it itself for what only
// the engine knows. A config's module listing is cached on disk by its target, so that the next session
// checks the config at once, even before a server runs (or in an untrusted workspace, where none does).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LanguageServerOptions } from '../../protocol/lspRequests';
import type {
  ComponentCard,
  ConfigRequest,
  ModuleListing,
  RunInfo,
  RunList,
  ServerConnection,
  ValidateResponse,
} from '../../protocol/serverApi';

/** A config whose target's modules are wanted; `targetKey` names its target section (a hex digest). */
export interface ListingQuestion {
  configUri: string;
  /** The config's text, without the `analysis` section, which the listing ignores. */
  text: string;
  targetKey: string;
}

/** The engine answers a config in seconds at most; past this the question counts as unanswered. */
const REQUEST_TIMEOUT_MS = 60_000;

export class EngineServer {
  private connection: Promise<ServerConnection | null>;
  private firstConnection: ((server: ServerConnection | null) => void) | undefined;
  private cacheDir: string | null = null;
  private readonly listeners: (() => void)[] = [];

  /** `log`: where refusals go (the client's log), once per question. */
  constructor(private readonly log: (message: string) => void) {
    this.connection = Promise.resolve(null); // a client that never says where a server is has none
  }

  /** From `initializationOptions`: where to cache, and whether to wait for the extension's first word. */
  configure(options: Partial<LanguageServerOptions> | undefined): void {
    this.cacheDir = options?.moduleListingCache ?? null;
    if (options?.serverConnection === true)
      this.connection = new Promise((resolve) => (this.firstConnection = resolve));
  }

  /** The extension's `paramlens/serverConnection`. */
  setConnection(server: ServerConnection | null): void {
    this.firstConnection?.(server);
    this.firstConnection = undefined;
    this.connection = Promise.resolve(server);
    if (server !== null) for (const listener of this.listeners) listener();
  }

  /** Calls `listener` whenever a server becomes reachable: questions it could not answer may be asked again. */
  onDidConnect(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** The listing of the config's target: from the cache, else the server (then cached); null if neither. */
  async moduleListing(question: ListingQuestion): Promise<ModuleListing | null> {
    const cacheFile =
      this.cacheDir === null || !/^[0-9a-f]+$/.test(question.targetKey)
        ? undefined
        : path.join(this.cacheDir, `${question.targetKey}.json`);
    const cached = cacheFile === undefined ? undefined : await readCached(cacheFile);
    if (cached !== undefined) return cached;
    const listing = await this.post<ModuleListing>('/modules', question.configUri, question.text);
    if (listing !== null && cacheFile !== undefined) {
      await mkdir(path.dirname(cacheFile), { recursive: true });
      await writeFile(cacheFile, JSON.stringify(listing));
    }
    return listing;
  }

  /** A reference-format config checked through the translation a run uses; null when no server answers. */
  validate(uri: string, text: string): Promise<ValidateResponse | null> {
    return this.post<ValidateResponse>('/validate', uri, text);
  }

  /** The URL of the server that answers now; null when there is none. */
  async url(): Promise<string | null> {
    return (await this.connection)?.url ?? null;
  }

  /** The server's runs, newest first; null when no server answers. */
  async runs(): Promise<RunInfo[] | null> {
    return (await this.request<RunList>('GET', '/runs', 'the run list'))?.runs ?? null;
  }

  /** A subcomponent of a run the server harvested, with its `limit` strongest examples; null if none. */
  componentCard(runId: string, module: string, index: number, limit: number): Promise<ComponentCard | null> {
    const route = `/runs/${encodeURIComponent(runId)}/components/${encodeURIComponent(module)}/${index}?limit=${limit}`;
    return this.request<ComponentCard>('GET', route, `${module}:${index} of ${runId}`);
  }

  /**
   * Posts a config; null when no server runs or it refuses the config. A config the engine cannot read is
   * reported by the diagnostics that need no engine, so its refusal is logged once, not shown.
   */
  private post<T>(route: '/modules' | '/validate', uri: string, text: string): Promise<T | null> {
    const body: ConfigRequest = { text, path: uri.startsWith('file:') ? fileURLToPath(uri) : null };
    return this.request<T>('POST', route, uri, body);
  }

  /** One request to the current server; null (and a line in the log) when none runs or it refuses. */
  private async request<T>(
    method: 'GET' | 'POST',
    route: string,
    subject: string,
    body?: ConfigRequest,
  ): Promise<T | null> {
    const server = await this.connection;
    if (server === null) return null;
    try {
      const response = await fetch(`${server.url}${route}`, {
        method,
        headers: {
          Authorization: `Bearer ${server.token}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (!response.ok) {
        const answer = (await response.json().catch(() => ({}))) as { message?: unknown };
        const message = typeof answer.message === 'string' ? answer.message : response.statusText;
        this.log(`${method} ${route.split('?')[0]} for ${subject} answered ${response.status}: ${message}`);
        return null;
      }
      return (await response.json()) as T;
    } catch (error) {
      this.log(`${method} ${route.split('?')[0]} for ${subject} failed: ${(error as Error).message}`);
      return null;
    }
  }
}

async function readCached(file: string): Promise<ModuleListing | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ModuleListing;
  } catch {
    return undefined;
  }
}
