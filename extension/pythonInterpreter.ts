import * as fs from 'node:fs';
import * as path from 'node:path';
import { PythonExtension } from '@vscode/python-extension';
import * as vscode from 'vscode';

/** Where the interpreter came from, so error messages can say which one to fix. */
export interface PythonInterpreter {
  command: string;
  source: 'setting' | 'Python extension' | 'workspace .venv' | 'PATH';
}

const PYTHON_EXTENSION_ID = 'ms-python.python';

/**
 * The Python that runs the decomposition server: the `paramlens.pythonPath` setting, else the interpreter
 * the Python extension has selected for the workspace (when it is installed), else a `.venv` in a workspace
 * folder or one of its parents (examples live inside the repository), else `python3`.
 */
export async function resolvePythonInterpreter(folder?: vscode.Uri): Promise<PythonInterpreter> {
  const configured = vscode.workspace.getConfiguration('paramlens').get<string>('pythonPath', '').trim();
  if (configured) return { command: configured, source: 'setting' };
  const selected = await pythonExtensionInterpreter(folder);
  if (selected !== undefined) return { command: selected, source: 'Python extension' };

  for (const workspaceFolder of vscode.workspace.workspaceFolders ?? []) {
    for (let dir = workspaceFolder.uri.fsPath; ; dir = path.dirname(dir)) {
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

/** The interpreter the Python extension has selected for `folder`; undefined without the extension. */
async function pythonExtensionInterpreter(folder: vscode.Uri | undefined): Promise<string | undefined> {
  if (vscode.extensions.getExtension(PYTHON_EXTENSION_ID) === undefined) return undefined;
  try {
    const environments = (await PythonExtension.api()).environments;
    const resolved = await environments.resolveEnvironment(environments.getActiveEnvironmentPath(folder));
    return resolved?.executable.uri?.fsPath;
  } catch {
    return undefined; // an extension that fails to answer is as good as none: the next source decides
  }
}

/** A Python to create a virtual environment with: the Python extension's selection, else `python3`. */
export async function basePython(): Promise<string> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return (await pythonExtensionInterpreter(folder)) ?? (process.platform === 'win32' ? 'python' : 'python3');
}

/** Calls `listener` when the Python extension's selected interpreter changes; nothing without it. */
export async function onDidChangePythonInterpreter(listener: () => void): Promise<vscode.Disposable> {
  if (vscode.extensions.getExtension(PYTHON_EXTENSION_ID) === undefined)
    return new vscode.Disposable(() => {});
  const environments = (await PythonExtension.api()).environments;
  return environments.onDidChangeActiveEnvironmentPath(() => listener());
}
