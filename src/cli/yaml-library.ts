/** The `yaml` package, loaded on first use: most CLI runs print a table or JSON and read no YAML. */
import type * as Yaml from 'yaml';
import { lazyModule } from '../lazy-module.js';

export const yaml = lazyModule<typeof Yaml>('yaml');
