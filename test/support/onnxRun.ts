// Runs a model.onnx with onnxruntime-node on inputs from a JSON file and writes its outputs as JSON, so
// that Python tests and benchmarks can compare and time the Node runtime against PyTorch.
//
//   node --import tsx test/support/onnxRun.ts MODEL INPUTS.json OUTPUTS.json [--threads N] [--repeat N]
//
// INPUTS.json: {"<input name>": {"type": "int64" | "float32", "dims": [...], "data": [... row-major]}}.
// OUTPUTS.json: {"outputs": {"<output name>": {"dims": [...], "data": [...]}}, "latencies_ms": [...]}, with
// one latency per timed run: `--repeat N` times the session N more times after the run whose outputs
// are written. `--threads N` sets onnxruntime's intra-op threads.
import { readFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';

interface InputSpec {
  type: 'int64' | 'float32';
  dims: number[];
  data: number[];
}

interface Options {
  model: string;
  inputs: string;
  outputs: string;
  threads: number | undefined;
  repeat: number;
}

function parseArgs(argv: readonly string[]): Options {
  const positional: string[] = [];
  const flags = new Map<string, number>();
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (arg === '--threads' || arg === '--repeat') {
      const value = Number(argv[++index]);
      if (!Number.isInteger(value) || value < 0) throw new Error(`${arg} needs a non-negative integer`);
      flags.set(arg, value);
    } else {
      positional.push(arg);
    }
  }
  const [model, inputs, outputs] = positional;
  if (positional.length !== 3 || model === undefined || inputs === undefined || outputs === undefined) {
    throw new Error('usage: onnxRun.ts MODEL INPUTS.json OUTPUTS.json [--threads N] [--repeat N]');
  }
  return { model, inputs, outputs, threads: flags.get('--threads'), repeat: flags.get('--repeat') ?? 0 };
}

function tensor(name: string, spec: InputSpec): ort.Tensor {
  const size = spec.dims.reduce((product, dim) => product * dim, 1);
  if (spec.data.length !== size) {
    throw new Error(`${name}: ${spec.data.length} values for dims [${spec.dims.join(', ')}]`);
  }
  if (spec.type === 'int64') return new ort.Tensor('int64', BigInt64Array.from(spec.data, BigInt), spec.dims);
  if (spec.type === 'float32') return new ort.Tensor('float32', Float32Array.from(spec.data), spec.dims);
  throw new Error(`${name}: type ${String(spec.type)} is not int64 or float32`);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const specs = JSON.parse(await readFile(options.inputs, 'utf8')) as Record<string, InputSpec>;
  const feeds = Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, tensor(name, spec)]));
  const session = await ort.InferenceSession.create(options.model, {
    executionProviders: ['cpu'],
    ...(options.threads === undefined ? {} : { intraOpNumThreads: options.threads, interOpNumThreads: 1 }),
  });
  const results = await session.run(feeds);
  const latencies: number[] = [];
  for (let run = 0; run < options.repeat; run++) {
    const start = performance.now();
    await session.run(feeds);
    latencies.push(performance.now() - start);
  }
  const outputs = Object.fromEntries(
    session.outputNames.map((name) => {
      const output = results[name] as ort.Tensor;
      return [name, { dims: output.dims, data: Array.from(output.data as Float32Array) }];
    }),
  );
  await writeFile(options.outputs, JSON.stringify({ outputs, latencies_ms: latencies }));
  await session.release();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
