// Subcomponent cards from a run's harvest.sqlite: for hover (a `ComponentCardSource`) and for the
// `paramlens/componentCard` request. In a config every ID gets a card, with a note when there is nothing
// to read yet; elsewhere (Python, Markdown, notebooks) only IDs of a module of the run do, since text such
// as `localhost:8080` has the shape of an ID.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import {
  formatSubcomponentId,
  parseShortSubcomponentId,
  parseSubcomponentId,
  type SubcomponentIdMatch,
} from '../../protocol/ids';
import type { ComponentCardParams, ComponentCardResult, HarvestCard } from '../../protocol/lspRequests';
import { idOnlyCards, type ComponentCard, type ComponentCardSource } from '../services/componentCards';
import { cardParagraphs, examplesDocument } from './cardMarkdown';
import type { HarvestHandles } from './harvestHandles';
import { resolveModule } from './moduleNames';
import { isConfigPath, type RunLookup, type RunSummary } from './runLookup';
import type { ServerCards } from './serverCards';

/** Examples a hover shows, and tokens on each side of the marked one; "Show all examples" shows the rest. */
export const HOVER_EXAMPLES = 8;
const HOVER_CONTEXT = 8;
const MAX_REQUEST_EXAMPLES = 10_000;
const MODULES_LISTED = 6;

type Lookup =
  | { card: HarvestCard }
  /** `moduleKnown`: the ID names a module of the run, so the reason concerns a real subcomponent. */
  | { reason: string; moduleKnown: boolean };

export class HarvestCards implements ComponentCardSource {
  /** `server`: cards of runs harvested where the decomposition server runs, when none is harvested here. */
  constructor(
    private readonly runs: RunLookup,
    private readonly handles: HarvestHandles,
    private readonly server?: ServerCards,
  ) {}

  async cardFor(match: SubcomponentIdMatch, uri: string): Promise<ComponentCard | undefined> {
    const filePath = documentPath(uri);
    const inConfig = isConfigPath(filePath ?? uri);
    if (filePath === undefined) return inConfig ? idOnlyCards.cardFor(match, uri) : undefined;
    const { harvested, newest } = this.runs.choose(filePath);
    if (harvested?.harvestPath === undefined) {
      const remote = await this.server?.card(match, filePath, HOVER_EXAMPLES, HOVER_CONTEXT);
      if (remote !== undefined) return hoverCard(match, remote);
      const knownModule = newest !== undefined && resolveModule(match, newest.modules) !== undefined;
      return inConfig || knownModule ? idCard(match, noHarvestNote(newest, filePath)) : undefined;
    }
    const found = await this.lookup(match, harvested, HOVER_EXAMPLES, HOVER_CONTEXT);
    if ('card' in found) return hoverCard(match, found.card);
    return inConfig || found.moduleKnown ? idCard(match, found.reason) : undefined;
  }

  async request(params: ComponentCardParams): Promise<ComponentCardResult> {
    const match = idMatch(params.id);
    if (match === undefined) {
      return {
        found: false,
        reason: `\`${params.id}\` is not a subcomponent ID: expected \`<module>:<index>\`, e.g. \`h.1.mlp.down_proj:12\`.`,
      };
    }
    const limit = Math.max(0, Math.min(MAX_REQUEST_EXAMPLES, Math.floor(params.limit)));
    if (params.runDir !== undefined && /^https?:/.test(params.runDir)) {
      const remote = await this.server?.cardAt(params.runDir, match, limit);
      if (remote === undefined)
        return {
          found: false,
          reason: `The decomposition server at ${params.runDir} has no card for \`${params.id}\`.`,
        };
      return { found: true, card: remote, markdown: examplesDocument(remote) };
    }
    const filePath = params.uri === undefined ? undefined : documentPath(params.uri);
    const choice =
      params.runDir !== undefined
        ? { harvested: this.runs.run(params.runDir), newest: this.runs.run(params.runDir) }
        : filePath === undefined
          ? { harvested: undefined, newest: undefined }
          : this.runs.choose(filePath);
    const run = choice.harvested;
    if (run?.harvestPath === undefined) {
      return { found: false, reason: noHarvestNote(choice.newest ?? run, filePath ?? params.runDir ?? '') };
    }
    const found = await this.lookup(match, run, limit, Infinity);
    if ('reason' in found) return { found: false, reason: found.reason };
    return { found: true, card: found.card, markdown: examplesDocument(found.card) };
  }

