/**
 * The decomposition server's HTTP API as the extension sees it (docs/protocol.md).
 * Mirrors the pydantic models in `server/src/paramlens/serve/`.
 */

/** The one JSON line `paramlens serve` prints on stdout once it listens. */
export interface ServerHandshake {
  url: string;
  token: string;
  version: string;
}

export interface DeviceInfo {
  /** `cpu`, `cuda:0`, `cuda:1`, … */
  name: string;
  kind: 'cpu' | 'cuda';
  /** Human-readable device name, e.g. the GPU model. */
  description: string;
  /** Total memory in MiB, for CUDA devices. */
  memory_total_mb: number | null;
}

/** `GET /health`. */
export interface HealthResponse {
  status: 'ok';
  version: string;
  torch_version: string;
  devices: DeviceInfo[];
}
