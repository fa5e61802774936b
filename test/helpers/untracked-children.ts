/**
 * Loaded into every test process (tap's `node-arg`). tap follows each child
 * process a test spawns by adding its process-tracking hook to the child's
 * `NODE_OPTIONS` (through `process-on-spawn`); the hook exists for coverage,
 * which this suite does not collect, and it doubles the start-up CPU of every
 * server, CLI and agent process the tests spawn, and of every `scmpki` a
 * documentation example runs. This listener runs after tap's and takes the
 * hook back out, leaving whatever else `NODE_OPTIONS` holds.
 */
interface SpawnOptions {
  env: NodeJS.ProcessEnv;
}
interface SpawnHooks {
  listeners: Array<(options: SpawnOptions) => void>;
}

const TRACKER = /@tapjs[\\/]processinfo/;
/** The hook's option, quoted (a path with spaces) or not. */
const TRACKER_OPTION = /"(?:[^"\\]|\\.)*@tapjs[\\/]processinfo(?:[^"\\]|\\.)*"|\S*@tapjs[\\/]processinfo\S*/g;
const hooks = (globalThis as Record<symbol, SpawnHooks | undefined>)[Symbol.for('process-on-spawn@*:singletonId')];

hooks?.listeners.push((options) => {
  const nodeOptions = options.env.NODE_OPTIONS;
  if (nodeOptions === undefined || !TRACKER.test(nodeOptions)) return;
  const kept = nodeOptions.replace(TRACKER_OPTION, '').trim();
  const env = { ...options.env };
  if (kept === '') delete env.NODE_OPTIONS;
  else env.NODE_OPTIONS = kept;
  options.env = env;
});
