/**
 * The decomposition server's HTTP API as the extension sees it (docs/server.md).
 * The types come from `serverApi.generated.ts`, generated from the server's OpenAPI document
 * by `npm run gen:contracts`; only the handshake line and the connection, which are not HTTP routes, are written here.
 */
import type { components } from './serverApi.generated';

type Schemas = components['schemas'];

/** Where a server answers, and the bearer token it wants: spawned or remote alike. */
export interface ServerConnection {
  url: string;
  token: string;
}

/** The one JSON line `paramlens serve` prints on stdout once it listens. */
export interface ServerHandshake extends ServerConnection {
  version: string;
}

/** Body of every error response. */
export type ErrorResponse = Schemas['ErrorResponse'];
/** A device the server can compute on. */
export type DeviceInfo = Schemas['DeviceInfo'];
/** `GET /health`. */
export type HealthResponse = Schemas['HealthResponse'];
/** `GET /version`. */
export type VersionResponse = Schemas['VersionResponse'];
/** A device with the memory free on it now. */
export type DeviceStatus = Schemas['DeviceStatus'];
/** `GET /devices`. */
export type DevicesResponse = Schemas['DevicesResponse'];
/** Body of `POST /validate` and `POST /modules`: a config's YAML text and its file path. */
export type ConfigRequest = Schemas['ConfigRequest'];
/** One problem in a config, at its key path, line and column. */
export type ConfigProblem = Schemas['ConfigProblem'];
/** `POST /validate`. */
export type ValidateResponse = Schemas['ValidateResponse'];
/** One module of a target, with its shape and source location. */
export type ListedModule = Schemas['ListedModule'];
/** `POST /modules`, and a run's `modules.json`. */
export type ModuleListing = Schemas['ModuleListing'];
/** `GET /runs/{run_id}/components/{module}/{index}`. */
export type ComponentCard = Schemas['ComponentCard'];
/** One top-activating example on a component card. */
export type CardExample = Schemas['CardExample'];
/** `GET /runs/{run_id}/graphs`. */
export type GraphsResponse = Schemas['GraphsResponse'];
/** One attribution-graph file of a run. */
export type GraphSummary = Schemas['GraphSummary'];
/** Body of `POST /runs/{run_id}/intervene`: a prompt and the subcomponents to keep or ablate. */
export type InterventionSpec = Schemas['InterventionSpec'];
/** `POST /runs/{run_id}/intervene`: predictions with the intervention beside the unmasked model's. */
export type InterventionResult = Schemas['InterventionResult'];
/** Body of `POST /runs`: a config's text and file path, and optionally the device. */
export type CreateRunRequest = Schemas['CreateRunRequest'];
/** A run as the server sees it: its run.json fields and its queued and running jobs. */
export type RunInfo = Schemas['RunInfo'];
/** `GET /runs`. */
export type RunList = Schemas['RunList'];
/** A queued or running job of a run. */
export type JobInfo = Schemas['JobInfo'];
/** Body of `POST /runs/{run_id}/jobs`: the job's kind and its parameters. */
export type StartJobRequest = Schemas['StartJobRequest'];
/** `GET /runs/{run_id}/components/{module}`: a module's subcomponents, densest first. */
export type ComponentList = Schemas['ComponentList'];
/** One subcomponent of that listing. */
export type ComponentSummary = Schemas['ComponentSummary'];
