/** Runs an import job (`import/<config>`) to its end, through the engine fixture's call. */
import type { Setup } from './engine-fixture.js';
import { waitFor } from './wait-for.js';

/** Starts the import (waiting as long as the server lets a request wait) and answers the finished job. */
export async function runImport(call: Setup['call'], config: string, filters: Record<string, unknown> = {}) {
  const reply = await call('POST', `import/${config}`, { ...filters, wait: true });
  if (reply.status !== 200) throw new Error(JSON.stringify(reply.body));
  if (reply.body.data.state !== 'running') return reply.body.data;
  return waitFor(`import of ${config}`, async () => {
    const job = (await call('GET', `import/${config}`)).body.data;
    return job.state === 'running' ? undefined : job;
  });
}
