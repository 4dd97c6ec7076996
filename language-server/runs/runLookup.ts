// Which run answers for a document: `runs/<run-id>/` beside a config holds its runs (docs/formats.md). A
// config's own runs are those whose run.json names it; any other file (Python, Markdown, a notebook, a
// circuit) uses the runs folder nearest above it, or one a level inside a workspace folder.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunManifest } from '../../protocol/runFiles';
import { HARVEST_FILE } from './harvestDatabase';

const RUNS_FOLDER = 'runs';
const RUN_FILE = 'run.json';
const RUN_FORMAT_VERSION = 1;
export const LISTING_FILE = 'modules.json';
const CONFIG_SUFFIX = /\.decomp\.ya?ml$/;
// Runs appear and finish while the editor is open; a folder listing this old is read again.
const LISTING_TTL_MS = 2_000;

export interface RunSummary {
  runDir: string;
  runId: string;
  configFile: string;
  status: string;
  created: string;
  /** Module paths from run.json, known once the run started; checks IDs when there is no harvest. */
  modules: readonly string[];
  harvestPath: string | undefined;
  /** The run's `modules.json`, written when training starts. */
  listingPath: string | undefined;
  /** The `target` section of the run's resolved config, to tell whether its listing fits a config's target. */
  target: unknown;
  /** Alive subcomponents per module at the run's latest evaluation (`summary.eval.alive`). */
  evalAlive: Readonly<Record<string, number>> | undefined;
}

/** What a document's runs offer: the run to read cards from, or the newest run to explain why not. */
export interface RunChoice {
  harvested: RunSummary | undefined;
  newest: RunSummary | undefined;
}

export function isConfigPath(filePath: string): boolean {
  return CONFIG_SUFFIX.test(filePath);
}

export class RunLookup {
  private readonly listings = new Map<string, { read: number; runs: readonly RunSummary[] }>();
  private selected: string | undefined;

  constructor(private workspaceFolders: readonly string[] = []) {}

  setWorkspaceFolders(folders: readonly string[]): void {
    this.workspaceFolders = folders;
  }

  /** The run chosen in the editor, which answers for every document; undefined goes back to the default. */
  select(runDir: string | undefined): void {
    this.selected = runDir;
  }

  /** The runs that answer for the file at `filePath` (a config, or any other file). */
  choose(filePath: string): RunChoice {
    if (this.selected !== undefined) {
      const run = readRun(this.selected);
      return { harvested: run?.harvestPath === undefined ? undefined : run, newest: run };
    }
    return pick(this.runsOf(filePath));
  }

  /** A config's own runs, or the runs nearest any other file, newest first; the selected run is ignored. */
  runsOf(filePath: string): readonly RunSummary[] {
    if (isConfigPath(filePath)) {
      const own = this.runsIn(path.join(path.dirname(filePath), RUNS_FOLDER)).filter((run) =>
        sameConfig(run.configFile, filePath),
      );
      return newestFirst(own);
    }
    for (const folder of this.runsFoldersAbove(filePath)) {
      const runs = this.runsIn(folder);
      if (runs.length > 0) return newestFirst(runs);
    }
    return [];
  }

  /** A run folder changed on disk (the client's file watcher): list every folder afresh. */
  forgetListings(): void {
    this.listings.clear();
  }

  /** The run in `runDir`, for a request that names it. */
  run(runDir: string): RunSummary | undefined {
    return readRun(runDir);
  }

  private runsFoldersAbove(filePath: string): string[] {
    const root = this.workspaceFolders.find((folder) => isInside(filePath, folder));
    const folders: string[] = [];
    for (let dir = path.dirname(filePath); ; dir = path.dirname(dir)) {
      folders.push(path.join(dir, RUNS_FOLDER));
      if (dir === root || path.dirname(dir) === dir) break;
    }
    if (root !== undefined) folders.push(...subfolders(root).map((dir) => path.join(dir, RUNS_FOLDER)));
    return folders;
  }

  private runsIn(folder: string): readonly RunSummary[] {
    const cached = this.listings.get(folder);
    if (cached !== undefined && Date.now() - cached.read < LISTING_TTL_MS) return cached.runs;
    const runs = subfolders(folder).flatMap((runDir) => readRun(runDir) ?? []);
    this.listings.set(folder, { read: Date.now(), runs });
    return runs;
  }
}

/** The newest finished run with a harvest, and the newest run of any kind, from runs newest first. */
function pick(runs: readonly RunSummary[]): RunChoice {
  return {
    harvested: runs.find((run) => run.status === 'done' && run.harvestPath !== undefined),
    newest: runs[0],
  };
}

function newestFirst(runs: readonly RunSummary[]): RunSummary[] {
  return [...runs].sort((a, b) => b.created.localeCompare(a.created) || b.runId.localeCompare(a.runId));
}

/** The run's manifest, or undefined when run.json is missing, unreadable or of another format version. */
function readManifest(runDir: string): RunManifest | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path.join(runDir, RUN_FILE), 'utf8')) as RunManifest;
    return isRecord(manifest) && manifest.format_version === RUN_FORMAT_VERSION ? manifest : undefined;
  } catch {
    return undefined;
  }
}

function readRun(runDir: string): RunSummary | undefined {
  const manifest = readManifest(runDir);
  if (manifest === undefined) return undefined;
  const harvestPath = path.join(runDir, HARVEST_FILE);
  const listingPath = path.join(runDir, LISTING_FILE);
  // `summary` holds whatever the run recorded; its evaluation is there once the run has evaluated.
  const evaluation = isRecord(manifest.summary.eval) ? manifest.summary.eval : {};
  return {
    runDir,
    runId: manifest.run_id,
    configFile: manifest.config_file,
    status: manifest.status,
    created: manifest.created,
    modules: manifest.modules.map((module) => module.path),
    harvestPath: existsSync(harvestPath) ? harvestPath : undefined,
    listingPath: existsSync(listingPath) ? listingPath : undefined,
    target: manifest.config.target,
    evalAlive: isRecord(evaluation.alive) ? numbersOf(evaluation.alive) : undefined,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numbersOf(record: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(record).flatMap(([key, value]) => (typeof value === 'number' ? [[key, value]] : [])),
  );
}

/** The same config file, or one of the same name when the workspace was moved since the run. */
function sameConfig(recorded: string, filePath: string): boolean {
  return (
    path.resolve(recorded) === path.resolve(filePath) || path.basename(recorded) === path.basename(filePath)
  );
}

function subfolders(folder: string): string[] {
  try {
    return readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .map((entry) => path.join(folder, entry.name));
  } catch {
    return [];
  }
}

function isInside(filePath: string, folder: string): boolean {
  const relative = path.relative(folder, filePath);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
