import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPENAPI } from '../../src/http/api-v1/openapi.js';
import { UI_PAGES } from '../../src/http/web-ui.js';

const WEB = path.resolve(import.meta.dirname, '../../web/src');

function sources(dir: string): { file: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => {
      const file = path.join(e.parentPath, e.name);
      return { file: path.relative(WEB, file), text: readFileSync(file, 'utf8') };
    });
}

/**
 * The UI's API client is checked against the server's OpenAPI document: every /api/v1 path the
 * UI calls (written as the document spells it, `{id}` placeholders and all) must be described,
 * so a renamed or removed endpoint fails here rather than in a user's browser.
 */
describe('web UI and the API it calls', () => {
  const files = sources(WEB);

  it('calls only /api/v1 paths the OpenAPI document describes', () => {
    const described = new Set(Object.keys(OPENAPI.paths));
    const used = files.flatMap(({ file, text }) => [...text.matchAll(/['"`](\/api\/v1\/[^'"`?$]*)['"`?]/g)].map((m) => ({ file, path: m[1]! })));
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((u) => !described.has(u.path))).toEqual([]);
  });

  it('has the server answer index.html under every page path it routes', () => {
    const routes = readFileSync(path.join(WEB, 'routes.tsx'), 'utf8');
    const segments = new Set([...routes.matchAll(/path: '([\w-]+)/g)].map((m) => m[1]!));
    expect([...segments].sort()).toEqual([...UI_PAGES].sort());
  });
});
