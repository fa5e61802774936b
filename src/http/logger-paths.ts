/**
 * sys/loggers, as Vault's: read the level of every named logger (or one),
 * set it at run time, and DELETE to go back to the level the server started
 * with. Changes last until the server stops. Root-protected as in Vault
 * (auth/enforce-policies.ts asks for `sudo`): debug output shows what the
 * server does with every certificate.
 */
import { NotFoundError, UserError } from '../errors.js';
import { definePath, type PathDefinition } from '../framework/path.js';
import { LOGGER_NAMES, RUNTIME_LOG_LEVELS, type LoggerName, type Loggers } from '../logging.js';

const level = {
  type: 'string',
  enum: [...RUNTIME_LOG_LEVELS],
  description: `Log level: ${RUNTIME_LOG_LEVELS.join(', ')} (most detailed first)`,
} as const;

function loggerName(loggers: Loggers, name: string): LoggerName {
  if (!loggers.isName(name)) throw new UserError(`name: no logger "${name}" (loggers: ${LOGGER_NAMES.join(', ')})`);
  return name;
}

const allLoggers = definePath<Loggers>({
  pattern: '',
  synopsis: 'Log levels of every logger; set or reset them all',
  help: [
    `Read: the level of each logger (${LOGGER_NAMES.join(', ')}). Write \`{"level": "debug"}\` sets them all;`,
    'delete puts each back to the level the server started with (`log_level`, `-log-level`). Needs `sudo`.',
  ].join(' '),
  fields: { level },
  required: ['level'],
  operations: {
    read: async (_req, loggers) => ({ data: loggers.levels() }),
    update: async ({ data }, loggers) => loggers.setLevel(data.level as string),
    delete: async (_req, loggers) => loggers.setLevel(undefined),
  },
});

const oneLogger = definePath<Loggers>({
  pattern: ':name',
  synopsis: 'Log level of one logger; set or reset it',
  help: 'Read, set (`{"level": "trace"}`) or reset (delete) the level of one logger. Needs `sudo`.',
  fields: { level },
  required: ['level'],
  operations: {
    read: async ({ params }, loggers) => {
      if (!loggers.isName(params.name!)) throw new NotFoundError(`no logger "${params.name}" (loggers: ${LOGGER_NAMES.join(', ')})`);
      const name = params.name;
      return { data: { [name]: loggers.get(name).level } };
    },
    update: async ({ params, data }, loggers) => loggers.setLevel(data.level as string, loggerName(loggers, params.name!)),
    delete: async ({ params }, loggers) => loggers.setLevel(undefined, loggerName(loggers, params.name!)),
  },
});

export const loggerPaths: PathDefinition<Loggers>[] = [allLoggers, oneLogger];
