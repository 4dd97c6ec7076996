// Queries on one run's harvest.sqlite (docs/formats.md, "harvest.sqlite"), whose file name, format version
// and tables come from protocol/harvestSchema.generated.json (written from the Python harvester). Every card
// is a few primary-key lookups, so its cost does not grow with the number of subcomponents.
import harvestSchema from '../../protocol/harvestSchema.generated.json';
import type { HarvestExample } from '../../protocol/lspRequests';
import { SqliteFile } from './sqliteFile';

export const HARVEST_FILE = harvestSchema.file;
const FORMAT_VERSION = harvestSchema.format_version;

export interface HarvestMeta {
  runId: string;
  ciThreshold: number;
  inputKind: 'tokens' | 'features';
  done: boolean;
}

export interface HarvestModule {
  module: string;
  C: number;
}

/** Alive subcomponents of one module, out of the subcomponents the harvest has rows for. */
export interface AliveCount {
  alive: number;
  total: number;
}

export interface HarvestComponent {
  density: number;
  meanCi: number;
  alive: boolean;
  nExamples: number;
  label: string | null;
}

/** An alive subcomponent of a known module, with what completion shows of it. */
export interface AliveComponent {
  component: number;
  density: number;
  meanCi: number;
  label: string | null;
}

interface ExampleRow {
  [column: string]: unknown;
  rank: number;
  ci: number;
  activation: number;
  sequence: number;
  position: number;
  marked: number;
  token_ids: string;
  ci_values: string;
}

export class HarvestDatabase {
  // Decoded tokens, kept for the life of the handle: examples of one run share most of their vocabulary.
  private readonly vocab = new Map<number, string>();
  private modulesList: readonly HarvestModule[] | undefined;
  private aliveByModule: ReadonlyMap<string, AliveCount> | undefined;
  private deadList: ReadonlySet<string> | undefined;
  private readonly densestByModule = new Map<string, readonly AliveComponent[]>();

  private constructor(
    private readonly file: SqliteFile,
    readonly meta: HarvestMeta,
  ) {}

  /** Opens the harvest at `path`; throws a message naming the file when it is not one this version reads. */
  static async open(path: string): Promise<HarvestDatabase> {
    const file = await SqliteFile.open(path);
    try {
      return new HarvestDatabase(file, await readMeta(file));
    } catch (error) {
      file.close();
      throw error;
    }
  }

  get path(): string {
    return this.file.path;
  }

  async modules(): Promise<readonly HarvestModule[]> {
    this.modulesList ??= await this.file.all<HarvestModule & Record<string, unknown>>(
      'SELECT module, C FROM modules ORDER BY module_order',
    );
    return this.modulesList;
  }

  /** Alive and total subcomponents per module; one pass over `components`, kept while the handle is open. */
  async aliveCounts(): Promise<ReadonlyMap<string, AliveCount>> {
    this.aliveByModule ??= new Map(
      (
        await this.file.all(
          'SELECT module, SUM(alive) AS alive, COUNT(*) AS total FROM components GROUP BY module',
        )
      ).map((row) => [String(row.module), { alive: Number(row.alive), total: Number(row.total) }]),
    );
    return this.aliveByModule;
  }

  /** Every dead subcomponent (`alive = 0`), as `module:index`. */
  async deadComponents(): Promise<ReadonlySet<string>> {
    this.deadList ??= new Set(
      (await this.file.all('SELECT module, component FROM components WHERE alive = 0')).map(
        (row) => `${String(row.module)}:${Number(row.component)}`,
      ),
    );
    return this.deadList;
  }

