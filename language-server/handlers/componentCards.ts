// Answers `paramlens/componentCard` and follows `paramlens/selectRun` (protocol/lspRequests.ts).
import type { Connection } from 'vscode-languageserver/node';
import {
  COMPONENT_CARD_REQUEST,
  SELECT_RUN_NOTIFICATION,
  type ComponentCardParams,
  type ComponentCardResult,
  type SelectRunParams,
} from '../../protocol/lspRequests';
import type { HarvestCards } from '../runs/harvestCards';
import type { RunLookup } from '../runs/runLookup';
import { guarded } from './guard';

export function registerComponentCards(connection: Connection, cards: HarvestCards, runs: RunLookup): void {
  connection.onRequest(COMPONENT_CARD_REQUEST, (params: ComponentCardParams) =>
    guarded<ComponentCardResult>(
      connection,
      'Component card',
      { found: false, reason: 'The card could not be read; the ParamLens Language Server log says why.' },
      () => cards.request(params),
    ),
  );
  connection.onNotification(SELECT_RUN_NOTIFICATION, ({ runDir }: SelectRunParams) =>
    runs.select(runDir ?? undefined),
  );
}
