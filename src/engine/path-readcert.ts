import { definePath } from '../framework/path.js';
import type { EngineContext } from './context.js';
import { recordResponse } from './record-response.js';

export const readcertPath = definePath<EngineContext>({
  pattern: 'readcert/:config/:id',
  synopsis: 'Read a certificate record from local storage only',
  help: `Returns the stored record exactly as it is: no SCM call, no collect, no renewal. Use it to look at a
record (state history, \`last_error\`) without side effects.`,
  fields: {},
  operations: {
    read: async (req, ctx) => recordResponse({ record: await ctx.lifecycle.records.require(req.params.config, req.params.id) }),
  },
});
