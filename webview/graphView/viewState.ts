import type { AttributionGraph } from '../../protocol/graph';
import type { GraphLayout } from './graphLayout';

/**
 * What the webview keeps across VS Code hiding and restoring the panel: the graph with its finished layout,
 * so that a restored panel redraws without running ELK again.
 */
export interface ViewState {
  version: typeof VIEW_STATE_VERSION;
  source: string;
  graph: AttributionGraph;
  layout: GraphLayout;
  ciThreshold: number;
}

const VIEW_STATE_VERSION = 1;

export function makeViewState(fields: Omit<ViewState, 'version'>): ViewState {
  return { version: VIEW_STATE_VERSION, ...fields };
}

/** The saved state if this version of the page wrote it, else undefined (start empty). */
export function readViewState(saved: unknown): ViewState | undefined {
  if (typeof saved !== 'object' || saved === null) return undefined;
  const state = saved as Partial<ViewState>;
  const complete =
    state.version === VIEW_STATE_VERSION &&
    typeof state.source === 'string' &&
    typeof state.graph === 'object' &&
    typeof state.layout === 'object' &&
    typeof state.ciThreshold === 'number';
  return complete ? (state as ViewState) : undefined;
}
