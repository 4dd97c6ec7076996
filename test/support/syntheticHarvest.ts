// Writes harvest.sqlite files in the contract's layout (docs/formats.md, "harvest.sqlite"): small hand-written
// ones for the language server's tests, and large synthetic ones for timing its cards (bench/lspCards.ts). The
// tables come from protocol/harvestSchema.generated.json, written from the Python harvester's own DDL, and rows
// are inserted by column name: a column the harvester renames or adds as required fails these writers.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Database, type Statement } from 'node-sqlite3-wasm';
import harvestSchema from '../../protocol/harvestSchema.generated.json';
import type { ModuleRecord, RunManifest } from '../../protocol/runFiles';
import { seededRandom } from '../../bench/seededRandom';

type Table = keyof typeof harvestSchema.tables;

const COMPONENT_COLUMNS = ['module', 'component', 'density', 'mean_ci', 'alive', 'n_examples', 'label'];
const EXAMPLE_COLUMNS = [
  'module',
  'component',
  'rank',
  'ci',
  'activation',
  'sequence',
  'position',
  'marked',
  'token_ids',
  'ci_values',
  'activations',
];

/** A prepared INSERT naming its columns, so that the row's values are matched by name, not by table order. */
function inserter(database: Database, table: Table, columns: string[]): Statement {
  const placeholders = columns.map(() => '?').join(', ');
  return database.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders})`);
}

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
    const component = inserter(database, 'components', COMPONENT_COLUMNS);
    const example = inserter(database, 'examples', EXAMPLE_COLUMNS);
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
    format_version: harvestSchema.format_version,
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
    const component = inserter(database, 'components', COMPONENT_COLUMNS);
    const example = inserter(database, 'examples', EXAMPLE_COLUMNS);
    const marked = Math.floor(shape.windowTokens / 2);
    for (const module of modules) {
      database.exec('BEGIN');
      for (let index = 0; index < shape.componentsPerModule; index++) {
        component.run([module, index, random() * 0.05, random() * 0.1, 1, shape.examplesPerComponent, null]);
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

/** What a test says of a run; the rest of its run.json gets plain values. */
export type RunFields = Partial<Omit<RunManifest, 'modules'>> & {
  run_id: string;
  modules?: (Pick<ModuleRecord, 'path' | 'C'> & Partial<ModuleRecord>)[];
};

/** A complete run.json (the generated RunManifest type: a field the Python side adds must be given here). */
export function writeRunJson(runDir: string, fields: RunFields): void {
  const modules = (fields.modules ?? []).map((module) => ({ kind: 'linear', d_in: 1, d_out: 1, ...module }));
  const manifest: RunManifest = {
    format_version: 1,
    created: '2026-01-01T00:00:00Z',
    updated: '2026-01-01T00:00:00Z',
    status: 'done',
    step: 1,
    total_steps: 1,
    config: {},
    config_file: '',
    base_dir: path.dirname(path.dirname(runDir)),
    device: 'cpu',
    paramlens_version: '0.1.0',
    torch_version: '2.13.0',
    target: null,
    summary: {},
    files: ['run.json'],
    error: null,
    ...fields,
    modules,
    total_C: modules.reduce((sum, module) => sum + module.C, 0),
  };
  mkdirSync(runDir, { recursive: true });
  writeFileSync(path.join(runDir, 'run.json'), JSON.stringify(manifest, null, 2));
}

function insertHeader(
  database: Database,
  meta: Record<string, string>,
  modules: { module: string; C: number }[],
  vocab: string[],
): void {
  database.exec('BEGIN');
  for (const [key, value] of Object.entries(meta))
    database.run('INSERT INTO meta (key, value) VALUES (?, ?)', [key, value]);
  [...modules]
    .sort((a, b) => a.module.localeCompare(b.module))
    .forEach((entry, order) =>
      database.run('INSERT INTO modules (module, module_order, C) VALUES (?, ?, ?)', [
        entry.module,
        order,
        entry.C,
      ]),
    );
  const token = inserter(database, 'vocab', ['token_id', 'text']);
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
    database.exec(harvestSchema.ddl);
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
