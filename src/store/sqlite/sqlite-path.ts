import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Why the SQLite file at `path` cannot be opened for writing, in words a user can act on, or
 * undefined when it can. SQLite writes the file and, in WAL mode, a -wal and a -shm file beside it,
 * so the folder must be writable too: the usual failure of a server run as a non-root user in a
 * container whose data folder belongs to root.
 */
export function sqlitePathProblem(path: string): string | undefined {
  if (path === ':memory:') return undefined;
  const file = resolve(path);
  const folder = dirname(file);
  const user = typeof process.getuid === 'function' ? ` (uid ${process.getuid()})` : '';
  const advice = `set --db or HOOKLINE_DB to a file in a folder this user can write, or make ${folder} writable by it${user}`;
  if (!existsSync(folder)) return `cannot open the SQLite file ${file}: the folder ${folder} does not exist; create it, or set --db or HOOKLINE_DB to a file in a folder that exists`;
  if (!statSync(folder).isDirectory()) return `cannot open the SQLite file ${file}: ${folder} is not a folder; ${advice}`;
  const folderWrite = writeProblem(folder);
  if (folderWrite) return `cannot open the SQLite file ${file}: the folder ${folder} ${folderWrite}${user}, and SQLite writes its -wal and -shm files there; ${advice}`;
  const fileWrite = existsSync(file) ? writeProblem(file) : undefined;
  if (fileWrite) return `cannot open the SQLite file ${file}: the file ${fileWrite}${user}; ${advice}`;
  return undefined;
}

/** Why this process cannot write `path`, or undefined when it can. */
function writeProblem(path: string): string | undefined {
  try {
    accessSync(path, constants.W_OK);
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EROFS' ? 'is on a read-only file system for this user' : 'is not writable by this user';
  }
}
