// The id `paramlens graph` gives a prompt's graph file (`graphs/<id>.graph.json`): the prompt's `name` when it
// is a valid id, else the slug of the name or of the prompt (server/src/paramlens/analysis/graphs/build.py `slug`).
import { isGraphId } from '../../protocol/ids';

const MAX_ID_LENGTH = 48;

export function promptGraphId(prompt: string, name: string | undefined): string {
  if (name === undefined) return slug(prompt);
  return isGraphId(name) ? name : slug(name);
}

/** Lower-case words joined by `-`, e.g. `the-cat-sat`; `graph` when the text has no letter or digit. */
export function slug(text: string): string {
  const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return trimHyphens(words.join('-').slice(0, MAX_ID_LENGTH)) || 'graph';
}

function trimHyphens(text: string): string {
  return text.replace(/^-+|-+$/g, '');
}
