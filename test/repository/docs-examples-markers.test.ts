/**
 * The rules of the docs-example runner hold in every document: each shell
 * block either runs or says why not, and every document belongs to a group.
 */
import { t } from '../helpers/suite.js';
import { documentedFiles, documentsOf, documentUnits, examplesOf } from '../helpers/docs-examples.js';

t.test('every document is in exactly one group', async (t) => {
  const grouped = [];
  for (const group of ['readme', 'api', 'api-changes', 'api-estate', 'clients', 'other']) grouped.push(...(await documentsOf(group)));
  t.same(grouped.sort(), (await documentUnits()).sort());
});

t.test('a block that does not run gives its reason, and most blocks run', async (t) => {
  let running = 0;
  for (const file of await documentedFiles()) {
    for (const example of await examplesOf(file)) {
      if (example.notRun === undefined) running++;
      else t.ok(example.notRun.trim().length > 5, `${file}:${example.line} says why it is not run`);
    }
  }
  t.ok(running >= 20, `${running} shell examples run`);
});
