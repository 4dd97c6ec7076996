// What hover shows about a subcomponent, and where that comes from. A source answers for one ID: the
// server's source reads a run's harvest database (`runs/harvestCards.ts`: statistics, top-activating
// examples); `idOnlyCards` reads the ID alone, for documents with no file to find runs beside.
import type { ShortSubcomponentId, SubcomponentId, SubcomponentIdMatch } from '../../protocol/ids';

export interface ComponentCard {
  id: SubcomponentId;
  /** Set when the ID also reads as a canonical short name, which the target's architecture maps to a module. */
  short: ShortSubcomponentId | undefined;
  /** Further paragraphs of markdown, shown in order: statistics, examples, or a note on what is missing. */
  details: readonly string[];
}

export interface ComponentCardSource {
  /** The card for `match`, found in the document `uri`; undefined when the source knows nothing of it. */
  cardFor(match: SubcomponentIdMatch, uri: string): Promise<ComponentCard | undefined>;
}

/** Cards built from the ID alone. */
export const idOnlyCards: ComponentCardSource = {
  cardFor: (match) =>
    Promise.resolve({
      id: match.id,
      short: match.short,
      details: ['Top-activating examples appear here once a run of this config has been harvested.'],
    }),
};
