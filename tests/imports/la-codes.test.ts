// LA codes are validated at import (issue #10: "../../../tmp/pwn" was accepted and then blocked `publish --all`): 3-digit DfE codes (350 Bolton) or 9-character ONS codes (E08000001), refused with file, line and column otherwise.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { openDatabase } from '../../server/storage/db';
import { captureIo, tempDir } from '../helpers/temp';
import { isLaCode } from '../../server/domain/imports/la-code';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => { dir = tempDir(); });
afterEach(() => dir.cleanup());

async function cli(...args: string[]) {
  const c = captureIo();
  const code = await runCli(args, c.io, { DSLKIT_DB: path.join(dir.dir, 'cli.db'), DSLKIT_SECRET_FILE: path.join(dir.dir, 'secret.key') }, () => new Date('2026-03-02T09:00:00Z'));
  return { code, out: c.out(), err: c.err() };
}

const header = 'URN,EstablishmentName,LA (code),LA (name)';

describe('LA codes at import', () => {
  it('accepts DfE 3-digit codes and ONS codes; refuses anything else', () => {
    for (const ok of ['350', '300', '999', 'E08000001', 'E06000008', 'W06000015']) expect(isLaCode(ok), ok).toBe(true);
    for (const bad of ['../../../tmp/pwn', '35', '3500', 'E0800001', 'e08000001', 'Bolton', '350 ', '35O', '/350', '350/..', '']) expect(isLaCode(bad), bad).toBe(false);
  });

  it('dslkit import schools refuses a path as an LA code with file, line and column, and stores nothing', async () => {
    const file = path.join(dir.dir, 'schools.csv');
    fs.writeFileSync(file, `${header}\n100001,School A,350,Bolton\n100002,School B,../../../tmp/pwn,Pwn\n`);
    const r = await cli('import', 'schools', file);
    expect(r.code).toBe(1);
    expect(r.err).toBe('schools.csv: line 3: LA (code) "../../../tmp/pwn" is not an LA code (3 digits, e.g. 350 for Bolton, or an ONS code such as E08000001)\n');
    const db = openDatabase(path.join(dir.dir, 'cli.db'));
    expect(db.prepare('SELECT count(*) AS n FROM schools').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM local_authorities').get()).toEqual({ n: 0 });
    db.close();
  });

  it('imports the GIAS sample (3-digit codes) and an ONS-coded file', async () => {
    const sample = path.join(import.meta.dirname, '../fixtures/randomisation/schools-gias-sample.csv');
    expect((await cli('import', 'schools', sample)).code).toBe(0);
    const ons = path.join(dir.dir, 'ons.csv');
    fs.writeFileSync(ons, `${header}\n900001,School O,E08000001,Bolton\n`);
    expect((await cli('import', 'schools', ons)).code).toBe(0);
  });
});
