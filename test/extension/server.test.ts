import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { paramLensApi } from './paramLens';

describe('decomposition server', () => {
  it('starts and reports its version and a CPU device', async () => {
    const health = await (await paramLensApi()).serverHealth();
    assert.equal(health.status, 'ok');
    assert.match(health.version, /^\d+\.\d+/);
    assert.ok(
      health.devices.some((device) => device.kind === 'cpu' && device.name === 'cpu'),
      `no CPU device in ${JSON.stringify(health.devices)}`,
    );
  });

  it('says which setting to fix when the configured interpreter does not exist, then recovers', async () => {
    const api = await paramLensApi();
    const settings = vscode.workspace.getConfiguration('paramlens');
    const working = settings.get<string>('pythonPath');
    try {
      await settings.update('pythonPath', '/nonexistent/bin/python', vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('paramlens.restartServer');
      await assert.rejects(api.serverHealth(), (error: Error) => {
        assert.match(error.message, /"\/nonexistent\/bin\/python" \(setting\) was not found/);
        assert.match(error.message, /paramlens\.pythonPath/);
        assert.doesNotMatch(error.message, /\n\s+at /, 'no stack trace in the message');
        return true;
      });
    } finally {
      await settings.update('pythonPath', working, vscode.ConfigurationTarget.Global);
    }
    await vscode.commands.executeCommand('paramlens.restartServer');
    assert.equal((await api.serverHealth()).status, 'ok');
  });
});
