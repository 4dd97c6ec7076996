import type { PythonInterpreter } from './pythonInterpreter';

/**
 * Why the decomposition server could not start, phrased as what the user should do.
 * Cause: a missing interpreter or package, or a crash before the handshake. Handled by: the status bar
 * (shows it) and one notification.
 */
export class ServerStartError extends Error {
  constructor(
    message: string,
    readonly detail: string = '',
    /** True when "Set Up Server Environment" is the remedy: no interpreter, or no paramlens or torch in it. */
    readonly setUpHelps = false,
  ) {
    super(message);
    this.name = 'ServerStartError';
  }
}

/** Turns the stderr of a server that exited before its handshake into an actionable message. */
export function classifyStartFailure(
  python: PythonInterpreter,
  /** What `pip install` takes to install the server: a wheel path, or `-e` and the checkout's folder. */
  serverInstall: string,
  exitCode: number | null,
  stderr: string,
): ServerStartError {
  // An import inside says `ModuleNotFoundError: No module named 'torch'`; `python -m paramlens` without
  // the package says `…/python3: No module named paramlens`, unquoted.
  const missing = /No module named '?([^'.\s]+)/.exec(stderr)?.[1];
  const lastLine = stderr.trim().split('\n').pop() ?? '';
  if (missing === 'paramlens') {
    const other =
      python.source === 'Python extension'
        ? 'select an interpreter that has it ("Python: Select Interpreter"), or set "paramlens.pythonPath"'
        : 'set "paramlens.pythonPath" to an interpreter that has it';
    return new ServerStartError(
      `The ParamLens server is not installed for ${python.command} (${python.source}). ` +
        `Run "ParamLens: Set Up Server Environment", or: ${python.command} -m pip install ${serverInstall} — ` +
        `or ${other}.`,
      stderr,
      true,
    );
  }
  if (missing) {
    return new ServerStartError(
      `The Python package "${missing}" is missing for ${python.command} (${python.source}). ` +
        `Run "ParamLens: Set Up Server Environment", or: ${python.command} -m pip install ${serverInstall}`,
      stderr,
      true,
    );
  }
  return new ServerStartError(
    `The decomposition server exited (code ${exitCode ?? 'signal'}) before it was ready: ${lastLine}`,
    stderr,
  );
}

export function interpreterNotFound(python: PythonInterpreter): ServerStartError {
  const hint =
    python.source === 'setting'
      ? 'Fix the "paramlens.pythonPath" setting'
      : 'Run "ParamLens: Set Up Server Environment", or set "paramlens.pythonPath"';
  return new ServerStartError(
    `Python interpreter "${python.command}" (${python.source}) was not found. ${hint}.`,
    '',
    python.source !== 'setting',
  );
}

/**
 * The notification for a GPU that the server's PyTorch cannot use (`/health`'s `cuda_problem`): the server
 * runs, on the CPU, so this is a warning with the way to a matching build rather than a start failure.
 */
export function cudaAdvice(problem: string, where: string): string {
  return (
    `${problem}. ParamLens computes on the CPU ${where} until PyTorch matches its GPU and driver: reinstall ` +
    "torch in the server's environment with the build for the driver's CUDA version from " +
    'https://pytorch.org/get-started/locally (e.g. python -m pip install --force-reinstall torch ' +
    '--index-url https://download.pytorch.org/whl/cu126), then restart the server.'
  );
}
