// Answers `paramlens/ciForText` and `paramlens/intervene` with the run's exported model. A problem the
// user can fix comes back as an error response with its message; anything else is logged as a bug too.
import { LSPErrorCodes, ResponseError, type Connection } from 'vscode-languageserver/node';
import {
  CiForTextRequest,
  InterveneRequest,
  type CiForTextResult,
  type InterveneResult,
} from '../../protocol/lspRequests';
import { InferenceError } from '../inference/errors';
import type { InferenceSessions } from '../inference/inferenceSessions';
import type { LoadedModel } from '../inference/loadedModel';
import { ciForText, intervene } from '../inference/requests';

export function registerInference(connection: Connection, sessions: InferenceSessions): void {
  connection.onRequest(CiForTextRequest, (params) =>
    answer<CiForTextResult>(connection, 'ciForText', sessions, params, (model) => ciForText(model, params)),
  );
  connection.onRequest(InterveneRequest, (params) =>
    answer<InterveneResult>(connection, 'intervene', sessions, params, (model) => intervene(model, params)),
  );
}

async function answer<T>(
  connection: Connection,
  request: string,
  sessions: InferenceSessions,
  params: { runDir?: unknown },
  run: (model: LoadedModel) => Promise<T>,
): Promise<T> {
  try {
    if (typeof params?.runDir !== 'string' || params.runDir === '') {
      throw new InferenceError('`runDir` must be the path of a run directory.');
    }
    return await run(await sessions.model(params.runDir));
  } catch (error) {
    if (error instanceof InferenceError) {
      throw new ResponseError(LSPErrorCodes.RequestFailed, error.message);
    }
    const message = error instanceof Error ? error.message : String(error);
    connection.console.error(
      `paramlens/${request} failed: ${error instanceof Error ? (error.stack ?? message) : message}`,
    );
    throw new ResponseError(LSPErrorCodes.RequestFailed, `Inference failed: ${message}`);
  }
}
