import type { Test } from 'tap';
import { t } from '../helpers/suite.js';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, Loggers } from '../../src/logging.js';
import { ServerMetrics } from '../../src/metrics/server-metrics.js';
import { createServerLifecycle } from '../../src/server/services.js';
import { loadSettings, type ServerSettings } from '../../src/server/settings.js';
import { openStorage } from '../../src/storage/level-storage.js';
import { tempDir } from '../helpers/temp-dir.js';

const silent = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });

/** What the server's collector, renewer and SCM limiter end up with for these settings. */
async function workersFor(t: Test, settings: ServerSettings) {
  const { storage } = await openStorage({ path: join(await tempDir(t, 'workers'), 'db'), sealKey: randomBytes(32) });
  const running = createServerLifecycle({ storage, loggers: new Loggers(silent), metrics: new ServerMetrics(), settings });
  t.teardown(async () => {
    await running.close();
    await storage.close();
  });
  return {
    collector: { enabled: running.collector.settings.enabled, intervalMs: running.collector.settings.intervalMs },
    renewer: {
      enabled: running.renewer.settings.enabled,
      intervalMs: running.renewer.settings.intervalMs,
      syncIntervalMs: running.renewer.settings.syncIntervalMs,
    },
    scmMaxInFlight: running.limiter.maxInFlight,
    orderGraceMs: running.lifecycle.limits.orderGraceMs,
  };
}

t.test('background settings: defaults reach the collector, renewer and SCM limiter', async (t) => {
  const settings = await loadSettings(undefined, {});
  t.same(await workersFor(t, settings), {
    collector: { enabled: true, intervalMs: 10_000 },
    renewer: { enabled: true, intervalMs: 3_600_000, syncIntervalMs: 86_400_000 },
    scmMaxInFlight: 16,
    orderGraceMs: 120_000,
  });
});

t.test('background settings from the config file, Go durations or seconds', async (t) => {
  const file = join(await tempDir(t, 'settings'), 'scmpki.json');
  await writeFile(
    file,
    JSON.stringify({
      collector_enabled: false, collector_interval: '30s', renewer_enabled: false, renewer_interval: 7200, sync_interval: '12h', scm_max_concurrency: 4, order_grace: '5m',
    }),
  );
  const settings = await loadSettings(file, {});
  t.match(settings, { collector_enabled: false, collector_interval: 30, renewer_enabled: false, renewer_interval: 7200, sync_interval: 43_200, scm_max_concurrency: 4, order_grace: 300 });
  t.same(await workersFor(t, settings), {
    collector: { enabled: false, intervalMs: 30_000 },
    renewer: { enabled: false, intervalMs: 7_200_000, syncIntervalMs: 43_200_000 },
    scmMaxInFlight: 4,
    orderGraceMs: 300_000,
  });
});

t.test('background settings from SCMPKI_* env win over the file', async (t) => {
  const file = join(await tempDir(t, 'settings'), 'scmpki.json');
  await writeFile(file, JSON.stringify({ collector_enabled: true, collector_interval: 5, renewer_interval: '2h', sync_interval: '1h', scm_max_concurrency: 2 }));
  const settings = await loadSettings(file, {
    SCMPKI_COLLECTOR_ENABLED: 'false',
    SCMPKI_COLLECTOR_INTERVAL: '1m30s',
    SCMPKI_RENEWER_ENABLED: 'false',
    SCMPKI_RENEWER_INTERVAL: '600',
    SCMPKI_SYNC_INTERVAL: '30d',
    SCMPKI_SCM_MAX_CONCURRENCY: '8',
    SCMPKI_ORDER_GRACE: '30s',
  });
  t.same(await workersFor(t, settings), {
    collector: { enabled: false, intervalMs: 90_000 },
    renewer: { enabled: false, intervalMs: 600_000, syncIntervalMs: 30 * 86_400_000 },
    scmMaxInFlight: 8,
    orderGraceMs: 30_000,
  });
});

t.test('background sync: sync_enabled=false or sync_interval 0 turns it off', async (t) => {
  const off = (env: NodeJS.ProcessEnv) => loadSettings(undefined, env).then((settings) => workersFor(t, settings)).then((w) => w.renewer.syncIntervalMs);
  t.equal(await off({ SCMPKI_SYNC_ENABLED: 'false' }), 0);
  t.equal(await off({ SCMPKI_SYNC_INTERVAL: '0' }), 0);
  t.equal(await off({ SCMPKI_SYNC_INTERVAL: '90m' }), 5_400_000);
});

t.test('a bad background setting is refused, naming the setting', async (t) => {
  await t.rejects(loadSettings(undefined, { SCMPKI_COLLECTOR_INTERVAL: 'often' }), /collector_interval: "often" is not a duration/);
  await t.rejects(loadSettings(undefined, { SCMPKI_RENEWER_INTERVAL: '0s' }), /renewer_interval: must be >= 1/);
  await t.rejects(loadSettings(undefined, { SCMPKI_RENEWER_INTERVAL: '30d' }), /renewer_interval: must be <= 2073600/);
  await t.rejects(loadSettings(undefined, { SCMPKI_COLLECTOR_ENABLED: 'maybe' }), /collector_enabled: must be boolean/);
  await t.rejects(loadSettings(undefined, { SCMPKI_RENEWER_ENABLED: 'sometimes' }), /renewer_enabled: must be boolean/);
  await t.rejects(loadSettings(undefined, { SCMPKI_SYNC_INTERVAL: 'daily' }), /sync_interval: "daily" is not a duration/);
  await t.rejects(loadSettings(undefined, { SCMPKI_SYNC_ENABLED: 'yes please' }), /sync_enabled: must be boolean/);
  await t.rejects(loadSettings(undefined, { SCMPKI_ORDER_GRACE: '2d' }), /order_grace: must be <= 86400/);
  await t.rejects(loadSettings(undefined, { SCMPKI_SCM_MAX_CONCURRENCY: '0' }), /scm_max_concurrency: must be >= 1/);
  await t.rejects(loadSettings(undefined, { SCMPKI_SCM_MAX_CONCURRENCY: '2.5' }), /scm_max_concurrency: must be integer/);
});
