/**
 * A package loaded on first use instead of at start: the server and the CLI
 * start without what a run may never need (axios until the first SCM call,
 * @peculiar/x509 until the first certificate, yaml until the first YAML).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `name` (after the packages in `first`, which it needs loaded before it) the first time the getter is called. */
export function lazyModule<T>(name: string, first: readonly string[] = []): () => T {
  let loaded: T | undefined;
  return () => {
    if (loaded === undefined) {
      for (const dependency of first) require(dependency);
      loaded = require(name) as T;
    }
    return loaded;
  };
}
