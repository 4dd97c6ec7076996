// The decomposition server's HTTP API as the editor uses it (docs/server.md): runs, jobs, graphs and each
// run's event stream, typed by the types generated from the server's OpenAPI document. The same client talks
// to the server the extension spawned and to a remote one; only the URL and token differ.
import type { StreamedRunEvent } from '../protocol/runFiles';
import type {
  ComponentList,
  CreateRunRequest,
  ErrorResponse,
  GraphsResponse,
  HealthResponse,
  InterventionResult,
  InterventionSpec,
  RunInfo,
  RunList,
  ServerConnection,
  StartJobRequest,
} from '../protocol/serverApi';
import type { AttributionGraph } from '../protocol/graph';

/** An error answer: the HTTP status, the server's error code and message, and its error ID for the log. */
export class ServerError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errorId: string | undefined,
  ) {
    super(message);
  }
}

/** How long a request other than an event stream may take. */
const REQUEST_TIMEOUT_MS = 60_000;

export class ServerClient {
  constructor(readonly connection: ServerConnection) {}

  health(): Promise<HealthResponse> {
    return this.request('GET', '/health');
  }

  /** A new run of a config, queued to train. `config` is the config's text, `config_path` its file. */
  createRun(body: CreateRunRequest): Promise<RunInfo> {
    return this.request('POST', '/runs', body);
  }

  async listRuns(): Promise<RunInfo[]> {
    return (await this.request<RunList>('GET', '/runs')).runs;
  }

  getRun(runId: string): Promise<RunInfo> {
    return this.request('GET', `/runs/${encodeURIComponent(runId)}`);
  }

  cancelRun(runId: string): Promise<RunInfo> {
    return this.request('POST', `/runs/${encodeURIComponent(runId)}/cancel`);
  }

  resumeRun(runId: string): Promise<RunInfo> {
    return this.request('POST', `/runs/${encodeURIComponent(runId)}/resume`);
  }

  async deleteRun(runId: string): Promise<void> {
    await this.request('DELETE', `/runs/${encodeURIComponent(runId)}`);
  }

  /** Queue an analysis job (harvest, graph, optimize-circuit, export-onnx) on a finished run. */
  startJob(runId: string, job: StartJobRequest): Promise<RunInfo> {
    return this.request('POST', `/runs/${encodeURIComponent(runId)}/jobs`, job);
  }

  /** A module's subcomponents from the run's harvest, densest first. */
  listComponents(runId: string, module: string, limit: number): Promise<ComponentList> {
    const path = `/runs/${encodeURIComponent(runId)}/components/${encodeURIComponent(module)}?limit=${limit}`;
    return this.request('GET', path);
  }

  async listGraphs(runId: string): Promise<GraphsResponse['graphs']> {
    return (await this.request<GraphsResponse>('GET', `/runs/${encodeURIComponent(runId)}/graphs`)).graphs;
  }

  /** Next-token predictions (toy outputs) with subcomponents kept or ablated, beside the unmasked model's. */
  intervene(runId: string, spec: InterventionSpec): Promise<InterventionResult> {
    return this.request('POST', `/runs/${encodeURIComponent(runId)}/intervene`, spec);
  }

  getGraph(runId: string, graphId: string): Promise<AttributionGraph> {
    const path = `/runs/${encodeURIComponent(runId)}/graphs/${encodeURIComponent(graphId)}`;
    return this.request('GET', path);
  }

  /**
   * The run's events after `lastEventId`, as they happen, until the server ends the stream (the run is idle
   * and every event was sent) or `signal` aborts. A dropped connection ends the iteration too: call again
   * with the last ID seen to continue exactly where it stopped.
   */
  async *events(runId: string, lastEventId?: number, signal?: AbortSignal): AsyncGenerator<StreamedRunEvent> {
    const headers: Record<string, string> = { ...this.auth(), Accept: 'text/event-stream' };
    if (lastEventId !== undefined) headers['Last-Event-ID'] = String(lastEventId);
    const response = await fetch(`${this.connection.url}/runs/${encodeURIComponent(runId)}/events`, {
      headers,
      signal,
    });
    if (!response.ok || response.body === null) throw await serverError(response);
    const decoder = new TextDecoder();
    let buffer = '';
    let fields: Record<string, string> = {};
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, newline).replace(/\r$/, '');
        buffer = buffer.slice(newline + 1);
        if (line === '') {
          const event = parseEvent(fields);
          fields = {};
          if (event !== undefined) yield event;
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const name = colon === -1 ? line : line.slice(0, colon);
          fields[name] = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        }
      }
    }
  }

  private auth(): Record<string, string> {
    return { Authorization: `Bearer ${this.connection.token}` };
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.connection.url}${path}`, {
      method,
      headers: { ...this.auth(), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!response.ok) throw await serverError(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
}

/** One server-sent event as a run event: `id`, `event` and `data` (JSON) of the message. */
function parseEvent(fields: Record<string, string>): StreamedRunEvent | undefined {
  if (fields.data === undefined || fields.event === undefined || fields.id === undefined) return undefined;
  const data = JSON.parse(fields.data) as StreamedRunEvent['data'];
  return { id: Number(fields.id), event: fields.event, data } as StreamedRunEvent;
}

async function serverError(response: Response): Promise<ServerError> {
  const body = (await response.json().catch(() => undefined)) as Partial<ErrorResponse> | undefined;
  const message =
    typeof body?.message === 'string' ? body.message : `${response.status} ${response.statusText}`;
  return new ServerError(response.status, body?.error ?? 'error', message, body?.error_id ?? undefined);
}
