import * as fs from 'node:fs';
import { waitFor } from './poll';

/** Parent pid of every live process, read from `/proc` (the tests run on Linux). */
function parentsByPid(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name in field 2 may contain spaces and parentheses; fields after it are fixed.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // The process exited while we were reading.
    }
  }
  return parents;
}

function descendantsOf(root: number): number[] {
  const parents = parentsByPid();
  const found: number[] = [];
  let frontier = [root];
  while (frontier.length > 0) {
    const next = [...parents].filter(([, parent]) => frontier.includes(parent)).map(([pid]) => pid);
    found.push(...next);
    frontier = next;
  }
  return found;
}

/** A zombie has exited; it only waits for a parent (or an init that may never come) to reap it. */
function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/**
 * Stops `root` and every process below it: SIGTERM first so they can clean up, SIGKILL for whatever
 * is still alive at the deadline. The tree is read before signalling, because children are reparented
 * (and so lost from the tree) once their parent exits.
 */
export async function killProcessTree(root: number, graceMs = 10_000): Promise<void> {
  const tree = [root, ...descendantsOf(root)];
  for (const pid of tree) signal(pid, 'SIGTERM');
  try {
    await waitFor('the process tree to exit', () => (tree.some(isAlive) ? undefined : true), {
      timeoutMs: graceMs,
    });
  } catch {
    for (const pid of [...tree, ...tree.flatMap(descendantsOf)]) signal(pid, 'SIGKILL');
  }
}
