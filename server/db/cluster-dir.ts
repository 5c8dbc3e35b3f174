/**
 * Where the embedded PostgreSQL keeps its cluster. As root, PostgreSQL runs as the system user
 * `postgres`, which must enter every directory above the cluster. A DATA_DIR under root's home
 * (mode 0700) or a `mktemp -d` is out of its reach: the cluster then lives under a directory of
 * its own (/var/lib/pingpage/<hash of DATA_DIR>, owned by `postgres`) and DATA_DIR/postgres is a
 * symlink to it. The user's own directories are never loosened.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readlinkSync, realpathSync, renameSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { StartupError } from '../errors.js';

/** The user PostgreSQL runs as when PingPage runs as root. */
export interface Owner {
  uid: number;
  gid: number;
}

export const DEFAULT_CLUSTER_ROOT = '/var/lib/pingpage';

export interface ClusterPlace {
  /** The directory PostgreSQL is started on (`-D`): `link` itself, or where `link` points. */
  dir: string;
  /** Set when the cluster lives outside DATA_DIR: why, for the first-run output. */
  elsewhere?: string;
}

/** Whether `owner` can enter `dir` (and so every directory above it), tried as that user. */
function canEnter(dir: string, owner: Owner): boolean {
  try {
    execFileSync('sh', ['-c', 'cd -- "$1"', 'sh', dir], { ...owner, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The first directory from the top on the way to `dir` that `owner` cannot enter. */
function blocking(dir: string, owner: Owner): string {
  const parts = path.resolve(dir).split(path.sep).filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const d = path.sep + parts.slice(0, i).join(path.sep);
    if (!canEnter(d, owner)) return d;
  }
  return dir;
}

function modeOf(dir: string): string {
  try {
    const st = statSync(dir);
    return `mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}`;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'missing';
  }
}

/**
 * Decides (and prepares) the directory of the cluster whose path in DATA_DIR is `link`.
 * Without `owner` (not root) it is `link`. As root: a symlink already there is followed; a
 * cluster already inside DATA_DIR stays if `postgres` reaches it; otherwise a new cluster goes to
 * `clusterRoot`/<hash> with `link` pointing there. What cannot work stops with one line.
 */
export function placeCluster(link: string, owner: Owner | undefined, clusterRoot = DEFAULT_CLUSTER_ROOT): ClusterPlace {
  if (!owner) return { dir: link };
  const dataDir = path.dirname(link);
  if (lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) {
    const dir = path.resolve(dataDir, readlinkSync(link));
    mkdirSync(path.dirname(dir), { recursive: true, mode: 0o755 }); // gone if someone emptied it
    return { dir };
  }
  if (canEnter(dataDir, owner)) return { dir: link };
  const blocked = blocking(dataDir, owner);
  if (existsSync(link)) {
    throw new StartupError(
      `embedded PostgreSQL: the system user postgres cannot enter ${blocked} (${modeOf(blocked)}), on the way to the database in ${link}; move that directory into ${clusterRoot}/ and leave a symlink to it, or set DATA_DIR to a directory postgres can enter`,
    );
  }
  const hash = createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 16);
  const dir = path.join(clusterRoot, hash);
  try {
    mkdirSync(clusterRoot, { recursive: true, mode: 0o755 });
    if (statSync(clusterRoot).uid === 0) chmodSync(clusterRoot, 0o755);
  } catch (err) {
    throw new StartupError(
      `embedded PostgreSQL: cannot create ${clusterRoot} for the database (${(err as Error).message}), needed because the system user postgres cannot enter ${blocked} (${modeOf(blocked)}); create it (mkdir -m 755 ${clusterRoot}), set DATA_DIR to a directory postgres can enter, or set DATABASE_URL`,
    );
  }
  if (!canEnter(clusterRoot, owner)) {
    const inner = blocking(clusterRoot, owner);
    throw new StartupError(
      `embedded PostgreSQL: the system user postgres can enter neither ${blocked} (${modeOf(blocked)}), on the way to DATA_DIR, nor ${inner} (${modeOf(inner)}), on the way to ${clusterRoot}; let it enter one of them (chmod o+x), or set DATABASE_URL`,
    );
  }
  // A cluster left there by a DATA_DIR since deleted: its password went with it, so keep it aside, unused.
  if (existsSync(dir)) renameSync(dir, `${dir}.orphaned-${Date.now()}`);
  symlinkSync(dir, link);
  return { dir, elsewhere: `the system user postgres cannot enter ${blocked}` };
}
