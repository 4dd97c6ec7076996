// Where a document's model facts come from. The module listing: the `modules.json` of the config's newest
// run whose target is the config's, else the decomposition server (engineServer.ts: its cache, or the server
// itself), asked again when the config's target section changes or a server becomes reachable. Alive counts: the harvest
// of the run chosen for the config, else the latest evaluation in a run.json.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDocument, type YAMLMap } from 'yaml';
import type { ModuleListing } from '../../protocol/serverApi';
import { valueAt } from '../services/configSections';
import type { AliveFacts, ModelFacts } from '../services/moduleFacts';
import { ENGINE_YAML_OPTIONS } from '../yamlDialect';
import type { ListingQuestion } from './engineServer';
import { documentPath } from './harvestCards';
import type { HarvestHandles } from './harvestHandles';
import type { RunLookup, RunSummary } from './runLookup';

export type AskForListing = (question: ListingQuestion) => Promise<ModuleListing | null>;

// A null answer (no server yet) is asked again after this long, on the next request that needs it.
const RETRY_NULL_MS = 30_000;

interface Asked {
  targetKey: string;
  answer: Promise<ModuleListing | null>;
  at: number;
  settled: ModuleListing | null | undefined;
}

export class ModelFactsSource {
  private readonly asked = new Map<string, Asked>();
  private readonly resolved = new Map<string, { targetKey: string; facts: ModelFacts | undefined }>();
  private readonly listingFiles = new Map<string, { mtimeMs: number; listing: ModuleListing | undefined }>();

  constructor(
    private readonly runs: RunLookup,
    private readonly harvests: HarvestHandles,
    private readonly askForListing: AskForListing,
  ) {}

  /**
   * What is known for a config without waiting, for requests that must answer at once: the facts `forConfig`
   * last found for this target, else a listing already at hand.
   */
  peek(uri: string, config: YAMLMap.Parsed | null): ModelFacts | undefined {
    const key = targetKey(uri, config);
    if (key === undefined) return undefined;
    const resolved = this.resolved.get(uri);
    if (resolved?.targetKey === key && resolved.facts !== undefined) return resolved.facts;
    const listing = this.runListing(documentPath(uri), config) ?? this.answered(uri, key);
    return listing === undefined ? undefined : { listing, alive: undefined };
  }

  /** The facts for a config, asking the extension for a listing when no run of its target has one. */
  async forConfig(uri: string, text: string, config: YAMLMap.Parsed | null): Promise<ModelFacts | undefined> {
    const key = targetKey(uri, config);
    if (key === undefined) return undefined;
    const filePath = documentPath(uri);
    const listing =
      this.runListing(filePath, config) ??
      (await this.ask({ configUri: uri, text: listingRequestText(text), targetKey: key }));
    const facts =
      listing === null || listing === undefined
        ? undefined
        : { listing, alive: filePath === undefined ? undefined : await this.alive(filePath) };
    this.resolved.set(uri, { targetKey: key, facts });
    return facts;
  }

  /** The facts for any other document: the listing of the newest run near it. */
  forDocument(uri: string): ModelFacts | undefined {
    const filePath = documentPath(uri);
    if (filePath === undefined) return undefined;
    const run = this.runs.runsOf(filePath).find((candidate) => candidate.listingPath !== undefined);
    const listing = run === undefined ? undefined : this.readListing(run);
    return listing === undefined ? undefined : { listing, alive: undefined };
  }

  forget(uri: string): void {
    this.asked.delete(uri);
    this.resolved.delete(uri);
  }

  /** Drops the answers "no listing", so that the next request asks again (a server became reachable). */
  retryUnanswered(): void {
    for (const [uri, asked] of this.asked) if (asked.settled === null) this.asked.delete(uri);
  }

  private runListing(filePath: string | undefined, config: YAMLMap.Parsed | null): ModuleListing | undefined {
    if (filePath === undefined) return undefined;
    const target: unknown = valueAt(config, 'target')?.toJSON();
    const run = this.runs
      .runsOf(filePath)
      .find((candidate) => candidate.listingPath !== undefined && covers(candidate.target, target));
    return run === undefined ? undefined : this.readListing(run);
  }