  private async lookup(
    match: SubcomponentIdMatch,
    run: RunSummary,
    limit: number,
    context: number,
  ): Promise<Lookup> {
    const runName = `\`${run.runId}\``;
    const moduleKnown = resolveModule(match, run.modules) !== undefined;
    let database;
    try {
      database = await this.handles.get(run.harvestPath ?? '');
    } catch (error) {
      return {
        reason: `The harvest of run ${runName} could not be read: ${(error as Error).message}`,
        moduleKnown,
      };
    }
    const modules = await database.modules();
    const module = resolveModule(
      match,
      modules.map((entry) => entry.module),
    );
    const C = modules.find((entry) => entry.module === module)?.C;
    if (module === undefined || C === undefined) {
      const listed = modules.slice(0, MODULES_LISTED).map((entry) => `\`${entry.module}\``);
      const more = modules.length > MODULES_LISTED ? ', …' : '';
      const what =
        match.short === undefined
          ? `no module \`${match.id.module}\``
          : `no single module named \`${match.id.module}\``;
      return {
        reason: `Run ${runName} has ${what}; its modules: ${listed.join(', ')}${more}.`,
        moduleKnown: false,
      };
    }
    const index = match.id.index;
    if (index >= C) {
      return {
        reason: `Module \`${module}\` has ${C} subcomponents in run ${runName} (0 to ${C - 1}); ${index} is past the end.`,
        moduleKnown: true,
      };
    }
    const stats = await database.component(module, index);
    if (stats === undefined) {
      return {
        reason: `The harvest of run ${runName} has no row for \`${module}:${index}\`; run \`paramlens harvest\` again.`,
        moduleKnown: true,
      };
    }
    const { meta } = database;
    return {
      card: {
        runId: meta.runId || run.runId,
        runDir: run.runDir,
        module,
        component: index,
        ...stats,
        ciThreshold: meta.ciThreshold,
        inputKind: meta.inputKind,
        harvestDone: meta.done,
        examples: limit === 0 ? [] : await database.examples(module, index, limit, context),
      },
    };
  }
}

/** Why there is no harvest to read, and the command that makes one. */
function noHarvestNote(newest: RunSummary | undefined, filePath: string): string {
  if (newest === undefined) {
    const config = isConfigPath(filePath) ? path.basename(filePath) : 'CONFIG';
    return (
      `No run yet: \`paramlens decompose ${config}\` trains one, then \`paramlens harvest runs/<run-id>\` ` +
      'collects the statistics and top-activating examples shown here.'
    );
  }
  const runPath = `runs/${path.basename(newest.runDir)}`;
  if (newest.status !== 'done') {
    return (
      `Run \`${newest.runId}\` is ${newest.status || 'not finished'}; when it is done, ` +
      `\`paramlens harvest ${runPath}\` collects the statistics and top-activating examples shown here.`
    );
  }
  return (
    `Run \`${newest.runId}\` has no harvest yet: run \`paramlens harvest ${runPath}\` to see density, ` +
    'mean CI and top-activating examples here.'
  );
}

/** A card's hover, saying what a short or aliased ID resolved to in the run. */
function hoverCard(match: SubcomponentIdMatch, card: HarvestCard): ComponentCard {
  const resolved = { module: card.module, index: card.component };
  const details = cardParagraphs(card);
  if (resolved.module !== match.id.module) {
    details.unshift(`\`${match.text}\` is \`${formatSubcomponentId(resolved)}\` in this run.`);
  }
  return { id: resolved, short: undefined, details };
}

function idCard(match: SubcomponentIdMatch, note: string): ComponentCard {
  return { id: match.id, short: match.short, details: [note] };
}

function idMatch(text: string): SubcomponentIdMatch | undefined {
  const id = parseSubcomponentId(text);
  if (id === undefined) return undefined;
  return { text, start: 0, end: text.length, id, short: parseShortSubcomponentId(text) };
}

/** The file a document lives in; a notebook cell's URI carries its notebook's path. */
export function documentPath(uri: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return undefined;
  }
  if (parsed.protocol === 'file:') return fileURLToPath(parsed);
  if (parsed.protocol === 'vscode-notebook-cell:') return fileURLToPath(new URL(`file://${parsed.pathname}`));
  return undefined;
}
