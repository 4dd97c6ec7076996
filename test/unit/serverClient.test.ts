// The editor's client of the decomposition server, against a real `paramlens serve`: a run created from a
// config's text trains while its event stream is followed; a reconnect with the last ID continues exactly; a
// job on the finished run reports its end; errors carry the server's status and code.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { StreamedRunEvent } from '../../protocol/runFiles';
import { ServerClient, ServerError } from '../../extension/serverClient';
import { quickTargetCache, startPythonServer, type PythonServer } from '../support/pythonServer';

const STEPS = 60;
const CONFIG = `method: spd
seed: 3
target: {builtin: tms_5-2}
data: {synthetic: {feature_probability: 0.05}}
modules: [{pattern: linear1, C: 8}, {pattern: linear2, C: 8}]
ci_function: {type: mlp, hidden_dims: [8]}
training: {steps: ${STEPS}, batch_size: 64, lr: 0.001, device: cpu, faithfulness_warmup: {steps: 5}}
logging: {log_every: 10, eval_every: 30, eval_batch_size: 128, checkpoint_every: 30, ci_alive_threshold: 0.1}
`;

/** Every event of the run from `lastEventId` on, until the stream ends or `until` accepts one. */
async function collect(
  client: ServerClient,
  runId: string,
  lastEventId?: number,
  until?: (event: StreamedRunEvent) => boolean,
): Promise<StreamedRunEvent[]> {
  const seen: StreamedRunEvent[] = [];
  const controller = new AbortController();
  const deadline = setTimeout(() => controller.abort(), 120_000);
  try {
    for await (const event of client.events(runId, lastEventId, controller.signal)) {
      seen.push(event);
      if (until?.(event)) break;
    }
  } finally {
    clearTimeout(deadline);
  }
  return seen;
}

describe('the server client', { timeout: 300_000 }, () => {
  let server: PythonServer;
  let client: ServerClient;

  before(async () => {
    server = await startPythonServer(quickTargetCache());
    client = new ServerClient(server.connection);
  });
  after(async () => server?.stop());

  test('creates a run, follows its events to the end, and resumes the stream by ID', async () => {
    const created = await client.createRun({ config: CONFIG, config_path: '/workspace/toy.decomp.yaml' });
    assert.equal(created.status, 'queued');
    assert.ok(created.run_id.startsWith('toy-'));

    const first = await collect(client, created.run_id, undefined, (e) => e.event === 'metrics');
    const rest = await collect(client, created.run_id, first.at(-1)?.id);
    const replay = await collect(client, created.run_id);

    assert.deepEqual([...first, ...rest], replay);
    assert.deepEqual(
      replay.map((event) => event.id),
      replay.map((_, index) => index + 1),
    );
    const states = replay.flatMap((event) => (event.event === 'state' ? [event.data.status] : []));
    assert.deepEqual(states, ['queued', 'running', 'done']);
    const steps = replay.flatMap((event) => (event.event === 'metrics' ? [event.data.step] : []));
    assert.deepEqual(steps, [1, 10, 20, 30, 40, 50, 60]);
    const last = replay.at(-1);
    assert.ok(last?.event === 'job' && last.data.state === 'ended' && last.data.exit_code === 0);
    const run = await client.getRun(created.run_id);
    assert.equal(run.status, 'done');
    assert.equal((await client.listRuns()).length, 1);
  });

  test('runs a job on a finished run and reports its end', async () => {
    const [run] = await client.listRuns();
    assert.ok(run);
    const started = await client.startJob(run.run_id, {
      kind: 'graph',
      params: { features: { '1': 1, '3': 0.5 } },
    });
    assert.equal(started.job?.kind, 'graph');
    const events = await collect(client, run.run_id, run.last_event_id);
    const ended = events.at(-1);
    assert.ok(ended?.event === 'job' && ended.data.state === 'ended' && ended.data.exit_code === 0);
    const graphs = await client.listGraphs(run.run_id);
    assert.deepEqual(
      graphs.map((graph) => graph.id),
      ['features-1-3'],
    );
    const graph = await client.getGraph(run.run_id, 'features-1-3');
    assert.equal(graph.input_kind, 'features');
  });

  test('errors carry the status and the server code', async () => {
    await assert.rejects(client.getRun('no-such-run'), (error: unknown) => {
      assert.ok(error instanceof ServerError);
      assert.equal(error.status, 404);
      assert.equal(error.code, 'not_found');
      return true;
    });
    const stranger = new ServerClient({ url: server.connection.url, token: 'wrong' });
    await assert.rejects(
      stranger.listRuns(),
      (error: unknown) => error instanceof ServerError && error.status === 401,
    );
    await assert.rejects(
      client.createRun({ config: 'method: spd\n', config_path: '/w/bad.decomp.yaml' }),
      (error: unknown) =>
        error instanceof ServerError && error.status === 422 && error.code === 'invalid_config',
    );
  });
});