  private answered(uri: string, key: string): ModuleListing | undefined {
    const asked = this.asked.get(uri);
    return asked?.targetKey === key ? (asked.settled ?? undefined) : undefined;
  }

  private ask(params: ListingQuestion): Promise<ModuleListing | null> {
    const asked = this.asked.get(params.configUri);
    const stale = asked?.settled === null && Date.now() - asked.at > RETRY_NULL_MS;
    if (asked !== undefined && asked.targetKey === params.targetKey && !stale) return asked.answer;
    const entry: Asked = {
      targetKey: params.targetKey,
      at: Date.now(),
      settled: undefined,
      answer: this.askForListing(params).then(
        (listing) => (isListing(listing) ? listing : null),
        () => null,
      ),
    };
    void entry.answer.then((listing) => (entry.settled = listing));
    this.asked.set(params.configUri, entry);
    return entry.answer;
  }

  private readListing(run: RunSummary): ModuleListing | undefined {
    const file = run.listingPath;
    if (file === undefined) return undefined;
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      return undefined;
    }
    const cached = this.listingFiles.get(file);
    if (cached?.mtimeMs === mtimeMs) return cached.listing;
    let listing: ModuleListing | undefined;
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      listing = isListing(parsed) ? parsed : undefined;
    } catch {
      listing = undefined;
    }
    this.listingFiles.set(file, { mtimeMs, listing });
    return listing;
  }

  private async alive(configPath: string): Promise<AliveFacts | undefined> {
    const { harvested, newest } = this.runs.choose(configPath);
    if (harvested?.harvestPath !== undefined) {
      try {
        const database = await this.harvests.get(harvested.harvestPath);
        return {
          runId: harvested.runId,
          source: 'harvest',
          perModule: new Map(
            [...(await database.aliveCounts())].map(([module, count]) => [module, count.alive]),
          ),
          dead: await database.deadComponents(),
        };
      } catch {
        // An unreadable harvest gives no counts; its card says why.
      }
    }
    const evaluated = newest?.evalAlive === undefined ? undefined : newest;
    if (evaluated?.evalAlive === undefined) return undefined;
    return {
      runId: evaluated.runId,
      source: 'evaluation',
      perModule: new Map(Object.entries(evaluated.evalAlive)),
      dead: undefined,
    };
  }
}

/**
 * Names a config's target section for caching: its content and the config's folder, which relative paths
 * in it start from. Undefined when the config has no target section yet.
 */
export function targetKey(uri: string, config: YAMLMap.Parsed | null): string | undefined {
  const target = valueAt(config, 'target');
  if (target === null) return undefined;
  const folder = path.posix.dirname(uri);
  return createHash('sha256')
    .update(JSON.stringify([folder, canonical(target.toJSON())]))
    .digest('hex')
    .slice(0, 32);
}

/** The config without its `analysis` section, whose IDs the listing does not need and must not block. */
export function listingRequestText(text: string): string {
  const document = parseDocument(text, ENGINE_YAML_OPTIONS);
  if (document.errors.length > 0 || !document.has('analysis')) return text;
  document.delete('analysis');
  return document.toString();
}

/** Whether every value the config's target gives is the run's too (the run's config has defaults filled in). */
function covers(recorded: unknown, given: unknown): boolean {
  if (given === null || typeof given !== 'object') return recorded === given;
  if (recorded === null || typeof recorded !== 'object') return false;
  if (Array.isArray(given)) {
    return (
      Array.isArray(recorded) &&
      recorded.length === given.length &&
      given.every((item, index) => covers(recorded[index], item))
    );
  }
  const record = recorded as Record<string, unknown>;
  return Object.entries(given).every(([key, value]) => covers(record[key], value));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, item]) => [key, canonical(item)]),
  );
}

function isListing(value: unknown): value is ModuleListing {
  const modules = (value as { modules?: unknown } | null)?.modules;
  return (
    Array.isArray(modules) &&
    modules.every((module) => typeof (module as { path?: unknown })?.path === 'string')
  );
}
