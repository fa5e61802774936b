import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { t } from '../../helpers/suite.js';
import { replaceChangedFiles } from '../../../src/cli/agent/atomic-files.js';
import { tempDir } from '../../helpers/temp-dir.js';

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

t.test('new files get exactly the asked mode, whatever the umask', async (t) => {
  const dir = await tempDir(t, 'agent-files');
  const previous = process.umask(0o077);
  t.teardown(() => process.umask(previous));
  const written = await replaceChangedFiles([
    { path: join(dir, 'key.pem'), content: 'KEY\n', mode: 0o600 },
    { path: join(dir, 'cert.pem'), content: 'CERT\n', mode: 0o644 },
  ]);
  t.same(written, [join(dir, 'key.pem'), join(dir, 'cert.pem')]);
  t.equal(await modeOf(join(dir, 'key.pem')), 0o600);
  t.equal(await modeOf(join(dir, 'cert.pem')), 0o644);
  t.equal(await readFile(join(dir, 'cert.pem'), 'utf8'), 'CERT\n');
  t.same((await readdir(dir)).sort(), ['cert.pem', 'key.pem'], 'no temp files left behind');
});

t.test('a directory that does not exist yet is made', async (t) => {
  const dir = join(await tempDir(t, 'agent-files'), 'tls', 'www');
  const written = await replaceChangedFiles([{ path: join(dir, 'key.pem'), content: 'KEY\n', mode: 0o600 }]);
  t.same(written, [join(dir, 'key.pem')]);
  t.equal(await modeOf(dir), 0o755 & ~process.umask());
  t.equal(await modeOf(join(dir, 'key.pem')), 0o600);
});

t.test('only changed files are replaced; unchanged ones keep their inode and mtime', async (t) => {
  const dir = await tempDir(t, 'agent-files');
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  await replaceChangedFiles([
    { path: key, content: 'KEY\n', mode: 0o600 },
    { path: cert, content: 'OLD\n', mode: 0o644 },
  ]);
  const keyBefore = await stat(key);
  const certBefore = await stat(cert);

  t.same(await replaceChangedFiles([
    { path: key, content: 'KEY\n', mode: 0o600 },
    { path: cert, content: 'OLD\n', mode: 0o644 },
  ]), [], 'nothing changed, nothing written');
  t.same(await replaceChangedFiles([
    { path: key, content: 'KEY\n', mode: 0o600 },
    { path: cert, content: 'NEW\n', mode: 0o644 },
  ]), [cert]);
  const keyAfter = await stat(key);
  t.equal(keyAfter.ino, keyBefore.ino);
  t.equal(keyAfter.mtimeMs, keyBefore.mtimeMs);
  t.not((await stat(cert)).ino, certBefore.ino, 'the certificate was renamed into place, not rewritten in place');
});

t.test('a key loosened by hand is tightened again without counting as a change', async (t) => {
  const dir = await tempDir(t, 'agent-files');
  const key = join(dir, 'key.pem');
  await replaceChangedFiles([{ path: key, content: 'KEY\n', mode: 0o600 }]);
  await chmod(key, 0o644);
  t.same(await replaceChangedFiles([{ path: key, content: 'KEY\n', mode: 0o600 }]), []);
  t.equal(await modeOf(key), 0o600);
});

t.test('when one file cannot be written, none is replaced and no temp file stays', async (t) => {
  const dir = await tempDir(t, 'agent-files');
  const key = join(dir, 'key.pem');
  await writeFile(key, 'OLD KEY\n', { mode: 0o600 });
  await t.rejects(
    replaceChangedFiles([
      { path: key, content: 'NEW KEY\n', mode: 0o600 },
      // A name the file system takes but whose temp file's longer name it refuses.
      { path: join(dir, `${'c'.repeat(250)}.pem`), content: 'CERT\n', mode: 0o644 },
    ]),
    { code: 'ENAMETOOLONG' },
  );
  t.equal(await readFile(key, 'utf8'), 'OLD KEY\n', 'the old key is untouched');
  t.same(await readdir(dir), ['key.pem']);
});

t.test('a refused rename leaves the remaining targets untouched and removes their temps', async (t) => {
  const dir = await tempDir(t, 'agent-files');
  const key = join(dir, 'key.pem');
  const blocked = join(dir, 'cert.pem');
  await writeFile(key, 'OLD KEY\n', { mode: 0o600 });
  // A directory where the certificate should go: the temp is written, the rename over it fails.
  await mkdir(blocked);
  await writeFile(join(blocked, 'keep'), 'x');
  const chain = join(dir, 'chain.pem');
  await writeFile(chain, 'OLD CHAIN\n');
  await t.rejects(
    replaceChangedFiles([
      { path: key, content: 'NEW KEY\n', mode: 0o600 },
      { path: blocked, content: 'CERT\n', mode: 0o644 },
      { path: chain, content: 'NEW CHAIN\n', mode: 0o644 },
    ]),
  );
  t.equal(await readFile(chain, 'utf8'), 'OLD CHAIN\n', 'files after the failed one are not replaced');
  t.same((await readdir(dir)).sort(), ['cert.pem', 'chain.pem', 'key.pem'], 'no temp files left behind');
});
