/**
 * The file device's file: opened for append, written one JSON line per
 * entry, reopened on SIGHUP so logrotate can move it away (Vault's file
 * device does the same and leaves rotation to existing tools).
 *
 * A write resolves only once the line is handed to the kernel: the caller
 * refuses the request when it rejects (fail closed). A file that could not
 * be opened is tried again at the next write, so fixing its permissions
 * brings the server back without a signal.
 *
 * A file with no write bit at all is refused even when the server runs as
 * root (which the kernel would let write): making an audit log read-only is
 * how an operator freezes it (an archive, a legal hold), and appending to it
 * anyway would be the server overruling them.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';

export class AuditFileError extends Error {
  constructor(
    /** Without the file's path: this part reaches the client. */
    readonly reason: string,
    readonly path: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'AuditFileError';
  }
}

export class AuditFile {
  private handle: FileHandle | undefined;
  private opening: Promise<FileHandle> | undefined;

  /** `mode` as chmod takes it; 0 leaves an existing file's mode alone (Vault's "0000"). */
  constructor(
    readonly path: string,
    readonly mode: number,
  ) {}

  async write(line: string): Promise<void> {
    const handle = this.handle ?? (await this.openOnce());
    const bytes = Buffer.from(line, 'utf8');
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, null).catch((err: NodeJS.ErrnoException) => {
        throw new AuditFileError(`write failed (${err.code ?? err.message})`, this.path);
      });
      offset += bytesWritten;
    }
  }

  /** Opens the file if it is not open: enabling a device checks its file this way. */
  async ensureOpen(): Promise<void> {
    if (!this.handle) await this.openOnce();
  }

  /**
   * Closes and opens the file again (after a rotation). Writes already under
   * way finish on the old file: FileHandle.close waits for them.
   */
  async reopen(): Promise<void> {
    const old = this.handle;
    this.handle = undefined;
    try {
      await this.openOnce();
    } finally {
      await old?.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
  }

  private openOnce(): Promise<FileHandle> {
    this.opening ??= openForAppend(this.path, this.mode)
      .then((handle) => (this.handle = handle))
      .finally(() => (this.opening = undefined));
    return this.opening;
  }
}

async function openForAppend(path: string, mode: number): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'a', mode === 0 ? 0o600 : mode);
  } catch (err) {
    // Not root, the kernel refuses a read-only file before we can look: say so as we do for root.
    const existing = await stat(path).catch(() => undefined);
    if (existing && isReadOnly(existing.mode)) throw readOnly(existing.mode, path);
    throw new AuditFileError(`cannot open the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, path);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new AuditFileError('not a regular file', path);
    if (isReadOnly(info.mode)) throw readOnly(info.mode, path);
    if (mode !== 0 && (info.mode & 0o777) !== mode) await handle.chmod(mode);
    return handle;
  } catch (err) {
    await handle.close();
    if (err instanceof AuditFileError) throw err;
    throw new AuditFileError(`cannot prepare the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, path);
  }
}

function isReadOnly(mode: number): boolean {
  return (mode & 0o222) === 0;
}

function readOnly(mode: number, path: string): AuditFileError {
  return new AuditFileError(`the file is read-only (mode ${(mode & 0o777).toString(8).padStart(4, '0')})`, path);
}
