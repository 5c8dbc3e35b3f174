/**
 * Where the embedded cluster goes as root when the postgres user cannot enter DATA_DIR, and the
 * one line said when it truly cannot go anywhere. Real directories, tried as the real postgres user.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StartupError } from '../errors.js';
import { placeCluster, type Owner } from './cluster-dir.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A directory like root's home or `mktemp -d`: mode 0700, owned by root. */
function privateDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'pp-cluster-'));
  dirs.push(d);
  return d;
}

function postgresUser(): Owner {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function failure(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(StartupError);
    return (err as Error).message;
  }
  throw new Error('placeCluster did not refuse');
}

describe.runIf(process.getuid?.() === 0)('cluster directory as root', () => {
  const owner = postgresUser();

  it('stays in DATA_DIR when postgres can enter it, goes to the cluster root (linked) when it cannot', () => {
    const open = privateDir();
    chmodSync(open, 0o755);
    mkdirSync(path.join(open, 'data'));
    expect(placeCluster(path.join(open, 'data', 'postgres'), owner, path.join(open, 'unused'))).toEqual({ dir: path.join(open, 'data', 'postgres') });

    const home = privateDir();
    mkdirSync(path.join(home, 'data'));
    const clusterRoot = path.join(open, 'clusters');
    const link = path.join(home, 'data', 'postgres');
    const place = placeCluster(link, owner, clusterRoot);
    expect(path.dirname(place.dir)).toBe(clusterRoot);
    expect(place.elsewhere).toBe(`the system user postgres cannot enter ${home}`);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(place.dir);
    // The next start follows the link, and says nothing more.
    expect(placeCluster(link, owner, clusterRoot)).toEqual({ dir: place.dir });
  });

  it('one line naming the directory, the reason and the fix when the cluster root cannot be made', () => {
    const home = privateDir();
    mkdirSync(path.join(home, 'data'));
    const file = path.join(privateDir(), 'a-file');
    writeFileSync(file, '');
    const message = failure(() => placeCluster(path.join(home, 'data', 'postgres'), owner, path.join(file, 'clusters')));
    expect(message).not.toContain('\n');
    expect(message).toMatch(new RegExp(`^embedded PostgreSQL: cannot create ${file}/clusters for the database \\(ENOTDIR.*\\), needed because the system user postgres cannot enter ${home} \\(mode 0700\\); create it`));
  });

  it('one line when postgres can enter neither DATA_DIR nor the cluster root', () => {
    const home = privateDir();
    mkdirSync(path.join(home, 'data'));
    const closed = privateDir();
    const message = failure(() => placeCluster(path.join(home, 'data', 'postgres'), owner, path.join(closed, 'clusters')));
    expect(message).not.toContain('\n');
    expect(message).toBe(
      `embedded PostgreSQL: the system user postgres can enter neither ${home} (mode 0700), on the way to DATA_DIR, nor ${closed} (mode 0700), on the way to ${closed}/clusters; let it enter one of them (chmod o+x), or set DATABASE_URL`,
    );
  });

  it('one line when a cluster already inside DATA_DIR became unreachable', () => {
    const home = privateDir();
    mkdirSync(path.join(home, 'data', 'postgres'), { recursive: true });
    const clusterRoot = path.join(privateDir(), 'clusters');
    const message = failure(() => placeCluster(path.join(home, 'data', 'postgres'), owner, clusterRoot));
    expect(message).toBe(
      `embedded PostgreSQL: the system user postgres cannot enter ${home} (mode 0700), on the way to the database in ${home}/data/postgres; move that directory into ${clusterRoot}/ and leave a symlink to it, or set DATA_DIR to a directory postgres can enter`,
    );
  });
});
