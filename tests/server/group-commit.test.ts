// Group commit on a real SQLite file: one commit per burst, a refused write rolled back alone, nothing acknowledged before it is committed, a failed commit refuses the whole batch.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { GroupCommit } from '../../server/storage/group-commit';
import { tempDir } from '../helpers/temp';

const temp = tempDir('dslkit-group-commit-');
afterAll(() => temp.cleanup());

/** A WAL database with a parent/child pair whose foreign key is only checked at COMMIT; every statement SQLite runs is logged. */
function openLogged(name: string): { db: Database.Database; statements: string[]; file: string } {
  const file = path.join(temp.dir, name);
  const statements: string[] = [];
  const db = new Database(file, { verbose: (sql) => statements.push(String(sql)) });
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
    CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED, label TEXT NOT NULL);
    INSERT INTO parent (id) VALUES (1);`);
  statements.length = 0;
  return { db, statements, file };
}

const insertChild = (db: Database.Database, label: string, parent = 1) => () =>
  Number(db.prepare('INSERT INTO child (parent_id, label) VALUES (?, ?)').run(parent, label).lastInsertRowid);

describe('GroupCommit', () => {
  it('runs writes queued in one turn of the event loop in one transaction, and each caller gets its own result', async () => {
    const { db, statements } = openLogged('burst.db');
    const writes = new GroupCommit(db);
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => writes.run(insertChild(db, `w${i}`))));
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(statements.filter((s) => /^BEGIN/i.test(s))).toHaveLength(1);
    expect(statements.filter((s) => /^COMMIT/i.test(s))).toHaveLength(1);
    db.close();
  });

  it('a write that throws is rolled back alone; the others in its batch are committed', async () => {
    const { db } = openLogged('partial.db');
    const writes = new GroupCommit(db);
    const refused = () => { insertChild(db, 'half-written')(); throw new Error('refused after writing'); };
    const results = await Promise.allSettled([writes.run(insertChild(db, 'a')), writes.run(refused), writes.run(insertChild(db, 'b'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toHaveProperty('message', 'refused after writing');
    expect(db.prepare('SELECT label FROM child ORDER BY id').all()).toEqual([{ label: 'a' }, { label: 'b' }]);
    db.close();
  });

  it('settles only after COMMIT: another connection already sees the row when the promise resolves', async () => {
    const { db, file } = openLogged('visible.db');
    const reader = new Database(file, { readonly: true });
    const writes = new GroupCommit(db);
    const pending = writes.run(insertChild(db, 'seen'));
    expect(reader.prepare('SELECT count(*) AS n FROM child').get()).toEqual({ n: 0 }); // queued, not yet run
    await pending;
    expect(reader.prepare('SELECT label FROM child').all()).toEqual([{ label: 'seen' }]);
    reader.close();
    db.close();
  });

  it('when the COMMIT fails every caller in the batch is refused and nothing is written', async () => {
    const { db } = openLogged('failed-commit.db');
    const writes = new GroupCommit(db);
    // parent 99 does not exist: a deferred foreign key fails at COMMIT, after every savepoint succeeded
    const results = await Promise.allSettled([writes.run(insertChild(db, 'ok')), writes.run(insertChild(db, 'orphan', 99))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(db.inTransaction).toBe(false);
    expect(db.prepare('SELECT count(*) AS n FROM child').get()).toEqual({ n: 0 });
    // and the queue keeps working afterwards
    expect(await writes.run(insertChild(db, 'after'))).toBeGreaterThan(0);
    db.close();
  });

  it('with a least interval between commits, writes from separate turns of the event loop share the next commit', async () => {
    const { db, statements } = openLogged('interval.db');
    const writes = new GroupCommit(db, 256, 40);
    await writes.run(insertChild(db, 'first')); // commits at once: nothing committed before
    const later: Promise<number>[] = [];
    for (let i = 0; i < 3; i++) {
      later.push(writes.run(insertChild(db, `turn-${i}`)));
      await new Promise((r) => setImmediate(r)); // a separate turn each
    }
    await Promise.all(later);
    expect(statements.filter((s) => /^COMMIT/i.test(s))).toHaveLength(2);
    expect(db.prepare('SELECT count(*) AS n FROM child').get()).toEqual({ n: 4 });
    db.close();
  });

  it('splits a queue longer than the batch limit over several commits', async () => {
    const { db, statements } = openLogged('limit.db');
    const writes = new GroupCommit(db, 4);
    await Promise.all(Array.from({ length: 10 }, (_, i) => writes.run(insertChild(db, `w${i}`))));
    expect(statements.filter((s) => /^COMMIT/i.test(s))).toHaveLength(3);
    expect(db.prepare('SELECT count(*) AS n FROM child').get()).toEqual({ n: 10 });
    db.close();
  });
});
