import ELK from 'elkjs/lib/elk-api.js';
import type { ElkNode } from 'elkjs/lib/elk-api.js';
import type { AttributionGraph } from '../../protocol/graph';
import { toElkGraph } from './elkGraph';
import { readElkLayout, type GraphLayout } from './graphLayout';

/** Where ELK runs: a Web Worker keeps the view responsive; the main thread is the fallback. */
export type LayoutEngineKind = 'worker' | 'main thread';

export interface LayoutEngine {
  kind: LayoutEngineKind;
  /** Why the worker could not be used, when it could not. */
  fallbackReason?: string;
  layout(graph: AttributionGraph): Promise<GraphLayout>;
}

/** Where to load ELK from: the bundled `elkWorker.js` and the page's script nonce. */
export interface ElkScript {
  url: string;
  nonce: string;
}

// A worker that fails to start can stay silent forever (a known webview failure), so its start is timed.
const WORKER_START_TIMEOUT_MS = 10_000;

declare global {
  interface Window {
    /** Set by `elkWorker.js` when it runs as a page script: ELK's in-process stand-in for a worker. */
    ElkWorkerScript?: { Worker: new () => Worker };
  }
}

/**
 * Starts ELK in a Web Worker created from a blob (the only kind a webview allows), or, if that fails, on
 * the main thread from the same script.
 */
export async function startLayoutEngine(script: ElkScript): Promise<LayoutEngine> {
  try {
    return await startWorkerEngine(script.url);
  } catch (error) {
    const engine = await startMainThreadEngine(script);
    return { ...engine, fallbackReason: error instanceof Error ? error.message : String(error) };
  }
}

async function startWorkerEngine(url: string): Promise<LayoutEngine> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`loading the layout worker failed: HTTP ${response.status}`);
  const blobUrl = URL.createObjectURL(new Blob([await response.text()], { type: 'text/javascript' }));
  try {
    return await startWorkerFrom(blobUrl);
  } finally {
    URL.revokeObjectURL(blobUrl);
  }
}

async function startWorkerFrom(blobUrl: string): Promise<LayoutEngine> {
  let worker: Worker | undefined;
  const elk = new ELK({ workerFactory: () => (worker = new Worker(blobUrl)) });
  try {
    const answered = failOnWorkerError(worker, elk.knownLayoutAlgorithms());
    await withTimeout(answered, WORKER_START_TIMEOUT_MS, 'the layout worker did not start');
  } catch (error) {
    elk.terminateWorker();
    throw error;
  }
  const started = worker;
  return {
    kind: 'worker',
    layout: (graph) => timedLayout(graph, (input) => failOnWorkerError(started, elk.layout(input))),
  };
}

async function startMainThreadEngine(script: ElkScript): Promise<LayoutEngine> {
  const InProcessWorker = window.ElkWorkerScript?.Worker ?? (await loadElkScript(script));
  const elk = new ELK({ workerFactory: () => new InProcessWorker() });
  return { kind: 'main thread', layout: (graph) => timedLayout(graph, (input) => elk.layout(input)) };
}

async function timedLayout(
  graph: AttributionGraph,
  run: (input: ElkNode) => Promise<ElkNode>,
): Promise<GraphLayout> {
  const input = toElkGraph(graph);
  const started = performance.now();
  const laidOut = await run(input);
  return readElkLayout(graph, laidOut, Math.round(performance.now() - started));
}

/** Runs `elkWorker.js` as a page script; the script's nonce lets it past the content security policy. */
function loadElkScript(script: ElkScript): Promise<new () => Worker> {
  return new Promise((resolve, reject) => {
    const element = document.createElement('script');
    element.nonce = script.nonce;
    element.src = script.url;
    element.addEventListener('load', () => {
      const InProcessWorker = window.ElkWorkerScript?.Worker;
      if (InProcessWorker) resolve(InProcessWorker);
      else reject(new Error('the layout script loaded but defined no ELK'));
    });
    element.addEventListener('error', () =>
      reject(new Error(`could not load the layout script ${script.url}`)),
    );
    document.head.append(element);
  });
}

/** ELK's worker wrapper never settles when the worker itself fails; this rejects instead. */
function failOnWorkerError<T>(worker: Worker | undefined, work: Promise<T>): Promise<T> {
  if (!worker) return work;
  let onError: (event: ErrorEvent) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    // A worker blocked by policy or unable to load its script fails with no message.
    onError = (event) => reject(new Error(`the layout worker failed: ${event.message || 'it did not load'}`));
    worker.addEventListener('error', onError);
  });
  return Promise.race([work, failed]).finally(() => worker.removeEventListener('error', onError));
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
