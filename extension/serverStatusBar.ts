import * as vscode from 'vscode';
import type { HealthResponse } from '../protocol/serverApi';

/** The status-bar item that shows the decomposition server's state, version and devices. */
export class ServerStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'paramlens.server',
    vscode.StatusBarAlignment.Left,
    10,
  );

  constructor() {
    this.item.name = 'ParamLens Server';
    this.item.command = 'paramlens.showServerLog';
  }

  starting(): void {
    this.show('$(loading~spin) ParamLens', 'Starting the decomposition server…');
  }

  ready(health: HealthResponse): void {
    const accelerators = health.devices.filter((device) => device.kind === 'cuda');
    const device = accelerators.length > 0 ? accelerators.map((d) => d.name).join(', ') : 'cpu';
    const devices = health.devices
      .map((d) => `- \`${d.name}\` ${d.description}${d.memory_total_mb ? ` (${d.memory_total_mb} MiB)` : ''}`)
      .join('\n');
    this.item.accessibilityInformation = { label: `ParamLens server ${health.version} running on ${device}` };
    this.show(
      `$(server-process) ParamLens ${health.version} · ${device}`,
      new vscode.MarkdownString(
        `**ParamLens server ${health.version}**, torch ${health.torch_version}\n\n${devices}` +
          (health.cuda_problem ? `\n\n$(warning) ${health.cuda_problem}` : ''),
        true,
      ),
    );
  }

  /** Connected to a server elsewhere: where, and on which devices. */
  remote(health: HealthResponse, url: string): void {
    const host = new URL(url).host;
    const accelerators = health.devices.filter((device) => device.kind === 'cuda');
    const device = accelerators.length > 0 ? accelerators.map((d) => d.name).join(', ') : 'cpu';
    this.show(
      `$(remote) ParamLens ${host} · ${device}`,
      new vscode.MarkdownString(
        `**ParamLens server ${health.version}** at \`${url}\`, torch ${health.torch_version}\n\n` +
          'Run "ParamLens: Disconnect from Server" to go back to a server of this editor\'s own.',
      ),
    );
    this.item.accessibilityInformation = { label: `ParamLens connected to ${host}, running on ${device}` };
  }

  restarting(reason: string, delayMs: number): void {
    this.show(
      '$(debug-restart) ParamLens',
      `The decomposition server stopped (${reason}); restarting in ${Math.round(delayMs / 1000)} s.`,
    );
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
  }

  failed(reason: string): void {
    this.show('$(error) ParamLens', `The decomposition server is not running: ${reason}`);
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
  }

  untrusted(): void {
    this.show(
      '$(shield) ParamLens',
      'Restricted mode: the decomposition server starts once the workspace is trusted.',
    );
  }

  private show(text: string, tooltip: string | vscode.MarkdownString): void {
    if (typeof tooltip === 'string') this.item.accessibilityInformation = { label: tooltip };
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
