// Subcomponent cards from the decomposition server's own harvests, for runs that are not on this machine:
// those of a remote server. A card's `runDir` is then the run's URL on that server, so its "Show all
// examples" link asks the same server again.
import path from 'node:path';
import type { SubcomponentIdMatch } from '../../protocol/ids';
import type { HarvestCard, HarvestExample } from '../../protocol/lspRequests';
import type { CardExample, ComponentCard, RunInfo } from '../../protocol/serverApi';
import type { EngineServer } from './engineServer';
import { resolveModule } from './moduleNames';

/** How long a run list is reused: hovers come in bursts, and a harvest takes longer than this. */
const RUNS_FRESH_MS = 5_000;
/** The most examples the server returns for one card. */
const SERVER_EXAMPLES = 200;

export class ServerCards {
  private listed: { at: number; runs: Promise<RunInfo[] | null> } | undefined;

  constructor(private readonly engine: EngineServer) {}

  /**
   * The card of `match` in the newest run the server harvested, preferring one trained from a config of
   * the same file name as `filePath`; undefined when no server answers, no run is harvested, or the ID
   * names no module of that run (text such as `localhost:8080` has the shape of an ID).
   */
  async card(
    match: SubcomponentIdMatch,
    filePath: string,
    limit: number,
    context: number,
  ): Promise<HarvestCard | undefined> {
    const harvested = ((await this.runs()) ?? []).filter(
      (run) => run.status === 'done' && run.files.includes('harvest.sqlite'),
    );
    const name = path.basename(filePath);
    const run = harvested.find((candidate) => path.basename(candidate.config_file) === name) ?? harvested[0];
    if (run === undefined) return undefined;
    return this.fetch(run, match, limit, context);
  }

  /** The card of `match` in the run whose URL is `runUrl` (a card's `runDir`), if the server answers. */
  async cardAt(runUrl: string, match: SubcomponentIdMatch, limit: number): Promise<HarvestCard | undefined> {
    const url = await this.engine.url();
    if (url === null || !runUrl.startsWith(`${url}/runs/`)) return undefined;
    const runId = decodeURIComponent(runUrl.slice(`${url}/runs/`.length));
    const run = ((await this.runs()) ?? []).find((candidate) => candidate.run_id === runId);
    return run === undefined ? undefined : this.fetch(run, match, limit, Infinity);
  }

  private async fetch(
    run: RunInfo,
    match: SubcomponentIdMatch,
    limit: number,
    context: number,
  ): Promise<HarvestCard | undefined> {
    const module = resolveModule(
      match,
      run.modules.map((record) => record.path),
    );
    const url = await this.engine.url();
    if (module === undefined || url === null) return undefined;
    const card = await this.engine.componentCard(
      run.run_id,
      module,
      match.id.index,
      Math.min(limit, SERVER_EXAMPLES),
    );
    if (card === null) return undefined;
    return harvestCard(card, run.run_id, `${url}/runs/${encodeURIComponent(run.run_id)}`, context);
  }

  private runs(): Promise<RunInfo[] | null> {
    if (this.listed === undefined || Date.now() - this.listed.at > RUNS_FRESH_MS)
      this.listed = { at: Date.now(), runs: this.engine.runs() };
    return this.listed.runs;
  }
}

/** The server's card as the hover renders a local harvest's: each example cut to `context` tokens a side. */
export function harvestCard(
  card: ComponentCard,
  runId: string,
  runDir: string,
  context: number,
): HarvestCard {
  return {
    runId,
    runDir,
    module: card.module,
    component: card.component,
    label: card.label,
    density: card.density,
    meanCi: card.mean_ci,
    alive: card.alive,
    nExamples: card.n_examples,
    ciThreshold: card.ci_threshold,
    inputKind: card.input_kind,
    harvestDone: true, // the server answers 409 for a harvest still being written
    examples: card.examples.map((example) => window(example, context)),
  };
}

function window(example: CardExample, context: number): HarvestExample {
  const from = Math.max(0, example.marked - context);
  const to = Math.min(example.tokens.length, example.marked + context + 1);
  return {
    rank: example.rank,
    ci: example.ci,
    activation: example.activation,
    sequence: example.sequence,
    position: example.position,
    marked: example.marked - from,
    tokens: example.tokens.slice(from, to),
    ciValues: example.ci_values.slice(from, to),
    omittedBefore: from,
    omittedAfter: example.tokens.length - to,
  };
}
