import { fileURLToPath } from 'node:url';

/** The checkout's root directory, without a trailing slash. */
export const REPO = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
