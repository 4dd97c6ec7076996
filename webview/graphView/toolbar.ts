import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';

export interface ToolbarActions {
  fit(): void;
  /** Components with CI below this are hidden; called with a value in [0, 1]. */
  setCiThreshold(threshold: number): void;
}

export interface Toolbar {
  showThreshold(threshold: number): void;
  /** Counts and timings, shown in the badge. */
  showStats(text: string, details: string): void;
  /** A short state such as "Laying out…" or an error; empty to clear. */
  showStatus(text: string, isError?: boolean): void;
}

/** Fit button, CI threshold field, statistics badge and a status line, built into `host`. */
export function createToolbar(host: HTMLElement, actions: ToolbarActions): Toolbar {
  const fit = document.createElement('vscode-button');
  fit.secondary = true;
  fit.icon = 'screen-full';
  fit.textContent = 'Fit';
  fit.title = 'Show the whole graph';
  fit.addEventListener('click', () => actions.fit());

  const thresholdLabel = document.createElement('span');
  thresholdLabel.className = 'toolbar-label';
  thresholdLabel.textContent = 'Min CI';
  const threshold = document.createElement('vscode-textfield');
  threshold.id = 'ci-threshold';
  threshold.type = 'number';
  threshold.min = 0;
  threshold.max = 1;
  threshold.step = 0.05;
  threshold.value = '0';
  threshold.label = 'Hide components whose causal importance is below this value';
  threshold.title = threshold.label;
  threshold.addEventListener('input', () => {
    const value = Number(threshold.value);
    if (threshold.value !== '' && Number.isFinite(value))
      actions.setCiThreshold(Math.min(1, Math.max(0, value)));
  });

  const stats = document.createElement('vscode-badge');
  stats.id = 'graph-stats';
  stats.hidden = true;
  const status = document.createElement('span');
  status.className = 'toolbar-status';
  status.setAttribute('role', 'status');

  host.classList.add('toolbar');
  host.replaceChildren(fit, thresholdLabel, threshold, stats, status);

  return {
    showThreshold(value) {
      threshold.value = String(value);
    },
    showStats(text, details) {
      stats.textContent = text;
      stats.hidden = false;
      stats.title = details;
    },
    showStatus(text, isError = false) {
      status.textContent = text;
      status.classList.toggle('error', isError);
    },
  };
}
