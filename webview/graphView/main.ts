// Entry point of the attribution-graph webview: asks the host for a graph, lays it out with ELK, draws it,
// and reports back. The typed messages are in protocol/webviewMessages.ts.
import type { AttributionGraph } from '../../protocol/graph';
import type { HostToGraphViewMessage } from '../../protocol/webviewMessages';
import { GraphView } from './graphView';
import { startLayoutEngine, type ElkScript, type LayoutEngine } from './layout';
import { makeViewState, readViewState, type ViewState } from './viewState';
import { connectToHost } from './vscodeApi';

const host = connectToHost();
let state: ViewState | undefined = readViewState(host.getState());
let engine: Promise<LayoutEngine> | undefined;
/** Numbers each `showGraph`, so that a slow layout cannot overwrite a newer graph. */
let latestRequest = 0;

const view = new GraphView(container('toolbar'), container('graph'), {
  select: (nodeId) => host.postMessage({ type: 'selectNode', nodeId }),
  ciThresholdChanged: (ciThreshold) => {
    if (!state) return;
    state = { ...state, ciThreshold };
    host.setState(state);
  },
});

// A panel that VS Code hid and restored redraws at once from its saved layout.
if (state) view.show({ ...state, layoutNote: 'restored from the saved view' }, state.ciThreshold);

window.addEventListener('message', (event: MessageEvent<HostToGraphViewMessage>) => {
  if (event.data?.type === 'showGraph') void showGraph(event.data.graph, event.data.source);
});
host.postMessage({ type: 'ready' });

async function showGraph(graph: AttributionGraph, source: string): Promise<void> {
  const request = ++latestRequest;
  try {
    // The host sends the graph again after a restore; its saved layout is still good.
    const saved = state && JSON.stringify(state.graph) === JSON.stringify(graph) ? state : undefined;
    let layout = saved?.layout;
    let layoutNote = 'restored from the saved view';
    if (!layout) {
      view.showStatus('Laying out…');
      const started = await layoutEngine();
      layout = await started.layout(graph);
      layoutNote = describeEngine(started);
    }
    if (request !== latestRequest) return;

    const ciThreshold = saved?.ciThreshold ?? 0;
    state = makeViewState({ source, graph, layout, ciThreshold });
    host.setState(state);
    const counts = view.show({ graph, layout, source, layoutNote }, ciThreshold);
    // A reused layout cost no ELK time in this page.
    host.postMessage({ type: 'rendered', ...counts, layoutMs: saved ? 0 : layout.layoutMs });
  } catch (error) {
    if (request !== latestRequest) return;
    const message = error instanceof Error ? error.message : String(error);
    view.showStatus(`Could not show the graph: ${message}`, true);
    host.postMessage({ type: 'error', message });
  }
}

/** Starts ELK once per page; a failed start is retried with the next graph. */
function layoutEngine(): Promise<LayoutEngine> {
  engine ??= startLayoutEngine(elkScript()).then(
    (started) => {
      // End-to-end tests read where ELK runs from here.
      document.body.dataset.layoutEngine = started.kind;
      return started;
    },
    (error: unknown) => {
      engine = undefined;
      throw error;
    },
  );
  return engine;
}

function describeEngine(started: LayoutEngine): string {
  const where = `by ELK on the ${started.kind}`;
  return started.fallbackReason ? `${where} (no worker: ${started.fallbackReason})` : where;
}

/** The bundled ELK script, named by the panel's HTML on this page's script tag, with the page's nonce. */
function elkScript(): ElkScript {
  const script = document.querySelector<HTMLScriptElement>('script[data-elk-worker]');
  const url = script?.dataset.elkWorker;
  if (!script || !url) throw new Error('the page names no layout script (data-elk-worker on the script tag)');
  return { url, nonce: script.nonce ?? '' };
}

/** The page's element with this ID; created if the page lacks it, so that the view still shows. */
function container(id: string): HTMLElement {
  const existing = document.getElementById(id);
  if (existing) return existing;
  const created = document.createElement('div');
  created.id = id;
  document.body.append(created);
  return created;
}
