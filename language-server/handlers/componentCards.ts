// Answers `paramlens/componentCard` and follows `paramlens/selectRun` (protocol/lspRequests.ts).
import type { Connection } from 'vscode-languageserver/node';
import {
  ComponentCardRequest,
  SelectRunNotification,
  type ComponentCardResult,
} from '../../protocol/lspRequests';
import type { HarvestCards } from '../runs/harvestCards';
import type { RunLookup } from '../runs/runLookup';
import { guarded } from './guard';

export function registerComponentCards(connection: Connection, cards: HarvestCards, runs: RunLookup): void {
  connection.onRequest(ComponentCardRequest, (params) =>
    guarded<ComponentCardResult>(
      connection,
      'Component card',
      { found: false, reason: 'The card could not be read; the ParamLens Language Server log says why.' },
      () => cards.request(params),
    ),
  );
  connection.onNotification(SelectRunNotification, ({ runDir }) => runs.select(runDir ?? undefined));
}
