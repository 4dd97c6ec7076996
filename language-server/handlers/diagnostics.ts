// Publishes diagnostics whenever a document opens or changes, and clears them when it closes. What is known
// at once is published at once; the module listing and the engine's check of a reference-format config come
// later, and the diagnostics are published again if they change what the editor shows.
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isMap } from 'yaml';
import type { ValidateResponse } from '../../protocol/serverApi';
import { isConfigDocument, type ParsedYamlCache } from '../documents';
import type { EngineServer } from '../runs/engineServer';
import type { ModelFactsSource } from '../runs/modelFactsSource';
import { configDiagnostics, type ConfigContext } from '../services/configDiagnostics';
import { nativeConfig } from '../services/configSections';
import { isReferenceFormat } from '../services/referenceFormat';

/** The engine's check of a reference-format config; null when no server could answer. */
type ReferenceCheck = ValidateResponse | null;

// The engine's check runs in another process and takes a while; typing pauses this long before it is asked.
const REFERENCE_DEBOUNCE_MS = 500;

interface Published {
  version: number;
  json: string;
}

export function registerDiagnostics(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  parsedYaml: ParsedYamlCache,
  models: ModelFactsSource,
  engine: EngineServer,
): void {
  const published = new Map<string, Published>();
  const referenceChecks = new ReferenceChecks(engine);

  const publish = (document: TextDocument, context: ConfigContext): void => {
    if (documents.get(document.uri)?.version !== document.version) return;
    const diagnostics = configDiagnostics(document, parsedYaml.get(document), context);
    const json = JSON.stringify(diagnostics);
    const last = published.get(document.uri);
    if (last?.version === document.version && last.json === json) return;
    published.set(document.uri, { version: document.version, json });
    void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
  };

  const check = (document: TextDocument): void => {
    const parsed = parsedYaml.get(document);
    const config = nativeConfig(parsed);
    const contents = parsed.documents[0]?.contents ?? null;
    const reference = isMap(contents) && isReferenceFormat(contents) && parsed.errors.length === 0;
    const context: ConfigContext = {
      facts: models.peek(document.uri, config),
      reference: reference ? referenceChecks.known(document) : undefined,
    };
    publish(document, context);
    void models.forConfig(document.uri, document.getText(), config).then(
      (facts) => {
        context.facts = facts;
        publish(document, context);
      },
      (error: unknown) => logFailure(connection, 'Module listing', error),
    );
    if (reference) {
      referenceChecks.schedule(document, (result) => {
        context.reference = result;
        publish(document, context);
      });
    }
  };
  documents.onDidChangeContent(({ document }) => {
    if (isConfigDocument(document.uri)) check(document);
  });
  // What the engine could not answer before a server ran, it may answer now.
  engine.onDidConnect(() => {
    models.retryUnanswered();
    referenceChecks.retryUnanswered();
    for (const document of documents.all()) if (isConfigDocument(document.uri)) check(document);
  });
  documents.onDidClose(({ document }) => {
    if (!isConfigDocument(document.uri)) return;
    published.delete(document.uri);
    referenceChecks.forget(document.uri);
    models.forget(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });
}

/** Asks the engine to check reference-format configs, once typing pauses, and keeps the last answers. */
class ReferenceChecks {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly answers = new Map<string, { text: string; result: ReferenceCheck }>();

  constructor(private readonly engine: EngineServer) {}

  /** The answer for the document's current text, if it was checked before. */
  known(document: TextDocument): ReferenceCheck | undefined {
    const answer = this.answers.get(document.uri);
    return answer?.text === document.getText() ? answer.result : undefined;
  }

  schedule(document: TextDocument, done: (result: ReferenceCheck) => void): void {
    clearTimeout(this.timers.get(document.uri));
    if (this.known(document) !== undefined) return;
    const text = document.getText();
    const timer = setTimeout(() => {
      this.timers.delete(document.uri);
      void this.engine
        .validate(document.uri, text)
        .then((result) => this.settle(document, text, result, done));
    }, REFERENCE_DEBOUNCE_MS);
    this.timers.set(document.uri, timer);
  }

  retryUnanswered(): void {
    for (const [uri, answer] of this.answers) if (answer.result === null) this.answers.delete(uri);
  }

  forget(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.answers.delete(uri);
  }

  private settle(
    document: TextDocument,
    text: string,
    result: ReferenceCheck,
    done: (result: ReferenceCheck) => void,
  ): void {
    this.answers.set(document.uri, { text, result });
    done(result);
  }
}

function logFailure(connection: Connection, feature: string, error: unknown): void {
  connection.console.error(
    `${feature} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
}
