// Worker-thread entry: loads the TypeScript thread module through tsx when the
// service runs from sources, or the compiled module as is.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
