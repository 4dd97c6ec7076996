import type { GraphViewToHostMessage } from '../../protocol/webviewMessages';

/** The API VS Code gives a webview page; `acquireVsCodeApi` may be called once per page. */
export interface VsCodeApi {
  postMessage(message: GraphViewToHostMessage): void;
  /** What the last `setState` stored, possibly by an older version of this page. */
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export function connectToHost(): VsCodeApi {
  return acquireVsCodeApi();
}
