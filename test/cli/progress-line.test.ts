import t from 'tap';
import { finalState, progressLabelFor, ProgressLine } from '../../src/cli/progress-line.js';

function recorder(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (text: string) => writes.push(text) };
}

t.test('on a terminal the line starts at once and finishes with the outcome', async (t) => {
  const stream = recorder(true);
  const line = ProgressLine.start(stream, 'enrolling');
  line.finish('Issued');
  line.finish('ignored: already finished');
  t.same(stream.writes, ['\r\x1b[Kenrolling… 0s', '\r\x1b[Kenrolling… Issued after 0s\n']);
});

t.test('without a terminal nothing is written', async (t) => {
  const stream = recorder(false);
  ProgressLine.start(stream, 'enrolling').finish('Issued');
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
