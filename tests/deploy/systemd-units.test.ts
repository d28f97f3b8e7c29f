// deploy/systemd: the service and the backup timer pass `systemd-analyze verify`, keep the hardening the README promises, and run what the README's deployment section runs.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'deploy', 'systemd');
const units = ['dslkit.service', 'dslkit-backup.service', 'dslkit-backup.timer'];
const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => fs.existsSync(p));
if (!analyze && process.env.CI) throw new Error('CI needs systemd-analyze (Debian package systemd; .ci/run installs it) to verify deploy/systemd');

/** The settings of a unit file as key -> values (a key may repeat). */
function settings(file: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1], [...(out.get(m[1]) ?? []), m[2]]);
  }
  return out;
}

describe('deploy/systemd units', () => {
  it.skipIf(!analyze)('pass systemd-analyze verify (unknown keys, missing executables and bad values are errors)', () => {
    const run = spawnSync(analyze!, ['verify', '--man=false', ...units.map((u) => path.join(dir, u))], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it.skipIf(!analyze)('rate the service\'s exposure "OK" or better in systemd-analyze security', () => {
    const out = execFileSync(analyze!, ['security', '--offline=true', '--no-pager', path.join(dir, 'dslkit.service')], { encoding: 'utf8' });
    const level = Number(/Overall exposure level for dslkit\.service: ([\d.]+)/.exec(out)?.[1]);
    expect(level).toBeLessThanOrEqual(2.0);
  });

  it('run the production server as its own user, code read-only, database in the state directory', () => {
    const s = settings('dslkit.service');
    expect(s.get('User')).toEqual(['dslkit']);
    expect(s.get('ExecStart')).toEqual(['/usr/bin/node /opt/dslkit/bin/start.mjs']);
    expect(s.get('Environment')).toEqual(expect.arrayContaining(['NODE_ENV=production', 'DSLKIT_DB=/var/lib/dslkit/dslkit.db', 'HOST=127.0.0.1', 'PORT=3000', 'DSLKIT_TRUST_PROXY=1']));
    expect(s.get('ReadOnlyPaths')).toEqual(['/opt/dslkit']);
    expect(s.get('StateDirectory')).toEqual(['dslkit']);
    expect(s.get('ProtectSystem')).toEqual(['strict']);
    expect(s.get('NoNewPrivileges')).toEqual(['true']);
    expect(s.get('KillSignal')).toEqual(['SIGTERM']);
  });

  it('back up nightly with the rotated, verified backup command', () => {
    const s = settings('dslkit-backup.service');
    expect(s.get('ExecStart')).toEqual(['/usr/bin/node /opt/dslkit/bin/dslkit.mjs backup --dir /var/backups/dslkit --keep 14']);
    expect(s.get('User')).toEqual(['dslkit']);
    expect(s.get('ReadWritePaths')).toEqual(['/var/backups/dslkit']);
    expect(settings('dslkit-backup.timer').get('OnCalendar')).toEqual(['*-*-* 02:00:00']);
  });
});
