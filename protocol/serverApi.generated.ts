/**
 * Generated from protocol/serverApi.openapi.json by `npm run gen:contracts`; do not edit.
 * Pick types through protocol/serverApi.ts and protocol/runFiles.ts.
 */

export interface paths {
  '/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Health */
    get: operations['health_health_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/version': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Versions of the server, PyTorch and Python */
    get: operations['version_version_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/devices': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Devices with their total and free memory */
    get: operations['devices_devices_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/validate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Check a config and report every problem at its key and line */
    post: operations['validate_validate_post'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/modules': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** List the modules of a config's target, with shapes and source lines */
    post: operations['modules_modules_post'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/runs/{run_id}/components/{module}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A module's subcomponents, densest first, with their statistics and labels */
    get: operations['module_components_runs__run_id__components__module__get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/runs/{run_id}/components/{module}/{index}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A component's statistics and top-activating examples */
    get: operations['component_card_runs__run_id__components__module___index__get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/runs/{run_id}/graphs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The run's attribution graphs */
    get: operations['list_graphs_runs__run_id__graphs_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/runs/{run_id}/graphs/{graph_id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One attribution-graph file, as written (protocol/graph.ts) */
    get: operations['get_graph_runs__run_id__graphs__graph_id__get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/runs/{run_id}/intervene': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Next-token predictions with subcomponents kept or ablated
     * @description Run the prompt through the run's decomposed model with only `keep` kept (every other
     *     subcomponent masked) or with `ablate` masked, Δ off, beside the unmasked model. IDs are
     *     subcomponents (`h.1.mlp.down_proj:12`, or short names such as `1.mlp.down:12`), applied
     *     at every position, or nodes (`h.1.mlp.down_proj:3:12`), applied at that position only.
     */
    post: operations['intervene_on_run_runs__run_id__intervene_post'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/runs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List Runs */
    get: operations['list_runs_runs_get'];
    put?: never;
    /**
     * Create Run
     * @description Create a run directory from the config and queue it to train on the config's device.
     */
    post: operations['create_run_runs_post'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/runs/{run_id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get Run */
    get: operations['get_run_runs__run_id__get'];
    put?: never;
    post?: never;
    /**
     * Delete Run
     * @description Delete the run directory and everything in it; refused while a job works on it.
     */
    delete: operations['delete_run_runs__run_id__delete'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/runs/{run_id}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Cancel Run
     * @description Cancel the run's jobs. A running decomposition stops after its current step, writes a
     *     checkpoint and becomes `cancelled`; the answer comes once every job has stopped (or after
     *     2 s, with a job still `stopping`).
     */
    post: operations['cancel_run_runs__run_id__cancel_post'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/runs/{run_id}/resume': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Resume Run
     * @description Queue an interrupted, cancelled or failed run to continue from its last checkpoint.
     */
    post: operations['resume_run_runs__run_id__resume_post'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/runs/{run_id}/jobs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start Job
     * @description Queue an analysis command (harvest, export-onnx, graph, optimize-circuit) on a finished
     *     run; it runs in a worker process on the run's device, and its output arrives as `log`
     *     events. 409 while a job of the run writes a file it would write.
     */
    post: operations['start_job_runs__run_id__jobs_post'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/runs/{run_id}/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Run Events */
    get: operations['run_events_runs__run_id__events_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    /**
     * CardExample
     * @description One top-activating example: a window of tokens around the marked one.
     */
    CardExample: {
      /** Rank */
      rank: number;
      /** Ci */
      ci: number;
      /** Activation */
      activation: number;
      /** Sequence */
      sequence: number;
      /** Position */
      position: number;
      /** Marked */
      marked: number;
      /** Token Ids */
      token_ids: number[];
      /** Tokens */
      tokens: string[];
      /** Ci Values */
      ci_values: number[];
      /** Activations */
      activations: number[];
    };
    /**
     * ComponentCard
     * @description What the harvest knows about one subcomponent.
     */
    ComponentCard: {
      /** Module */
      module: string;
      /** Component */
      component: number;
      /** Density */
      density: number;
      /** Mean Ci */
      mean_ci: number;
      /** Alive */
      alive: boolean;
      /** N Examples */
      n_examples: number;
      /** Label */
      label: string | null;
      /**
       * Input Kind
       * @enum {string}
       */
      input_kind: 'tokens' | 'features';
      /** Ci Threshold */
      ci_threshold: number;
      /** Examples */
      examples: components['schemas']['CardExample'][];
      /** Input Token Pmi */
      input_token_pmi: components['schemas']['PmiEntry'][];
      /** Output Token Pmi */
      output_token_pmi: components['schemas']['PmiEntry'][];
    };
    /**
     * ComponentList
     * @description A module's subcomponents, densest first.
     */
    ComponentList: {
      /** Module */
      module: string;
      /** C */
      C: number;
      /** Components */
      components: components['schemas']['ComponentSummary'][];
    };
    /**
     * ComponentSummary
     * @description One subcomponent in a module's listing: its statistics, without examples.
     */
    ComponentSummary: {
      /** Component */
      component: number;
      /** Density */
      density: number;
      /** Mean Ci */
      mean_ci: number;
      /** Alive */
      alive: boolean;
      /** Label */
      label: string | null;
    };
    /**
     * ConfigProblem
     * @description One problem in a config, at its key.
     */
    ConfigProblem: {
      /**
       * Path
       * @description Key path from the top of the file, e.g. ["modules", 2, "C"]; empty for the whole file.
       */
      path: (string | number)[];
      /**
       * Line
       * @description 1-based line of the key; null when unknown.
       */
      line: number | null;
      /**
       * Column
       * @description 1-based column of the key; null when unknown.
       */
      column: number | null;
      /**
       * Message
       * @description What is wrong and what was expected.
       */
      message: string;
    };
    /**
     * ConfigRequest
     * @description A decomposition config as the editor holds it, saved or not.
     */
    ConfigRequest: {
      /**
       * Text
       * @description The YAML text of the config.
       */
      text: string;
      /**
       * Path
       * @description The config's file path on the server's machine; its relative paths (weights, data) start at the file's folder. Null: the server's working directory.
       */
      path?: string | null;
    };
    /**
     * CreateRunRequest
     * @description `POST /runs`: start a decomposition from a config.
     */
    CreateRunRequest: {
      /**
       * Config
       * @description The config's YAML text, as the editor has it (saved or not).
       */
      config: string;
      /**
       * Config Path
       * @description Absolute path of the config file on the server's machine. Relative paths in the config (data, weights, tokenizer) resolve against its folder, and its name starts the run ID. The file itself is not read.
       */
      config_path: string;
      /**
       * Device
       * @description auto, cpu, cuda or cuda:N in place of the config's training.device.
       */
      device?: string | null;
    };
    /**
     * DeviceInfo
     * @description A device the server can compute on.
     */
    DeviceInfo: {
      /**
       * Name
       * @description `cpu`, `cuda:0`, `cuda:1`, …
       */
      name: string;
      /**
       * Kind
       * @description The device type.
       * @enum {string}
       */
      kind: 'cpu' | 'cuda';
      /**
       * Description
       * @description Human-readable device name, e.g. the GPU model.
       */
      description: string;
      /**
       * Memory Total Mb
       * @description Total memory in MiB; null for the CPU.
       */
      memory_total_mb: number | null;
    };
    /**
     * DeviceStatus
     * @description A device and how much of its memory is free now.
     */
    DeviceStatus: {
      /**
       * Name
       * @description `cpu`, `cuda:0`, `cuda:1`, …
       */
      name: string;
      /**
       * Kind
       * @description The device type.
       * @enum {string}
       */
      kind: 'cpu' | 'cuda';
      /**
       * Description
       * @description Human-readable device name, e.g. the GPU model.
       */
      description: string;
      /**
       * Memory Total Mb
       * @description Total memory in MiB; null for the CPU.
       */
      memory_total_mb: number | null;
      /**
       * Memory Free Mb
       * @description Memory free on the device now, in MiB; null for the CPU.
       */
      memory_free_mb: number | null;
    };
    /**
     * DevicesResponse
     * @description `GET /devices`.
     */
    DevicesResponse: {
      /**
       * Devices
       * @description The CPU, then each CUDA device.
       */
      devices: components['schemas']['DeviceStatus'][];
    };
    /**
     * ErrorResponse
     * @description Body of every error response. `error` is a stable code for programs, `message` is for
     *     people, and `error_id` (internal errors only) finds the traceback in the server log.
     */
    ErrorResponse: {
      /**
       * Error
       * @description Stable code, e.g. `not_found`, `invalid_config`.
       */
      error: string;
      /**
       * Message
       * @description What went wrong, for people.
       */
      message?: string | null;
      /**
       * Error Id
       * @description Internal errors only: finds the traceback in the server log.
       */
      error_id?: string | null;
      /**
       * Problems
       * @description `invalid_config` only: every problem in the config.
       */
      problems?: components['schemas']['ConfigProblem'][] | null;
    };
    /** FeatureOutputs */
    FeatureOutputs: {
      /** Values */
      values: number[];
      /** Baseline */
      baseline: number[];
      /** Mse To Unmasked */
      mse_to_unmasked: number;
      /** Target Value */
      target_value: number | null;
      /** Baseline Target Value */
      baseline_target_value: number | null;
    };
    /**
     * GraphSummary
     * @description One attribution-graph file of a run.
     */
    GraphSummary: {
      /**
       * Id
       * @description Graph ID: the file is `graphs/<id>.graph.json`.
       */
      id: string;
      /**
       * Prompt
       * @description The graphed prompt; null when the file is unreadable.
       */
      prompt: string | null;
      /**
       * N Nodes
       * @description Number of nodes; null when the file is unreadable.
       */
      n_nodes: number | null;
      /**
       * N Edges
       * @description Number of edges; null when the file is unreadable.
       */
      n_edges: number | null;
      /**
       * Created
       * @description When the file was last written (UTC, ISO 8601).
       */
      created: string;
      /**
       * Error
       * @description Why the file cannot be read; null when it can.
       */
      error: string | null;
    };
    /**
     * GraphsResponse
     * @description `GET /runs/{run_id}/graphs`.
     */
    GraphsResponse: {
      /**
       * Graphs
       * @description Newest first.
       */
      graphs: components['schemas']['GraphSummary'][];
    };
    /** HTTPValidationError */
    HTTPValidationError: {
      /** Detail */
      detail?: components['schemas']['ValidationError'][];
    };
    /**
     * HealthResponse
     * @description `GET /health`.
     */
    HealthResponse: {
      /**
       * Status
       * @description Always `ok`: the server answers.
       * @constant
       */
      status: 'ok';
      /**
       * Version
       * @description Version of the `paramlens` package.
       */
      version: string;
      /**
       * Torch Version
       * @description Version of PyTorch.
       */
      torch_version: string;
      /**
       * Devices
       * @description The CPU, then each CUDA device.
       */
      devices: components['schemas']['DeviceInfo'][];
      /**
       * Cuda Problem
       * @description Why this machine's NVIDIA GPU cannot be used by the installed PyTorch (a CPU-only build, a driver too old for the build, a GPU the build has no kernels for); null when it can, or when there is no NVIDIA GPU.
       */
      cuda_problem?: string | null;
    };
    /** InterventionResult */
    InterventionResult: {
      /** Run Id */
      run_id: string;
      /** Weights Step */
      weights_step: number;
      /**
       * Engine
       * @enum {string}
       */
      engine: 'torch' | 'onnx';
      /** Prompt */
      prompt: string;
      /** Tokens */
      tokens: components['schemas']['TokenText'][];
      /**
       * Mode
       * @enum {string}
       */
      mode: 'keep' | 'ablate';
      /** Ids */
      ids: string[];
      target: components['schemas']['TokenText'] | null;
      /** Positions */
      positions: components['schemas']['PositionResult'][];
      /**
       * Input Kind
       * @default tokens
       * @enum {string}
       */
      input_kind: 'tokens' | 'features';
      /** Features */
      features?: {
        [key: string]: number;
      } | null;
      outputs?: components['schemas']['FeatureOutputs'] | null;
    };
    /** InterventionSpec */
    InterventionSpec: {
      /**
       * Prompt
       * @description The text to run (language models).
       */
      prompt?: string | null;
      /**
       * Features
       * @description Toy models: the input, feature index -> value; every other feature is 0.
       */
      features?: {
        [key: string]: number;
      } | null;
      /**
       * Keep
       * @description Keep only these subcomponents or nodes.
       */
      keep?: string[] | null;
      /**
       * Ablate
       * @description Ablate these subcomponents or nodes.
       */
      ablate?: string[] | null;
      /**
       * Target
       * @description A token (its text, e.g. ' mat') whose probability to report.
       */
      target?: string | null;
      /**
       * Target Output
       * @description Toy models: an output index whose value to report.
       */
      target_output?: number | null;
      /**
       * Top K
       * @description Number of predictions per position.
       * @default 10
       */
      top_k: number;
      /**
       * All Positions
       * @description Predictions at every position, not only the last.
       * @default false
       */
      all_positions: boolean;
    };
    /**
     * JobInfo
     * @description A job queued or running on a run.
     */
    JobInfo: {
      /**
       * Id
       * @description The ID of its `queued` event in the run's event stream; its later `job` and `log` events carry it as `job`.
       */
      id: number;
      /** Kind */
      kind: string;
      /**
       * State
       * @enum {string}
       */
      state: 'queued' | 'running' | 'stopping';
      /**
       * Device
       * @description The queue it waits in or runs on: cpu or cuda:N.
       */
      device: string;
      /**
       * Pid
       * @description The worker process, once started.
       */
      pid: number | null;
      /** Queued At */
      queued_at: string;
      /** Started At */
      started_at: string | null;
    };
    /**
     * ListedModule
     * @description One module of the target that holds parameters (directly or in its children).
     */
    ListedModule: {
      /**
       * Path
       * @description Name from `model.named_modules()`, e.g. `h.0.attn.q_proj`.
       */
      path: string;
      /**
       * Type
       * @description Class name of the module, e.g. `Linear`.
       */
      type: string;
      /**
       * Kind
       * @description How the module is decomposed; null when it cannot be decomposed.
       */
      kind: ('linear' | 'conv1d' | 'embedding') | null;
      /**
       * Weight Shape
       * @description Shape of the module's own `weight` parameter; null when it has none.
       */
      weight_shape: number[] | null;
      /**
       * D In
       * @description Input dimension of a decomposable module (vocabulary size for embeddings).
       */
      d_in: number | null;
      /**
       * D Out
       * @description Output dimension of a decomposable module.
       */
      d_out: number | null;
      /** @description Where the module is defined: the line assigning it in its parent's class, else its own class definition; null when the source cannot be found. */
      source: components['schemas']['SourceLocation'] | null;
      /**
       * Matched By
       * @description The config's module pattern that matches this path; null when none does.
       */
      matched_by: string | null;
      /**
       * C
       * @description Subcomponents the matching pattern asks for.
       */
      C: number | null;
    };
    /**
     * ModuleListing
     * @description The modules of a config's target (`modules.json` in a run directory).
     */
    ModuleListing: {
      /**
       * Format Version
       * @description Version of this format.
       * @default 1
       * @constant
       */
      format_version: 1;
      /**
       * Target
       * @description What the target is: source, name or path.
       */
      target: {
        [key: string]: unknown;
      };
      /**
       * Modules
       * @description Modules in `named_modules()` order.
       */
      modules: components['schemas']['ListedModule'][];
    };
    /**
     * ModuleRecord
     * @description One decomposed weight matrix: W [d_out, d_in] ≈ (V @ U)ᵀ with C subcomponents.
     */
    ModuleRecord: {
      /** Path */
      path: string;
      /** Kind */
      kind: string;
      /** D In */
      d_in: number;
      /** D Out */
      d_out: number;
      /** C */
      C: number;
    };
    /** PmiEntry */
    PmiEntry: {
      /** Token Id */
      token_id: number;
      /** Token */
      token: string;
      /** Pmi */
      pmi: number;
      /** Count */
      count: number;
    };
    /** PositionResult */
    PositionResult: {
      /** Position */
      position: number;
      token: components['schemas']['TokenText'];
      /** Predictions */
      predictions: components['schemas']['Prediction'][];
      /** Baseline */
      baseline: components['schemas']['Prediction'][];
      /** Target Probability */
      target_probability: number | null;
      /** Baseline Target Probability */
      baseline_target_probability: number | null;
      /** Kl To Unmasked */
      kl_to_unmasked: number;
    };
    /** Prediction */
    Prediction: {
      /** Id */
      id: number;
      /** Token */
      token: string;
      /** Probability */
      probability: number;
    };
    /**
     * RunInfo
     * @description A run directory as the server sees it (fields as in its run.json).
     */
    RunInfo: {
      /** Run Id */
      run_id: string;
      /**
       * Status
       * @enum {string}
       */
      status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
      /** Step */
      step: number;
      /** Total Steps */
      total_steps: number;
      /** Created */
      created: string;
      /** Updated */
      updated: string;
      /** Device */
      device: string;
      /** Config File */
      config_file: string;
      /** Error */
      error: string | null;
      /** Summary */
      summary: {
        [key: string]: unknown;
      };
      /**
       * Modules
       * @description The decomposed modules with their shapes and C, once training has started.
       */
      modules: components['schemas']['ModuleRecord'][];
      /**
       * Files
       * @description Every file in the run directory now, relative to it, sorted (temporary files left out); unlike run.json's list, it includes what analysis jobs wrote since.
       */
      files: string[];
      /**
       * Jobs
       * @description Its queued and running jobs, oldest first: a decomposition runs alone; analysis jobs that write different files run side by side.
       */
      jobs: components['schemas']['JobInfo'][];
      /** @description The first of `jobs`, or null when it has none. */
      job: components['schemas']['JobInfo'] | null;
      /**
       * Trained Elsewhere
       * @description Another process (e.g. `paramlens decompose`) trains this run right now.
       */
      trained_elsewhere: boolean;
      /**
       * Last Event Id
       * @description ID of the latest event in the run's event stream.
       */
      last_event_id: number;
    };
    /**
     * RunList
     * @description `GET /runs`: every run under the runs root, newest first.
     */
    RunList: {
      /** Runs */
      runs: components['schemas']['RunInfo'][];
    };
    /**
     * SourceLocation
     * @description A place in a Python source file.
     */
    SourceLocation: {
      /**
       * File
       * @description Absolute path of the source file.
       */
      file: string;
      /**
       * Line
       * @description 1-based line number.
       */
      line: number;
    };
    /**
     * StartJobRequest
     * @description `POST /runs/{run_id}/jobs`: run an analysis command on a finished run.
     */
    StartJobRequest: {
      /**
       * Kind
       * @description harvest, eval, export-onnx, graph or optimize-circuit.
       */
      kind: string;
      /**
       * Params
       * @description The command's options, named as on its command line with underscores (e.g. {"batches": 4, "top_k": 10} for harvest).
       */
      params?: {
        [key: string]: unknown;
      };
    };
    /** TokenText */
    TokenText: {
      /** Id */
      id: number;
      /** Text */
      text: string;
    };
    /**
     * ValidateResponse
     * @description `POST /validate`: whether the config is valid, and every problem in it.
     */
    ValidateResponse: {
      /**
       * Ok
       * @description True when the config has no errors.
       */
      ok: boolean;
      /**
       * Format
       * @description The config's format; null when it could not be read.
       */
      format: ('native' | 'reference') | null;
      /**
       * Errors
       * @description Problems that make the config invalid.
       */
      errors: components['schemas']['ConfigProblem'][];
      /**
       * Warnings
       * @description Problems that leave it valid but block running it (e.g. a missing file).
       */
      warnings: components['schemas']['ConfigProblem'][];
      /**
       * Notes
       * @description Information, e.g. reference keys that were ignored.
       */
      notes: string[];
    };
    /** ValidationError */
    ValidationError: {
      /** Location */
      loc: (string | number)[];
      /** Message */
      msg: string;
      /** Error Type */
      type: string;
      /** Input */
      input?: unknown;
      /** Context */
      ctx?: Record<string, never>;
    };
    /**
     * VersionResponse
     * @description `GET /version`.
     */
    VersionResponse: {
      /**
       * Version
       * @description Version of the `paramlens` package.
       */
      version: string;
      /**
       * Torch Version
       * @description Version of PyTorch.
       */
      torch_version: string;
      /**
       * Python Version
       * @description Version of the Python interpreter.
       */
      python_version: string;
    };
    /**
     * Manifest
     * @description run.json: the manifest of a run directory (docs/formats.md).
     */
    RunManifest: {
      /** Run Id */
      run_id: string;
      /** Created */
      created: string;
      /** Updated */
      updated: string;
      /**
       * Status
       * @enum {string}
       */
      status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
      /** Step */
      step: number;
      /** Total Steps */
      total_steps: number;
      /** Config */
      config: {
        [key: string]: unknown;
      };
      /** Config File */
      config_file: string;
      /** Base Dir */
      base_dir: string;
      /** Device */
      device: string;
      /** Paramlens Version */
      paramlens_version: string;
      /** Torch Version */
      torch_version: string;
      /**
       * Target
       * @default null
       */
      target: {
        [key: string]: unknown;
      } | null;
      /**
       * Modules
       * @default []
       */
      modules: components['schemas']['ModuleRecord'][];
      /** Summary */
      summary: {
        [key: string]: unknown;
      };
      /**
       * Files
       * @default []
       */
      files: string[];
      /**
       * Error
       * @default null
       */
      error: string | null;
      /**
       * Format Version
       * @default 1
       */
      format_version: number;
      /** @description Sum of C over `modules`. */
      total_C: number;
    };
    /**
     * MetricsLine
     * @description One line of metrics.jsonl (docs/formats.md): every line has `step`; a logged step adds
     *     the training values, an evaluated step adds `eval` (evaluate.metrics names its keys).
     *     A non-finite value is written as null.
     */
    MetricsLine: {
      /** Step */
      step: number;
      /** Lr */
      lr?: number;
      /** P */
      p?: number;
      /** Loss */
      loss?: {
        [key: string]: number | null;
      };
      /** L0 */
      l0?: {
        [key: string]: number | null;
      };
      /** L0 Total */
      l0_total?: number | null;
      /** It Per S */
      it_per_s?: number;
      /** Elapsed S */
      elapsed_s?: number;
      /** Eval */
      eval?: {
        [key: string]: unknown;
      };
    } & {
      [key: string]: unknown;
    };
    /**
     * JobEvent
     * @description `job`: a job was queued (its ID is this event's), started or ended.
     */
    JobEvent: {
      /**
       * Kind
       * @description decompose, harvest, graph, optimize-circuit or export-onnx.
       */
      kind: string;
      /**
       * State
       * @enum {string}
       */
      state: 'queued' | 'started' | 'ended';
      /**
       * Job
       * @description The job's ID; absent when queued.
       * @default null
       */
      job: number | null;
      /**
       * Device
       * @description queued: the device queue it waits in.
       * @default null
       */
      device: string | null;
      /**
       * Params
       * @description queued: its parameters.
       * @default null
       */
      params: {
        [key: string]: unknown;
      } | null;
      /**
       * Pid
       * @description started: the worker's process ID.
       * @default null
       */
      pid: number | null;
      /**
       * Exit Code
       * @description ended: the worker's exit status (negative: a signal).
       * @default null
       */
      exit_code: number | null;
      /**
       * Exit
       * @description ended: the exit status in words.
       * @default null
       */
      exit: string | null;
      /**
       * Cancelled
       * @description ended: it was cancelled.
       * @default null
       */
      cancelled: boolean | null;
    };
    /**
     * LogEvent
     * @description `log`: a line a job's worker printed.
     */
    LogEvent: {
      /** Line */
      line: string;
      /**
       * Job
       * @description The ID of the job's `queued` event.
       */
      job: number;
    };
    /**
     * MetricsEvent
     * @description `metrics`: a new line of metrics.jsonl, with the run's progress.
     */
    MetricsEvent: {
      /** Step */
      step: number;
      /** Total Steps */
      total_steps: number;
      /**
       * Eta S
       * @description Seconds to the last step at the current speed.
       */
      eta_s: number | null;
      metrics: components['schemas']['MetricsLine'];
    };
    /**
     * StateEvent
     * @description `state`: run.json's status changed.
     */
    StateEvent: {
      /**
       * Status
       * @enum {string}
       */
      status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
      /** Step */
      step: number;
      /** Total Steps */
      total_steps: number;
      /**
       * Error
       * @description Why the run stopped, failed or was interrupted.
       */
      error: string | null;
    };
    /** StoredJobEvent */
    StoredJobEvent: {
      /**
       * Id
       * @description Line number in events.jsonl, from 1; the SSE event ID.
       */
      id: number;
      /** Time */
      time: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      event: 'job';
      data: components['schemas']['JobEvent'];
    };
    /** StoredLogEvent */
    StoredLogEvent: {
      /**
       * Id
       * @description Line number in events.jsonl, from 1; the SSE event ID.
       */
      id: number;
      /** Time */
      time: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      event: 'log';
      data: components['schemas']['LogEvent'];
    };
    /** StoredMetricsEvent */
    StoredMetricsEvent: {
      /**
       * Id
       * @description Line number in events.jsonl, from 1; the SSE event ID.
       */
      id: number;
      /** Time */
      time: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      event: 'metrics';
      data: components['schemas']['MetricsEvent'];
    };
    /** StoredStateEvent */
    StoredStateEvent: {
      /**
       * Id
       * @description Line number in events.jsonl, from 1; the SSE event ID.
       */
      id: number;
      /** Time */
      time: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      event: 'state';
      data: components['schemas']['StateEvent'];
    };
    RunEvent:
      | components['schemas']['StoredStateEvent']
      | components['schemas']['StoredMetricsEvent']
      | components['schemas']['StoredLogEvent']
      | components['schemas']['StoredJobEvent'];
    /** SidecarModule */
    SidecarModule: {
      /** Path */
      path: string;
      /** C */
      C: number;
      /** Offset */
      offset: number;
    };
    /** OnnxSidecar */
    OnnxSidecar: {
      /**
       * Format Version
       * @default 1
       * @constant
       */
      format_version: 1;
      /** Run Id */
      run_id: string;
      /** Weights Step */
      weights_step: number;
      /**
       * Input Kind
       * @enum {string}
       */
      input_kind: 'tokens' | 'features';
      /** Modules */
      modules: components['schemas']['SidecarModule'][];
      /** C Total */
      C_total: number;
      /**
       * Vocab Size
       * @default null
       */
      vocab_size: number | null;
      /**
       * N Features
       * @default null
       */
      n_features: number | null;
      /**
       * Max Seq Len
       * @default null
       */
      max_seq_len: number | null;
      /** Opset */
      opset: number;
      /** Tokenizer */
      tokenizer: string | null;
    };
    /**
     * CircuitOutputValues
     * @description A toy circuit's target output, and the outputs' squared error against the target
     *     model's, when the circuit is kept and the rest is ablated.
     */
    CircuitOutputValues: {
      /** Nodes */
      nodes: number;
      /** Ci Masked */
      ci_masked: number;
      /** Stochastic */
      stochastic: number;
      /** Adversarial */
      adversarial: number;
      /** Ci Masked Mse */
      ci_masked_mse: number;
      /** Stochastic Mse */
      stochastic_mse: number;
      /** Adversarial Mse */
      adversarial_mse: number;
    };
    /**
     * CircuitProbabilities
     * @description The target token's probability when a circuit is kept and the rest is ablated.
     */
    CircuitProbabilities: {
      /** Nodes */
      nodes: number;
      /** Ci Masked */
      ci_masked: number;
      /** Stochastic */
      stochastic: number;
      /** Adversarial */
      adversarial: number;
    };
    /**
     * CircuitRecord
     * @description How an optimised circuit's graph was made and how faithful the circuit is.
     */
    CircuitRecord: {
      /** Target Token */
      target_token: string;
      /** Target Token Id */
      target_token_id: number;
      /** Position */
      position: number;
      /** Target Probability */
      target_probability: number;
      optimized: components['schemas']['CircuitProbabilities'];
      original: components['schemas']['CircuitProbabilities'];
      ci_only?: components['schemas']['CircuitProbabilities'];
      settings: components['schemas']['CircuitSettings'];
    };
    /**
     * CircuitSettings
     * @description How a circuit is optimised for one prompt's target token (spec/decomposition.md section
     *     10, post-hoc CI pruning) and how the result is judged. Defaults are small enough for a CPU;
     *     the paper ran 2000–4000 steps.
     */
    CircuitSettings: {
      /**
       * Steps
       * @description Optimisation steps.
       * @default 300
       */
      steps: number;
      /**
       * Lr
       * @description Peak AdamW learning rate.
       * @default 0.05
       */
      lr: number;
      /**
       * Lr Warmup Frac
       * @description Share of the steps the lr warms up over.
       * @default 0.05
       */
      lr_warmup_frac: number;
      /**
       * Lr Final Frac
       * @description The cosine schedule ends at lr times this.
       * @default 0.1
       */
      lr_final_frac: number;
      /**
       * Weight Decay
       * @description AdamW weight decay.
       * @default 0
       */
      weight_decay: number;
      /**
       * Stochastic Coeff
       * @description Weight of the target's CE under stochastic masks.
       * @default 0.5
       */
      stochastic_coeff: number;
      /**
       * Pgd Coeff
       * @description Weight of the target's CE under adversarial masks.
       * @default 0.5
       */
      pgd_coeff: number;
      /**
       * Pgd Steps
       * @description Sign-ascent steps of each adversary.
       * @default 4
       */
      pgd_steps: number;
      /**
       * Pgd Step Size
       * @description The adversary's step size.
       * @default 1
       */
      pgd_step_size: number;
      /**
       * Importance Coeff
       * @description Weight of the importance-minimality loss.
       * @default 0.1
       */
      importance_coeff: number;
      /**
       * P
       * @description Exponent of the importance minimality.
       * @default 0.3
       */
      p: number;
      /**
       * Beta
       * @description Weight of the frequency term inside the minimality.
       * @default 0
       */
      beta: number;
      /**
       * Ci Threshold
       * @description A (position, component) is in the circuit when its CI exceeds this.
       * @default 0
       */
      ci_threshold: number;
      /**
       * Eval Samples
       * @description Stochastic masks averaged over when judging a circuit.
       * @default 64
       */
      eval_samples: number;
      /**
       * Eval Pgd Steps
       * @description Sign-ascent steps of the adversary that judges a circuit.
       * @default 20
       */
      eval_pgd_steps: number;
      /**
       * Eval Pgd Step Size
       * @description Step size of the adversary that judges a circuit.
       * @default 0.1
       */
      eval_pgd_step_size: number;
      /**
       * Compare Ci Only
       * @description Also optimise a circuit on its CI-masked CE alone, the contrast that shows why the stochastic and adversarial losses are needed.
       * @default true
       */
      compare_ci_only: boolean;
      /**
       * Seed
       * @description Seed of the masks and adversaries.
       * @default 0
       */
      seed: number;
    };
    /** ComponentNode */
    ComponentNode: {
      /** Id */
      id: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      kind: 'component';
      /** Module */
      module: string;
      /** Position */
      position: number;
      /** Component */
      component: number;
      /** Ci */
      ci: number;
      /** Activation */
      activation: number;
      /** Influence */
      influence?: number;
      /** Label */
      label?: string;
    };
    /** EmbedNode */
    EmbedNode: {
      /** Id */
      id: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      kind: 'embed';
      /** Position */
      position: number;
      /** Token */
      token: string;
      /** Token Id */
      token_id?: number;
      /** Activation */
      activation?: number;
    };
    /**
     * FeatureCircuitRecord
     * @description How a toy model's circuit was found and how faithful it is.
     */
    FeatureCircuitRecord: {
      /** Features */
      features: {
        [key: string]: number;
      };
      /** Target Output */
      target_output: number;
      /** All Outputs */
      all_outputs: boolean;
      /** Target Value */
      target_value: number;
      optimized: components['schemas']['CircuitOutputValues'];
      original: components['schemas']['CircuitOutputValues'];
      ci_only?: components['schemas']['CircuitOutputValues'];
      settings: components['schemas']['CircuitSettings'];
    };
    /** GraphEdge */
    GraphEdge: {
      /** Source */
      source: string;
      /** Target */
      target: string;
      /** Weight */
      weight: number;
    };
    /**
     * GraphSettings
     * @description How nodes, edges and output tokens are chosen, and how the graph is pruned.
     */
    GraphSettings: {
      /**
       * Ci Threshold
       * @description A subcomponent at a position is a node when its CI exceeds this.
       * @default 0
       */
      ci_threshold: number;
      /**
       * Multiply By Ci
       * @description Scale each edge by its source's causal importance (the paper's formula); off gives gradient × activation only, as the reference app shows.
       * @default true
       */
      multiply_by_ci: boolean;
      /**
       * Output Positions
       * @description Positions whose next-token predictions become output nodes.
       * @default last
       * @enum {string}
       */
      output_positions: 'last' | 'all';
      /**
       * Output Min Probability
       * @description Tokens at least this likely become output nodes; the most likely always does.
       * @default 0.01
       */
      output_min_probability: number;
      /**
       * Output Max Per Position
       * @description At most this many output nodes per position.
       * @default 15
       */
      output_max_per_position: number;
      /**
       * Node Threshold
       * @description Pruning keeps the fewest subcomponent nodes holding this share of the influence on the outputs.
       * @default 0.8
       */
      node_threshold: number;
      /**
       * Edge Threshold
       * @description Pruning keeps the fewest edges holding this share of the edge scores.
       * @default 0.98
       */
      edge_threshold: number;
    };
    /** OutputNode */
    OutputNode: {
      /** Id */
      id: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      kind: 'output';
      /** Position */
      position: number;
      /** Token Id */
      token_id: number;
      /** Token */
      token: string;
      /** Probability */
      probability: number;
      /** Activation */
      activation?: number;
    };
    /** AttributionGraph */
    AttributionGraph: {
      /**
       * Format Version
       * @default 1
       * @constant
       */
      format_version: 1;
      /** Id */
      id: string;
      /** Prompt */
      prompt: string;
      /** Tokens */
      tokens: string[];
      /** Modules */
      modules: string[];
      /** Nodes */
      nodes: (
        | components['schemas']['ComponentNode']
        | components['schemas']['EmbedNode']
        | components['schemas']['OutputNode']
      )[];
      /** Edges */
      edges: components['schemas']['GraphEdge'][];
      /**
       * Input Kind
       * @default tokens
       * @enum {string}
       */
      input_kind: 'tokens' | 'features';
      /** Run Id */
      run_id?: string;
      /** Weights Step */
      weights_step?: number;
      settings?: components['schemas']['GraphSettings'];
      /** Circuit */
      circuit?: components['schemas']['CircuitRecord'] | components['schemas']['FeatureCircuitRecord'];
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  health_health_get: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HealthResponse'];
        };
      };
    };
  };
  version_version_get: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['VersionResponse'];
        };
      };
    };
  };
  devices_devices_get: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DevicesResponse'];
        };
      };
    };
  };
  validate_validate_post: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ConfigRequest'];
      };
    };
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ValidateResponse'];
        };
      };
      /** @description Validation Error */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HTTPValidationError'];
        };
      };
    };
  };
  modules_modules_post: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ConfigRequest'];
      };
    };
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModuleListing'];
        };
      };
      /** @description Invalid config or target */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponse'];
        };
      };
    };
  };
  module_components_runs__run_id__components__module__get: {
    parameters: {
      query?: {
        /** @description Most subcomponents. */
        limit?: number;
      };
      header?: never;
      path: {
        /** @description The run directory's name. */
        run_id: string;
        /** @description Module path, e.g. `h.1.mlp.down_proj`. */
        module: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ComponentList'];
        };
      };
      /** @description No such run, harvest or component */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponse'];
        };
      };
      /** @description The harvest is unfinished or unreadable */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponse'];
        };
      };
      /** @description Validation Error */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HTTPValidationError'];
        };
      };
    };
  };
  component_card_runs__run_id__components__module___index__get: {
    parameters: {
      query?: {
        /** @description Most examples to return. */
        limit?: number;
      };
      header?: never;
      path: {
        /** @description The run directory's name. */
        run_id: string;
        /** @description Module path, e.g. `h.1.mlp.down_proj`. */
        module: string;
        /** @description Index on the module's C axis. */
        index: number;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ComponentCard'];
        };
      };
      /** @description No such run, harvest or component */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponse'];
        };
      };
      /** @description The harvest is unfinished or unreadable */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponse'];
        };
      };
      /** @description Validation Error */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HTTPValidationError'];
        };
      };
    };
  };
  list_graphs_runs__run_id__graphs_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The run directory's name. */
        run_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['GraphsResponse'];
        };
      };
      /** @description No such run or graph */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponse'];
        };
      };
      /** @description Validation Error */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HTTPValidationError'];
        };
      };
    };
  };
  get_graph_runs__run_id__graphs__graph_id__get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The run directory's name. */
        run_id: string;
        /** @description The graph's ID. */
        graph_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': unknown;
        };
      };
      /** @description No such run or graph */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponse'];
        };
      };
      /** @description Validation Error */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HTTPValidationError'];
        };
      };
    };
  };
  intervene_on_run_runs__run_id__intervene_post: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The run directory's name. */
        run_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['InterventionSpec'];
      };
    };
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['InterventionResult'];
        };
      };
      /** @description No such run */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponse'];
        };
      };
      /** @description The run has no weights or cannot be loaded */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponse'];
        };
      };
      /** @description A bad prompt, subcomponent ID or target */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponse'];
        };
      };
    };
  };
  list_runs_runs_get: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RunList'];
        };
      };
    };
  };
  create_run_runs_post: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateRunRequest'];
      };
    };
    responses: {
      /** @description Successful Response */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RunInfo'];
        };
      };
      /** @description The config cannot run. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ErrorResponse'];
        };
      };
    };
  };
  get_run_runs__run_id__get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The run directory's name. */
        run_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RunInfo'];
        };
      };
      /** @description No such run. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Validation Error */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HTTPValidationError'];
        };
      };
    };
  };
  delete_run_runs__run_id__delete: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The run directory's name. */
        run_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No such run. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description A job is active. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Validation Error */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HTTPValidationError'];
        };
      };
    };
  };
  cancel_run_runs__run_id__cancel_post: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The run directory's name. */
        run_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RunInfo'];
        };
      };
      /** @description No such run. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Nothing to cancel. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Validation Error */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HTTPValidationError'];
        };
      };
    };
  };
  resume_run_runs__run_id__resume_post: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The run directory's name. */
        run_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Successful Response */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RunInfo'];
        };
      };
      /** @description No such run. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Cannot resume. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Validation Error */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HTTPValidationError'];
        };
      };
    };
  };
  start_job_runs__run_id__jobs_post: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The run directory's name. */
        run_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['StartJobRequest'];
      };
    };
    responses: {
      /** @description Successful Response */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RunInfo'];
        };
      };
      /** @description No such run. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Cannot start. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Validation Error */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HTTPValidationError'];
        };
      };
    };
  };
  run_events_runs__run_id__events_get: {
    parameters: {
      query?: never;
      header?: {
        /** @description Send only the events after this ID. */
        'Last-Event-ID'?: number | null;
      };
      path: {
        run_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Server-sent events: `state`, `metrics`, `log` and `job`. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/event-stream': unknown;
        };
      };
      /** @description No such run. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Validation Error */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HTTPValidationError'];
        };
      };
    };
  };
}
