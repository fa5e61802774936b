import type { Test } from 'tap';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';

/** A real SCM simulator on 127.0.0.1:0 (issuing at once unless told otherwise), closed when the test ends. */
export async function startTestSimulator(t: Test, options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator({ issueDelayMs: 0, ...options });
  t.teardown(() => sim.close());
  return sim;
}
