/**
 * Enabled audit devices, sealed in storage (layout.ts `audit/device/<name>`):
 * the salt is what keeps the log's hashes from being tested against guesses,
 * so it lives behind the barrier with the tokens it protects.
 */
import { layout } from '../storage/layout.js';
import type { Storage } from '../storage/storage.js';

export interface StoredAuditDevice {
  name: string;
  type: 'file';
  description: string;
  /** As Vault shows them: strings (`file_path`, `mode`, `hmac_accessor`). */
  options: Record<string, string>;
  /** Base64; the HMAC key of this device. */
  salt: string;
  /** RFC 3339. */
  enabled_at: string;
}

export class AuditDeviceStore {
  constructor(private readonly storage: Storage) {}

  async all(): Promise<StoredAuditDevice[]> {
    const names = await this.storage.list(layout.auditDevices);
    const devices = await Promise.all(names.map((name) => this.storage.get<StoredAuditDevice>(layout.auditDevice(name))));
    return devices.filter((device): device is StoredAuditDevice => device !== undefined);
  }

  put(device: StoredAuditDevice): Promise<void> {
    return this.storage.put(layout.auditDevice(device.name), device);
  }

  delete(name: string): Promise<void> {
    return this.storage.delete(layout.auditDevice(name));
  }
}
