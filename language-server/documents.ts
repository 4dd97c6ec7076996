// Parses the YAML of open documents once per version, for every service that needs the syntax tree.
import { parseAllDocuments, type Document, type YAMLError } from 'yaml';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ENGINE_YAML_OPTIONS } from './yamlDialect';

const CONFIG_URI = /\.decomp\.ya?ml$/;

/**
 * Whether a document is a decomposition config. The client also sends Python, Markdown, notebook cells and
 * circuit files, for subcomponent-ID hovers only: no other feature reads them.
 */
export function isConfigDocument(uri: string): boolean {
  return CONFIG_URI.test(uri);
}

export interface ParsedYaml {
  /** One per `---`-separated document; none for a file with only comments or whitespace. */
  readonly documents: readonly Document.Parsed[];
  /** Every problem the parser found, including those outside any document (e.g. a stray directive). */
  readonly errors: readonly YAMLError[];
  readonly warnings: readonly YAMLError[];
}

export function parseYaml(text: string): ParsedYaml {
  // Source tokens let later services map nodes back to exact text; pretty errors would add a code frame.
  const parsed = parseAllDocuments(text, {
    ...ENGINE_YAML_OPTIONS,
    keepSourceTokens: true,
    prettyErrors: false,
  });
  const documents: readonly Document.Parsed[] = parsed;
  const streamProblems = 'empty' in parsed ? parsed : { errors: [], warnings: [] };
  return {
    documents,
    errors: [...streamProblems.errors, ...documents.flatMap((document) => document.errors)],
    warnings: [...streamProblems.warnings, ...documents.flatMap((document) => document.warnings)],
  };
}

/** Keeps the parse of the latest version of each open document. */
export class ParsedYamlCache {
  private readonly entries = new Map<string, { version: number; parsed: ParsedYaml }>();

  get(document: TextDocument): ParsedYaml {
    const cached = this.entries.get(document.uri);
    if (cached?.version === document.version) return cached.parsed;
    const parsed = parseYaml(document.getText());
    this.entries.set(document.uri, { version: document.version, parsed });
    return parsed;
  }

  evict(uri: string): void {
    this.entries.delete(uri);
  }
}
