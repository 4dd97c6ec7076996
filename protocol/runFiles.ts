/**
 * The files of a run directory that the editor reads (docs/formats.md), as the Python side writes them.
 * The types are generated from the models it writes them with (`paramlens.serve.run_files`, through the
 * server's OpenAPI document; `npm run gen:contracts`). The graph file's types are in `graph.ts`.
 */
import type { components } from './serverApi.generated';

type Schemas = components['schemas'];

/** `run.json`: the run's manifest, rewritten whenever the run changes. */
export type RunManifest = Schemas['RunManifest'];
/** One decomposed weight matrix, as `run.json` lists it. */
export type ModuleRecord = Schemas['ModuleRecord'];
/** One line of `metrics.jsonl`. */
export type MetricsLine = Schemas['MetricsLine'];
/** One line of `events.jsonl`, and one message of a run's event stream (`GET /runs/{id}/events`). */
export type RunEvent = Schemas['RunEvent'];
/** A run event as its event stream sends it: `id`, `event` and `data`; the log's `time` stays on disk. */
export type StreamedRunEvent = RunEvent extends infer Event
  ? Event extends RunEvent
    ? Omit<Event, 'time'>
    : never
  : never;
export type StateEvent = Schemas['StateEvent'];
export type MetricsEvent = Schemas['MetricsEvent'];
export type LogEvent = Schemas['LogEvent'];
export type JobEvent = Schemas['JobEvent'];
/** `model.onnx.json`: what the C axis of an exported model holds, and how to feed it. */
export type OnnxSidecar = Schemas['OnnxSidecar'];
/** One module's slice of the C axis in `model.onnx.json`. */
export type SidecarModule = Schemas['SidecarModule'];
