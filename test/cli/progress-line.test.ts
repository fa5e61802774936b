import { t } from '../helpers/suite.js';
import { finalState, progressLabelFor, ProgressLine } from '../../src/cli/progress-line.js';

function recorder(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  return { isTTY, columns, writes, write: (text: string) => writes.push(text) };
}

// The drawing itself is tested on a real pseudo-terminal in cli-enroll.test.ts.
t.test('without a terminal there is no line and nothing is written', async (t) => {
  const stream = recorder(false);
  t.equal(ProgressLine.start(stream, 'enrolling'), undefined);
  t.same(stream.writes, []);
});

t.test('a terminal of zero columns (an unsized pty) gets no line rather than an endless redraw', async (t) => {
  const stream = recorder(true, 0);
  t.equal(ProgressLine.start(stream, 'enrolling'), undefined);
  t.same(stream.writes, []);
});

t.test('only enroll, replace and renew writes get a line', async (t) => {
  t.equal(progressLabelFor('sectigo-vault-pki/enroll/demo'), 'enrolling');
  t.equal(progressLabelFor('pki/replace/demo/1_x'), 'replacing');
  t.equal(progressLabelFor('pki/renew/demo/1_x'), 'renewing');
  t.equal(progressLabelFor('sectigo-vault-pki/configs/demo'), undefined);
  t.equal(progressLabelFor('sectigo-vault-pki/configs/enroll/x'), undefined);
});

t.test('the final state is the last state entry of the record', async (t) => {
  t.equal(finalState({ data: { state: [{ status: 'Applied' }, { status: 'TimedoutStateSaved' }] } }), 'TimedoutStateSaved');
  t.equal(finalState({ data: { status: 'pending' } }), 'pending');
  t.equal(finalState(null), 'done');
});
