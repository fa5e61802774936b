/**
 * Replacing a set of files so that no reader ever sees a half-written one:
 * every new content goes to a temp file in the target's own directory (same
 * filesystem, so rename is atomic), is fsynced, and only when ALL temps are
 * safely on disk are they renamed over the targets, in the caller's order;
 * then each directory is fsynced so the renames survive a power cut.
 *
 * Two renames are still two moments, so the order matters. The agent renames
 * the key first: it is the file most likely to be refused (a stricter
 * directory, another owner), and when the first rename fails nothing has
 * changed and the old pair is still consistent. Services only read the files
 * at their reload, which runs after the last rename. If the process dies
 * between two renames, the next cycle compares contents, finds the files
 * that still differ and finishes the job. A renewal that keeps the key (SCM
 * renews with the same CSR) leaves key.pem untouched: no window at all.
 */
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface DesiredFile {
  path: string;
  content: string | Buffer;
  mode: number;
  owner?: { uid: number; gid: number };
  /**
   * For content whose bytes differ on every build (a PKCS#12's salts and IVs
   * are random): a digest of what went into it. The file counts as current
   * when it exists and the digest recorded beside it (`.<name>.fingerprint`,
   * written after the rename) is this one.
   */
  fingerprint?: string;
}

/**
 * Writes the files whose content differs from what is on disk and returns
 * their paths (empty when nothing changed; nothing is then written at all).
 * A file whose content is right but whose mode is not gets its mode fixed in
 * place: a key left world-readable by hand is not a content change, but it is
 * not left that way either.
 */
export async function replaceChangedFiles(files: DesiredFile[]): Promise<string[]> {
  const changed: DesiredFile[] = [];
  for (const file of files) {
    if (await isCurrent(file)) await ensureMode(file);
    else changed.push(file);
  }
  if (changed.length === 0) return [];

  // A directory that does not exist yet is made (0755, like `install -d`); the files keep their own modes.
  for (const dir of new Set(changed.map((file) => dirname(file.path)))) await mkdir(dir, { recursive: true, mode: 0o755 });
  const temps: string[] = [];
  let renamed = 0;
  try {
    for (const file of changed) temps.push(await writeTemp(file));
    for (const file of changed) {
      await rename(temps[renamed], file.path);
      renamed += 1;
    }
  } catch (err) {
    await Promise.all(temps.slice(renamed).map((temp) => unlink(temp).catch(() => {})));
    throw err;
  }
  for (const dir of new Set(changed.map((file) => dirname(file.path)))) await fsyncDirectory(dir);
  // Written last: a crash before this only makes the next cycle write the file again.
  for (const file of changed) if (file.fingerprint !== undefined) await writeFile(fingerprintPath(file), file.fingerprint, { mode: 0o600 });
  return changed.map((file) => file.path);
}

async function isCurrent(file: DesiredFile): Promise<boolean> {
  if (file.fingerprint === undefined) return (await readIfExists(file.path)) === file.content;
  return (await readIfExists(fingerprintPath(file))) === file.fingerprint && (await readIfExists(file.path, null)) !== undefined;
}

function fingerprintPath(file: DesiredFile): string {
  return join(dirname(file.path), `.${basename(file.path)}.fingerprint`);
}

async function writeTemp(file: DesiredFile): Promise<string> {
  const temp = join(dirname(file.path), `.${basename(file.path)}.${randomBytes(6).toString('hex')}.tmp`);
  // Created with the final mode so a private key is never readable by others, not even for a moment.
  const handle = await open(temp, 'wx', file.mode);
  try {
    await handle.writeFile(file.content);
    // open()'s mode is filtered by the umask; chmod sets exactly what was asked for.
    await handle.chmod(file.mode);
    if (file.owner) await handle.chown(file.owner.uid, file.owner.gid);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(temp).catch(() => {});
    throw err;
  }
  await handle.close();
  return temp;
}

async function ensureMode(file: DesiredFile): Promise<void> {
  const info = await stat(file.path);
  if ((info.mode & 0o777) !== file.mode) await chmod(file.path, file.mode);
  if (file.owner && (info.uid !== file.owner.uid || info.gid !== file.owner.gid)) {
    await chown(file.path, file.owner.uid, file.owner.gid);
  }
}

async function readIfExists(path: string, encoding: BufferEncoding | null = 'utf8'): Promise<string | Buffer | undefined> {
  try {
    return await readFile(path, { encoding });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
