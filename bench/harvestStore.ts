// Writes harvest.sqlite files in the contract's layout (docs/formats.md, "harvest.sqlite", format_version 1):
// small hand-written ones for tests, and large synthetic ones for timing the language server's cards.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Database } from 'node-sqlite3-wasm';
import { seededRandom } from './seededRandom';

export const HARVEST_DDL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE modules (
  module TEXT PRIMARY KEY, module_order INTEGER NOT NULL, C INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE components (
  module TEXT NOT NULL, component INTEGER NOT NULL, density REAL NOT NULL, mean_ci REAL NOT NULL,
  alive INTEGER NOT NULL, n_examples INTEGER NOT NULL, label TEXT, PRIMARY KEY (module, component)
) WITHOUT ROWID;
CREATE TABLE examples (
  module TEXT NOT NULL, component INTEGER NOT NULL, rank INTEGER NOT NULL, ci REAL NOT NULL,
  activation REAL NOT NULL, sequence INTEGER NOT NULL, position INTEGER NOT NULL, marked INTEGER NOT NULL,
  token_ids TEXT NOT NULL, ci_values TEXT NOT NULL, activations TEXT NOT NULL,
  PRIMARY KEY (module, component, rank)
) WITHOUT ROWID;
CREATE TABLE vocab (token_id INTEGER PRIMARY KEY, text TEXT NOT NULL);
CREATE TABLE input_token_pmi (
  module TEXT NOT NULL, component INTEGER NOT NULL, rank INTEGER NOT NULL,
  token_id INTEGER NOT NULL, pmi REAL NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (module, component, rank)
) WITHOUT ROWID;
CREATE TABLE output_token_pmi (
  module TEXT NOT NULL, component INTEGER NOT NULL, rank INTEGER NOT NULL,
  token_id INTEGER NOT NULL, pmi REAL NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (module, component, rank)
) WITHOUT ROWID;
`;

export interface HarvestComponentRow {
  module: string;
  component: number;
  density: number;
  meanCi: number;
  alive: boolean;
  label?: string;
  examples: HarvestExampleRow[];
}

export interface HarvestExampleRow {
  ci: number;
  activation: number;
  sequence: number;
  position: number;
  marked: number;
  tokenIds: number[];
  ciValues: number[];
}

export interface HarvestContents {
  meta: Record<string, string>;
  modules: { module: string; C: number }[];
  components: HarvestComponentRow[];
  vocab: string[];
}

/** Writes `contents` to a new file at `file`; example ranks follow the order given. */
export function writeHarvest(file: string, contents: HarvestContents): void {
  withNewDatabase(file, (database) => {
    insertHeader(database, contents.meta, contents.modules, contents.vocab);
    const component = database.prepare('INSERT INTO components VALUES (?, ?, ?, ?, ?, ?, ?)');
    const example = database.prepare('INSERT INTO examples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const row of contents.components) {
      component.run([
        row.module,
        row.component,
        row.density,
        row.meanCi,
        row.alive ? 1 : 0,
        row.examples.length,
        row.label ?? null,
      ]);
      row.examples.forEach((entry, rank) =>
        example.run([
          row.module,
          row.component,
          rank,
          entry.ci,
          entry.activation,
          entry.sequence,
          entry.position,
          entry.marked,
          JSON.stringify(entry.tokenIds),
          JSON.stringify(entry.ciValues),
          JSON.stringify(entry.ciValues.map((ci) => ci * entry.activation)),
        ]),
      );
    }
    component.finalize();
    example.finalize();
  });
}

export interface SyntheticHarvestShape {
  modules: number;
  componentsPerModule: number;
  examplesPerComponent: number;
  /** Tokens in each example's window; the marked one is in the middle. */
  windowTokens: number;
  vocabSize: number;
  seed: number;
}

/** Module paths of a synthetic harvest, as a Llama-style target names them. */
export function syntheticModules(shape: SyntheticHarvestShape): string[] {
  const roles = ['attn.q_proj', 'attn.k_proj', 'attn.v_proj', 'attn.o_proj', 'mlp.c_fc', 'mlp.down_proj'];
  return Array.from(
    { length: shape.modules },
    (_, index) => `h.${Math.floor(index / roles.length)}.${roles[index % roles.length]}`,
  ).sort();
}

/**
 * A harvest of random but well-formed rows, written in one transaction per module with prepared
 * statements. Seeded, so every run of the bench reads the same file.
 */
export function writeSyntheticHarvest(
  file: string,
  shape: SyntheticHarvestShape,
  onModule?: () => void,
): void {
  const random = seededRandom(shape.seed);
  const modules = syntheticModules(shape);
  const vocab = Array.from({ length: shape.vocabSize }, (_, id) => ` tok${id}`);
  const meta = {
    format_version: '1',
    run_id: 'bench',
    weights_step: '1000',
    ci_threshold: '0.1',
    top_k: String(shape.examplesPerComponent),
    context: String(Math.floor(shape.windowTokens / 2)),
    input_kind: 'tokens',
    n_tokens: '10000000',
    status: 'done',
  };
  withNewDatabase(file, (database) => {
    insertHeader(
      database,
      meta,
      modules.map((module) => ({ module, C: shape.componentsPerModule })),
      vocab,
    );
    const component = database.prepare('INSERT INTO components VALUES (?, ?, ?, ?, ?, ?, NULL)');
    const example = database.prepare('INSERT INTO examples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const marked = Math.floor(shape.windowTokens / 2);
    for (const module of modules) {
      database.exec('BEGIN');
      for (let index = 0; index < shape.componentsPerModule; index++) {
        component.run([module, index, random() * 0.05, random() * 0.1, 1, shape.examplesPerComponent]);
        for (let rank = 0; rank < shape.examplesPerComponent; rank++) {
          const tokens = Array.from({ length: shape.windowTokens }, () =>
            Math.floor(random() * shape.vocabSize),
          );
          const ci = Array.from({ length: shape.windowTokens }, () => round(random(), 3));
          example.run([
            module,
            index,
            rank,
            1 - rank / (2 * shape.examplesPerComponent),
            round(random() * 4, 4),
            Math.floor(random() * 100_000),
            Math.floor(random() * 512),
            marked,
            JSON.stringify(tokens),
            JSON.stringify(ci),
            JSON.stringify(ci.map((value) => round(value * 3, 3))),
          ]);
        }
      }
      database.exec('COMMIT');
      onModule?.();
    }
    component.finalize();
    example.finalize();
  });
}

/** A bench run store: `runs/<run-id>/` with a finished run.json and the synthetic harvest beside a config. */
export function writeSyntheticRunStore(
  root: string,
  shape: SyntheticHarvestShape,
  onModule?: () => void,
): string {
  const runDir = path.join(root, 'runs', 'bench-run');
  mkdirSync(runDir, { recursive: true });
  writeSyntheticHarvest(path.join(runDir, 'harvest.sqlite'), shape, onModule);
  writeFileSync(path.join(root, 'bench.decomp.yaml'), 'method: vpd\n');
  writeRunJson(runDir, {
    run_id: 'bench-run',
    status: 'done',
    created: '2026-01-01T00:00:00Z',
    config_file: path.join(root, 'bench.decomp.yaml'),
    modules: syntheticModules(shape).map((module) => ({ path: module, C: shape.componentsPerModule })),
  });
  return runDir;
}

/** A run.json with the fields the language server reads, plus the format version. */
export function writeRunJson(runDir: string, fields: Record<string, unknown>): void {
  mkdirSync(runDir, { recursive: true });
  writeFileSync(path.join(runDir, 'run.json'), JSON.stringify({ format_version: 1, ...fields }, null, 2));
}

function insertHeader(
  database: Database,
  meta: Record<string, string>,
  modules: { module: string; C: number }[],
  vocab: string[],
): void {
  database.exec('BEGIN');
  for (const [key, value] of Object.entries(meta))
    database.run('INSERT INTO meta VALUES (?, ?)', [key, value]);
  [...modules]
    .sort((a, b) => a.module.localeCompare(b.module))
    .forEach((entry, order) =>
      database.run('INSERT INTO modules VALUES (?, ?, ?)', [entry.module, order, entry.C]),
    );
  const token = database.prepare('INSERT INTO vocab VALUES (?, ?)');
  vocab.forEach((text, id) => token.run([id, text]));
  token.finalize();
  database.exec('COMMIT');
}

/** Builds the file under a temporary name and renames it, so that a half-written file is never read. */
function withNewDatabase(file: string, write: (database: Database) => void): void {
  const partial = `${file}.partial`;
  mkdirSync(path.dirname(file), { recursive: true });
  rmSync(partial, { force: true });
  const database = new Database(partial);
  try {
    // No journal and no fsync while building: a failed build is deleted, not recovered.
    database.exec('PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536;');
    database.exec(HARVEST_DDL);
    write(database);
  } finally {
    database.close();
  }
  renameSync(partial, file);
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
