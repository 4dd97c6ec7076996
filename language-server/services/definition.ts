// Go to definition of a module: from a module pattern in a config (every module it matches), or from a
// subcomponent ID in any document, to the line of Python that defines the module (the listing's `source`).
import { pathToFileURL } from 'node:url';
import type { YAMLMap } from 'yaml';
import type { Location, Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { findSubcomponentIdAt } from '../../protocol/ids';
import type { ListedModule, ModuleListing } from '../../protocol/serverApi';
import { resolveModule } from '../runs/moduleNames';
import { lineText } from '../textLines';
import { modulesMatching } from './moduleFacts';
import { scalarAtOffset } from './scalarAtOffset';

/**
 * Where the module under the cursor is defined. `config` is the parsed native config when the document is
 * one (patterns are read there), and null for any other document (only IDs are read).
 */
export function moduleDefinition(
  document: TextDocument,
  config: YAMLMap.Parsed | null,
  position: Position,
  listing: ModuleListing,
): Location[] {
  const target = scalarAtOffset(config, document.offsetAt(position));
  const [section, , key] = target?.path ?? [];
  if (target !== undefined && !target.isKey && section === 'modules' && key === 'pattern') {
    return typeof target.node.value === 'string'
      ? locations(modulesMatching(target.node.value, listing))
      : [];
  }
  const match = findSubcomponentIdAt(lineText(document, position.line), position.character);
  if (match === undefined) return [];
  const module = resolveModule(
    match,
    listing.modules.map((listed) => listed.path),
  );
  return locations(listing.modules.filter((listed) => listed.path === module));
}

/** One location per distinct source line: the layers of a model share their class's lines. */
function locations(modules: readonly ListedModule[]): Location[] {
  const seen = new Set<string>();
  return modules.flatMap(({ source }) => {
    if (source === null) return [];
    const key = `${source.file}:${source.line}`;
    if (seen.has(key)) return [];
    seen.add(key);
    const line = Math.max(0, source.line - 1);
    return [
      {
        uri: pathToFileURL(source.file).toString(),
        range: { start: { line, character: 0 }, end: { line, character: 0 } },
      },
    ];
  });
}