  /** The `limit` alive subcomponents of a module with the highest density, densest first; kept while open. */
  async densestAlive(module: string, limit: number): Promise<readonly AliveComponent[]> {
    const key = `${limit}:${module}`;
    const cached = this.densestByModule.get(key);
    if (cached !== undefined) return cached;
    const rows = await this.file.all(
      'SELECT component, density, mean_ci, label FROM components WHERE module = ? AND alive = 1 ' +
        'ORDER BY density DESC, component LIMIT ?',
      [module, limit],
    );
    const components = rows.map((row) => ({
      component: Number(row.component),
      density: Number(row.density),
      meanCi: Number(row.mean_ci),
      label: typeof row.label === 'string' ? row.label : null,
    }));
    this.densestByModule.set(key, components);
    return components;
  }

  async component(module: string, component: number): Promise<HarvestComponent | undefined> {
    const [row] = await this.file.all(
      'SELECT density, mean_ci, alive, n_examples, label FROM components WHERE module = ? AND component = ?',
      [module, component],
    );
    if (row === undefined) return undefined;
    return {
      density: Number(row.density),
      meanCi: Number(row.mean_ci),
      alive: Number(row.alive) === 1,
      nExamples: Number(row.n_examples),
      label: typeof row.label === 'string' ? row.label : null,
    };
  }

  /**
   * The `limit` strongest examples, each cut to `context` tokens on either side of the marked one, and
   * only those tokens decoded.
   */
  async examples(
    module: string,
    component: number,
    limit: number,
    context = Infinity,
  ): Promise<HarvestExample[]> {
    const rows = await this.file.all<ExampleRow>(
      'SELECT rank, ci, activation, sequence, position, marked, token_ids, ci_values FROM examples ' +
        'WHERE module = ? AND component = ? ORDER BY rank LIMIT ?',
      [module, component, limit],
    );
    const windows = rows.map((row) => {
      const tokenIds = parseNumbers(row.token_ids);
      const from = Math.max(0, row.marked - context);
      const to = Math.min(tokenIds.length, row.marked + context + 1);
      return { from, to, tokenIds: tokenIds.slice(from, to), length: tokenIds.length };
    });
    await this.decode(windows.flatMap((window) => window.tokenIds));
    return rows.map((row, index) => {
      const { from, to, tokenIds, length } = windows[index] ?? { from: 0, to: 0, tokenIds: [], length: 0 };
      return {
        rank: row.rank,
        ci: row.ci,
        activation: row.activation,
        sequence: row.sequence,
        position: row.position,
        marked: row.marked - from,
        tokens: tokenIds.map((id) => this.vocab.get(id) ?? `⟨${id}⟩`),
        ciValues: parseNumbers(row.ci_values).slice(from, to),
        omittedBefore: from,
        omittedAfter: length - to,
      };
    });
  }

  close(): void {
    this.file.close();
  }

  /** Fills the vocabulary cache with the ids it lacks, in one query. */
  private async decode(ids: readonly number[]): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.vocab.has(id));
    if (missing.length === 0) return;
    const rows = await this.file.all(
      'SELECT token_id, text FROM vocab WHERE token_id IN (SELECT value FROM json_each(?))',
      [JSON.stringify(missing)],
    );
    for (const row of rows) this.vocab.set(Number(row.token_id), String(row.text));
  }
}

async function readMeta(file: SqliteFile): Promise<HarvestMeta> {
  let rows: Record<string, unknown>[];
  try {
    rows = await file.all('SELECT key, value FROM meta');
  } catch {
    throw new Error(`${file.path} has no \`meta\` table: it was not written by \`paramlens harvest\`.`);
  }
  const meta = new Map(rows.map((row) => [String(row.key), String(row.value)]));
  const version = meta.get('format_version');
  if (version !== FORMAT_VERSION) {
    throw new Error(
      `${file.path} has format_version ${version ?? '(none)'}; this version of ParamLens reads ${FORMAT_VERSION}.`,
    );
  }
  return {
    runId: meta.get('run_id') ?? '',
    ciThreshold: Number(meta.get('ci_threshold') ?? NaN),
    inputKind: meta.get('input_kind') === 'features' ? 'features' : 'tokens',
    done: meta.get('status') === 'done',
  };
}

function parseNumbers(json: string): number[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.map(Number) : [];
}
