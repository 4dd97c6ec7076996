import * as assert from 'node:assert/strict';
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
});
