import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openapiDocument } from '../../scripts/openapi-document.js';
import { ERROR_CODES } from '../../src/errors.js';

describe('OpenAPI document', () => {
  it('matches the committed openapi/openapi.json (run `npm run openapi` after changing a schema)', async () => {
    const committed = readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8').trim();
    expect(await openapiDocument()).toBe(committed);
  });

  it('documents every route with an OpenAPI 3.1 schema', async () => {
    const doc = JSON.parse(await openapiDocument()) as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/healthz', '/readyz', '/v1/plans', '/v1/plans/{id}', '/v1/plans/{id}/events', '/v1/plans/{id}/geojson']);
    expect(Object.keys(doc.paths['/v1/plans']!.post!.responses)).toEqual(expect.arrayContaining(['200', '202', '400', '413', '422', '429', '503']));
  });

  it('lists every error code in the README', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const code of Object.keys(ERROR_CODES)) expect(readme, `README lacks error code ${code}`).toContain(`\`${code}\``);
  });
});
