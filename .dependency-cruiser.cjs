/**
 * The layering rules of docs/architecture.md, checked by
 * test/architecture.test.ts (and `npx depcruise src`). Type-only imports
 * count: a type is a dependency too.
 */
const DOMAIN = '^src/(lifecycle|pki|scm|storage|cluster)/';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Modules that import each other cannot be read, tested or replaced one at a time.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'domain-knows-no-edge',
      severity: 'error',
      comment: 'lifecycle, pki, scm, storage and cluster know nothing of HTTP, the path framework, the engine paths (Sectigo and PKI), the CLI, the server wiring, the audit trail or the metrics registry (the lifecycle reports through its own LifecycleTelemetry).',
      from: { path: DOMAIN },
      to: { path: '^src/(framework|http|engine|vault-pki|cli|server|auth|audit|metrics)/' },
    },
    {
      name: 'framework-knows-no-http',
      severity: 'error',
      comment: 'The path framework is used by the HTTP layer, not the other way round.',
      from: { path: '^src/framework/' },
      to: { path: '^src/(http|engine|vault-pki|server|cli|audit)/' },
    },
    {
      name: 'engine-knows-no-server',
      severity: 'error',
      comment: 'Path handlers get a finished context; wiring lives in server/.',
      from: { path: '^src/(engine|vault-pki|http|auth)/' },
      to: { path: '^src/(server|cli)/' },
    },
    {
      name: 'audit-knows-no-http',
      severity: 'error',
      comment: 'The audit trail (devices, hashing, its sys paths) is used by the HTTP middleware and wired by server/; it sees requests as plain data and touches no engine or lifecycle code.',
      from: { path: '^src/audit/' },
      to: { path: '^src/(http|engine|lifecycle|server|cli)/' },
    },
    {
      name: 'metrics-knows-no-edge',
      severity: 'error',
      comment: 'The metrics registry is fed by the domain and the HTTP layer and wired by server/; it reads domain types only.',
      from: { path: '^src/metrics/' },
      to: { path: '^src/(framework|http|engine|cli|server|auth|audit)/' },
    },
    {
      name: 'simulator-stands-alone',
      severity: 'error',
      comment: 'The SCM simulator is started by the CLI and by tests; it does not use the CLI.',
      from: { path: '^src/simulator/' },
      to: { path: '^src/(cli|server|engine|http|lifecycle|audit)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
