// A real harvested run for the editor tests: the tiny Llama example trained for a few steps as a run of
// examples/tiny_llama.decomp.yaml, then `paramlens harvest` (makeHarvestedRun.py). Built once per machine
// (a minute, plus the target's training the first time) under the test-runs cache, keyed by the scripts
// and the harvester's sources, and copied into each test workspace's runs/ beside the config.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { testRunsDir } from './onnxFixture';
import { repoRoot, testPythonPath } from './paths';

const SCRIPT = path.join(repoRoot, 'test', 'support', 'makeHarvestedRun.py');
const SOURCES = [
  SCRIPT,
  path.join(repoRoot, 'server', 'tests', 'lm_runs.py'),
  path.join(repoRoot, 'server', 'src', 'paramlens', 'commands', 'harvest.py'),
  path.join(repoRoot, 'server', 'src', 'paramlens', 'analysis', 'harvest'),
];
const FIXTURE_FILE = 'fixture.json';

/** What makeHarvestedRun.py recorded about the run, and where the workspace copy of it is. */
export interface HarvestedRun {
  runId: string;
  /** A subcomponent whose card has examples. */
  component: {
    id: string;
    /** Share of harvested tokens where it fires, as in harvest.sqlite. */
    density: number;
    /** The token marked in its strongest example, without surrounding spaces. */
    markedToken: string;
  };
}

/** Environment variable that hands the fixture to the extension-host suite. */
export const HARVESTED_RUN_ENV = 'PARAMLENS_TEST_HARVESTED_RUN';
/** The Python file the workspace gets, mentioning the subcomponent in a comment and a string. */
export const ANALYSIS_FILE = 'analysis.py';
const CONFIG_FILE = 'tiny_llama.decomp.yaml';
/** The subcomponent the example config lists first; which subcomponents fired depends on the harvest. */
const LISTED_ID = 'h.1.mlp.down_proj:12';

function* filesUnder(entry: string): Generator<string> {
  if (!fs.statSync(entry).isDirectory()) {
    yield entry;
    return;
  }
  for (const name of fs.readdirSync(entry).sort()) {
    if (name === '__pycache__') continue;
    yield* filesUnder(path.join(entry, name));
  }
}

function sourcesHash(): string {
  const hash = createHash('sha256');
  for (const source of SOURCES) {
    for (const file of filesUnder(source)) {
      if (file.endsWith('.py')) hash.update(path.relative(repoRoot, file)).update(fs.readFileSync(file));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/** The cached build: a folder holding the run folder and fixture.json. Builds it when missing. */
function cachedBuild(): string {
  const built = path.join(testRunsDir(), `short-llama-harvest-${sourcesHash()}`);
  if (fs.existsSync(path.join(built, FIXTURE_FILE))) return built;
  fs.mkdirSync(testRunsDir(), { recursive: true });
  // Built beside its final place and renamed, so a concurrent reader never sees half of it.
  const building = fs.mkdtempSync(path.join(testRunsDir(), '.building-'));
  try {
    execFileSync(testPythonPath, [SCRIPT, building], { stdio: ['ignore', 'ignore', 'pipe'] });
    fs.renameSync(building, built);
  } catch (error) {
    if (!fs.existsSync(path.join(built, FIXTURE_FILE))) throw error;
  } finally {
    fs.rmSync(building, { recursive: true, force: true });
  }
  return built;
}

/**
 * Copies the harvested run into `<workspace>/runs/<run-id>/`, lists the fixture's subcomponent in the
 * workspace's tiny_llama config where the example lists its first one, and writes `analysis.py`, which
 * mentions it too. The run's run.json names `tiny_llama.decomp.yaml`, so the language server takes it as
 * a run of the workspace's copy of that config.
 */
export function addHarvestedRun(workspace: string): HarvestedRun {
  const built = cachedBuild();
  const fixture = JSON.parse(fs.readFileSync(path.join(built, FIXTURE_FILE), 'utf8')) as HarvestedRun;
  fs.cpSync(path.join(built, fixture.runId), path.join(workspace, 'runs', fixture.runId), {
    recursive: true,
  });
  const id = fixture.component.id;
  const config = path.join(workspace, CONFIG_FILE);
  fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replaceAll(LISTED_ID, id));
  fs.writeFileSync(
    path.join(workspace, ANALYSIS_FILE),
    [
      '"""Subcomponents of the tiny Llama run worth a look."""',
      '',
      `# Compare ${id} across runs.`,
      `WATCHED = ["${id}"]`,
      '',
    ].join('\n'),
  );
  return fixture;
}
