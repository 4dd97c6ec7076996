import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** Where the interpreter came from, so error messages can say which one to fix. */
export interface PythonInterpreter {
  command: string;
  source: 'setting' | 'workspace .venv' | 'PATH';
}

/**
 * The Python that runs the decomposition server: the `paramlens.pythonPath` setting, else a `.venv`
 * in a workspace folder or one of its parents (examples live inside the repository), else `python3`.
 */
export function resolvePythonInterpreter(): PythonInterpreter {
  const configured = vscode.workspace.getConfiguration('paramlens').get<string>('pythonPath', '').trim();
  if (configured) return { command: configured, source: 'setting' };

  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    for (let dir = folder.uri.fsPath; ; dir = path.dirname(dir)) {
      const candidate = path.join(
        dir,
        '.venv',
        process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python',
      );
      if (fs.existsSync(candidate)) return { command: candidate, source: 'workspace .venv' };
      if (path.dirname(dir) === dir) break;
    }
  }
  return { command: process.platform === 'win32' ? 'python' : 'python3', source: 'PATH' };
}
