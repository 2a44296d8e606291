import { readFileSync } from 'node:fs';
import path from 'node:path';

const dir = path.resolve(import.meta.dirname, '../../fixtures/hosts');

export function fixtureHtml(name: string): string {
  return readFileSync(path.join(dir, name), 'utf8');
}

/** A fixture as its own Document (DOMParser), for pure adapter functions. */
export function parseFixture(name: string): Document {
  return new DOMParser().parseFromString(fixtureHtml(name), 'text/html');
}

/** A fixture loaded into the test window's document, for code that needs events and a window. */
export function mountFixture(name: string): Document {
  const parsed = parseFixture(name);
  document.head.replaceChildren(...[...parsed.head.childNodes].map((n) => document.importNode(n, true)));
  document.body.replaceChildren(...[...parsed.body.childNodes].map((n) => document.importNode(n, true)));
  return document;
}
