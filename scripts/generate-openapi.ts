/** Writes openapi/openapi.json from the routes' zod schemas (`npm run openapi`). */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openapiDocument } from './openapi-document.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'openapi', 'openapi.json');
writeFileSync(out, (await openapiDocument()) + '\n');
process.stdout.write(`wrote ${out}\n`);
process.exit(0);
