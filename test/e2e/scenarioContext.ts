import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HarvestedRun } from '../support/harvestedRun';

/** What the scenarios may read about the workspace the workbench has open. */
export interface ScenarioContext {
  /** The workspace folder: a copy of examples/ with the harvested run in runs/. */
  workspace: string;
  harvestedRun: HarvestedRun;
}

/** The 1-based number of the first line of a workspace file that contains `text`. */
export function lineOf(context: ScenarioContext, file: string, text: string): number {
  const lines = fs.readFileSync(path.join(context.workspace, file), 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`${file} has no line containing "${text}"`);
  return index + 1;
}
