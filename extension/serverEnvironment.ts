// "Set Up Server Environment": a virtual environment of ParamLens's own, in the extension's global storage,
// with the `paramlens` server installed from the wheel the packaged extension carries (from the checkout's
// server/ folder in development) and pip's progress shown as it goes. Then `paramlens.pythonPath` points at
// it and the server restarts. It says how to swap in another PyTorch build, such as one for CUDA.
import { spawn } from 'node:child_process';
import * as readline from 'node:readline';
import * as vscode from 'vscode';
import { basePython } from './pythonInterpreter';

/** What `pip install` takes to install the server, and how to show it. */
export interface ServerInstall {
  args: string[];
  display: string;
}

/** For tests and scripts: where to create the environment and from which Python, instead of asking. */
export interface SetUpOptions {
  envDir?: string;
  python?: string;
}

const TORCH_INDEX = 'https://download.pytorch.org/whl';

export function registerServerEnvironment(
  context: vscode.ExtensionContext,
  install: ServerInstall,
  restartServer: () => void,
): vscode.Disposable {
  return vscode.commands.registerCommand(
    'paramlens.setUpServerEnvironment',
    async (options: SetUpOptions = {}): Promise<string | undefined> => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage(
          'Setting up the server runs Python: trust this workspace first.',
        );
        return undefined;
      }
      const envDir = options.envDir ?? vscode.Uri.joinPath(context.globalStorageUri, 'server-env').fsPath;
      const python = options.python ?? (await basePython());
      const envPython = `${envDir}/bin/python`;
      try {
        const summary = await vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: 'ParamLens: setting up the server environment',
            cancellable: true,
          },
          async (progress, token) => {
            progress.report({ message: `creating ${envDir} with ${python}` });
            await run(python, ['-m', 'venv', envDir], token, () => undefined);
            progress.report({ message: `installing ${install.display}` });
            const pipArgs = ['-m', 'pip', 'install', '--disable-pip-version-check', ...install.args];
            await run(envPython, pipArgs, token, (line) => {
              const step =
                /^(Collecting|Downloading|Installing collected packages|Successfully installed)\b.*/.exec(
                  line,
                );
              if (step) progress.report({ message: step[0].slice(0, 120) });
            });
            progress.report({ message: 'checking paramlens and torch' });
            let answer = '';
            await run(
              envPython,
              [
                '-c',
                'import paramlens, torch; print(paramlens.__version__, torch.__version__, torch.cuda.is_available())',
              ],
              token,
              (line) => (answer = line),
            );
            return answer.trim().split(' ');
          },
        );
        await vscode.workspace
          .getConfiguration('paramlens')
          .update('pythonPath', envPython, vscode.ConfigurationTarget.Global);
        restartServer();
        const [version, torch, cuda] = summary;
        const other = cuda === 'True' ? 'cpu' : 'cu124';
        void vscode.window.showInformationMessage(
          `ParamLens ${version} is set up in ${envDir} with torch ${torch} (${cuda === 'True' ? 'CUDA' : 'CPU'}); ` +
            `"paramlens.pythonPath" now points at it. For another PyTorch build, run: ${envPython} -m pip install ` +
            `--force-reinstall torch --index-url ${TORCH_INDEX}/${other}`,
        );
        return envPython;
      } catch (error) {
        const message = (error as Error).message;
        const choice = await vscode.window.showErrorMessage(
          `Setting up the server environment failed: ${message}`,
          'Show Log',
        );
        if (choice) void vscode.commands.executeCommand('paramlens.showServerLog');
        return undefined;
      }
    },
  );
}

/** Runs `command args`, each stdout/stderr line to `onLine`; rejects with the last lines when it fails. */
function run(
  command: string,
  args: string[],
  token: vscode.CancellationToken,
  onLine: (line: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const read = (line: string): void => {
      tail.push(line);
      if (tail.length > 5) tail.shift();
      onLine(line);
    };
    readline.createInterface({ input: child.stdout }).on('line', read);
    readline.createInterface({ input: child.stderr }).on('line', read);
    const cancel = token.onCancellationRequested(() => child.kill());
    child.once('error', (error: NodeJS.ErrnoException) => {
      cancel.dispose();
      reject(
        new Error(
          error.code === 'ENOENT'
            ? `${command} was not found: install Python 3.10 or later, or select an interpreter with the Python extension`
            : error.message,
        ),
      );
    });
    child.once('close', (code, signal) => {
      cancel.dispose();
      if (code === 0) resolve();
      else if (token.isCancellationRequested) reject(new Error('cancelled'));
      else
        reject(
          new Error(
            `${command} ${args.slice(0, 3).join(' ')} exited with ${code ?? signal}: ${tail.join(' | ')}`,
          ),
        );
    });
  });
}
