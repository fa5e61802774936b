/**
 * The enabled audit devices and the rule that binds them (Vault's audit
 * broker): an entry counts as logged when at least one device wrote it;
 * when devices are enabled and none could, the caller must refuse the
 * request (AuditFailure). With no device enabled nothing is logged and
 * nothing is refused.
 */
import { UserError } from '../errors.js';
import { parseGoBool } from '../framework/go-values.js';
import { AuditFile, AuditFileError } from './audit-file.js';
import { AuditDeviceStore, type StoredAuditDevice } from './device-store.js';
import { requestEntry, responseEntry, type AuditedRequest, type AuditedResponse } from './entry.js';
import { hmacOf, newSalt, type HashOptions } from './hmac.js';

export interface AuditLogger {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** No enabled device could write the entry. The message names the devices and why, never a file path. */
export class AuditFailure extends Error {
  constructor(reasons: string[]) {
    super(`audit log failure: no audit device could record the request, so it was refused (${reasons.join('; ')})`);
    this.name = 'AuditFailure';
  }
}

interface Device {
  stored: StoredAuditDevice;
  hash: HashOptions;
  file: AuditFile;
}

export interface EnableRequest {
  type: string;
  description?: string;
  options: Record<string, unknown>;
}

const KNOWN_OPTIONS = new Set(['file_path', 'mode', 'hmac_accessor', 'format']);

function parseMode(text: string): number {
  if (!/^0?[0-7]{3,4}$/.test(text)) throw new UserError(`options.mode: "${text}" is not an octal file mode such as "0600"`);
  const mode = parseInt(text, 8);
  if (mode & 0o111) throw new UserError(`options.mode: "${text}" has execute bits; an audit file is never executable`);
  return mode;
}

function deviceOf(stored: StoredAuditDevice): Device {
  return {
    stored,
    hash: { salt: stored.salt, hmacAccessor: parseGoBool(stored.options.hmac_accessor ?? 'true') ?? true },
    file: new AuditFile(stored.options.file_path!, parseMode(stored.options.mode ?? '0600')),
  };
}

/** Checks an enable request and turns its options into Vault's strings. */
function checkedOptions(request: EnableRequest): Record<string, string> {
  if (request.type !== 'file') throw new UserError(`type: "${request.type}" is not supported; scmpki has the "file" audit device`);
  const options: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      const hint = key === 'log_raw' ? ' (scmpki never logs secrets in clear)' : '';
      throw new UserError(`options.${key}: not an option of the file audit device${hint}`);
    }
    options[key] = String(value);
  }
  const filePath = options.file_path;
  if (!filePath) throw new UserError('options.file_path: is required');
  if (filePath === 'stdout' || filePath === 'discard') {
    throw new UserError(`options.file_path: "${filePath}" is not supported; give the path of a file`);
  }
  if (!filePath.startsWith('/')) throw new UserError('options.file_path: must be an absolute path');
  if (options.format !== undefined && options.format !== 'json') throw new UserError(`options.format: "${options.format}" is not supported; use json`);
  if (options.hmac_accessor !== undefined && parseGoBool(options.hmac_accessor) === undefined) {
    throw new UserError(`options.hmac_accessor: "${options.hmac_accessor}" is not a boolean`);
  }
  parseMode(options.mode ?? '0600');
  return options;
}

export class AuditBroker {
  private readonly devices = new Map<string, Device>();

  private constructor(
    private readonly store: AuditDeviceStore,
    private readonly logger: AuditLogger,
  ) {}

  /** The devices enabled in storage, each with its file opened (a file that cannot be opened refuses requests until it can). */
  static async open(store: AuditDeviceStore, logger: AuditLogger): Promise<AuditBroker> {
    const broker = new AuditBroker(store, logger);
    for (const stored of await store.all()) {
      const device = deviceOf(stored);
      broker.devices.set(stored.name, device);
      await device.file.ensureOpen().catch((err: Error) =>
        logger.error({ audit_device: stored.name, err: err.message }, 'audit device cannot open its file: requests are refused until it can'),
      );
    }
    return broker;
  }

  get enabled(): boolean {
    return this.devices.size > 0;
  }

  async logRequest(req: AuditedRequest, error?: string): Promise<void> {
    const time = new Date();
    await this.writeAll((device) => requestEntry(req, device.hash, time, error));
  }

  async logResponse(req: AuditedRequest, res: AuditedResponse): Promise<void> {
    const time = new Date();
    await this.writeAll((device) => responseEntry(req, res, device.hash, time));
  }

  private async writeAll(entryFor: (device: Device) => object): Promise<void> {
    const devices = [...this.devices.values()];
    if (devices.length === 0) return;
    const results = await Promise.allSettled(devices.map((device) => device.file.write(`${JSON.stringify(entryFor(device))}\n`)));
    const failures = results.flatMap((result, index) => (result.status === 'rejected' ? [{ device: devices[index]!, err: result.reason as Error }] : []));
    for (const { device, err } of failures) {
      this.logger.error({ audit_device: device.stored.name, err: err.message }, 'audit device failed to write an entry');
    }
    if (failures.length === devices.length) {
      throw new AuditFailure(failures.map(({ device, err }) => `${device.stored.name}: ${err instanceof AuditFileError ? err.reason : 'write failed'}`));
    }
  }

  async enable(name: string, request: EnableRequest): Promise<void> {
    if (this.devices.has(name)) throw new UserError(`path: an audit device is already enabled at "${name}/"`);
    const stored: StoredAuditDevice = {
      name,
      type: 'file',
      description: request.description ?? '',
      options: checkedOptions(request),
      salt: newSalt(),
      enabled_at: new Date().toISOString(),
    };
    const device = deviceOf(stored);
    try {
      await device.file.ensureOpen();
    } catch (err) {
      throw new UserError(`options.file_path: ${err instanceof AuditFileError ? err.reason : (err as Error).message}`);
    }
    try {
      await this.store.put(stored);
    } catch (err) {
      await device.file.close();
      throw err;
    }
    this.devices.set(name, device);
  }

  /** Disabling a device that is not enabled is not an error, as in Vault. */
  async disable(name: string): Promise<void> {
    const device = this.devices.get(name);
    await this.store.delete(name);
    if (!device) return;
    this.devices.delete(name);
    await device.file.close();
  }

  /** As `GET sys/audit` shows them, keyed `<name>/`. */
  list(): Record<string, Record<string, unknown>> {
    const listed: Record<string, Record<string, unknown>> = {};
    for (const { stored } of [...this.devices.values()].sort((a, b) => a.stored.name.localeCompare(b.stored.name))) {
      listed[`${stored.name}/`] = { type: stored.type, description: stored.description, options: stored.options, local: false, path: `${stored.name}/` };
    }
    return listed;
  }

  /** `input` hashed as device `name` hashes it; undefined when no such device is enabled. */
  hash(name: string, input: string): string | undefined {
    const device = this.devices.get(name);
    return device && hmacOf(device.hash.salt, input);
  }

  /** SIGHUP: every file closed and opened again; a file that cannot be opened is reported, and retried at the next write. */
  async reopen(): Promise<void> {
    await Promise.all(
      [...this.devices.values()].map((device) =>
        device.file.reopen().catch((err: Error) => this.logger.error({ audit_device: device.stored.name, err: err.message }, 'audit device cannot reopen its file')),
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.devices.values()].map((device) => device.file.close()));
  }
}
