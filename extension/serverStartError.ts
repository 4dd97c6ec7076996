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
  const missing = /ModuleNotFoundError: No module named '([^'.]+)/.exec(stderr)?.[1];
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
    );
  }
  if (missing) {
    return new ServerStartError(
      `The Python package "${missing}" is missing for ${python.command} (${python.source}). ` +
        `Run "ParamLens: Set Up Server Environment", or: ${python.command} -m pip install ${serverInstall}`,
      stderr,
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
  );
}
