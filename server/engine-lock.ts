// One data directory, one process that owns it. The embedded PostgreSQL (PGlite) and the Temporal dev
// server's SQLite file each accept a single writer; two engines on one directory corrupt both.
//
// The lock is a Unix domain socket that the owner listens on for its whole life. The kernel closes
// it when the owner dies (however it dies), so there is no stale lock to guess about by age; and a
// second process that can connect to it knows the directory is taken and asks the owner who it is.
// On Linux the socket lives in the abstract namespace under a name derived from the directory's
// device and inode: binding it is atomic and it never leaves a file behind. But the abstract
// namespace belongs to a network namespace: two containers sharing the directory as a volume would
// each get their own. So the owner also listens on the file `engine.sock` in the directory, which
// every process that sees the directory sees (elsewhere than Linux it is the only lock). A file
// nobody listens on is stale (its owner died) and is replaced.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** What the owner of a data directory says about itself to whoever asks. */
export interface OwnerInfo {
  pid: number;
  /** `engine` (npm start), `api`, `worker`, `backup`, `restore`. */
  role: string;
  /** `starting`, `running`, `stopping`, or what a backup/restore is doing. */
  state: string;
  /** The API's URL, once it listens. */
  url?: string;
  /** The Temporal frontend (host:port) the engine uses. */
  temporal?: string;
  dataDir: string;
  /** ISO instant the owner took the lock. */
  since: string;
}

export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    /** Undefined when the owner did not answer within the query's time limit. */
    readonly owner: OwnerInfo | undefined,
  ) {
    super(busyMessage(dataDir, owner));
    this.name = 'DataDirBusyError';
  }
}

/** Longest path a Unix socket address can hold (sun_path: 108 bytes with its terminating NUL). */
const SOCKET_PATH_BYTES = 107;

/**
 * The addresses of the lock sockets of `dataDir` (which must exist), strongest first: on Linux the
 * abstract name, then the file; elsewhere the file. A file path too long for a socket address is
 * left out on Linux (the abstract name still locks within one network namespace).
 */
export function lockAddresses(dataDir: string): string[] {
  const file = path.join(path.resolve(dataDir), 'engine.sock');
  const fileFits = Buffer.byteLength(file) <= SOCKET_PATH_BYTES;
  if (process.platform === 'linux') {
    const { dev, ino } = statSync(dataDir, { bigint: true });
    const key = createHash('sha256').update(`${dev}:${ino}`).digest('hex').slice(0, 40);
    return [`\0grantflow-data-dir-${key}`, ...(fileFits ? [file] : [])];
  }
  return [file];
}

/** Asks the owner of `dataDir` who it is: its answer, `null` if it is taken but did not answer, or undefined if free. */
export async function queryOwner(dataDir: string, timeoutMs = 2000): Promise<OwnerInfo | null | undefined> {
  let addresses: string[];
  try {
    addresses = lockAddresses(dataDir);
  } catch {
    return undefined; // no such directory: nobody owns it
  }
  for (const address of addresses) {
    const owner = await queryAddress(address, timeoutMs);
    if (owner !== undefined) return owner;
  }
  return undefined;
}

function queryAddress(address: string, timeoutMs: number): Promise<OwnerInfo | null | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(address);
    let text = '';
    let connected = false;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(connected ? null : undefined);
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => (connected = true));
    socket.on('data', (chunk) => (text += chunk));
    socket.on('end', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(text) as OwnerInfo);
      } catch {
        resolve(null);
      }
    });
    socket.on('error', () => {
      clearTimeout(timer);
      resolve(connected ? null : undefined);
    });
  });
}

export interface DataDirLock {
  readonly info: OwnerInfo;
  /** Changes what the owner answers (e.g. the API's URL once it listens). */
  update(patch: Partial<Omit<OwnerInfo, 'pid' | 'dataDir' | 'since'>>): void;
  release(): Promise<void>;
}

function listen(server: net.Server, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(address, () => {
      server.removeListener('error', onError);
      resolve();
    });
  });
}

/**
 * Takes the data directory for this process, before anything in it is touched; throws
 * DataDirBusyError naming the owner when another process holds it. Creates the directory.
 */
export async function acquireDataDir(dataDir: string, role: string, state = 'starting'): Promise<DataDirLock> {
  mkdirSync(dataDir, { recursive: true });
  const info: OwnerInfo = { pid: process.pid, role, state, dataDir, since: new Date().toISOString() };
  const servers: net.Server[] = [];
  const releaseAll = () =>
    Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())))).then(
      () => undefined,
    );
  try {
    for (const address of lockAddresses(dataDir)) servers.push(await holdAddress(dataDir, address, info));
  } catch (error) {
    await releaseAll();
    throw error;
  }
  return {
    info,
    update(patch) {
      Object.assign(info, patch);
    },
    release: releaseAll,
  };
}

/** Listens on one lock address for this process's life; throws DataDirBusyError when another owner answers there. */
async function holdAddress(dataDir: string, address: string, info: OwnerInfo): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.end(JSON.stringify(info));
  });
  // The lock must never keep a process alive on its own.
  server.unref();
  for (let attempt = 0; ; attempt++) {
    try {
      await listen(server, address);
      return server;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 3) throw error;
      const owner = await queryAddress(address, 2000);
      if (owner !== undefined) throw new DataDirBusyError(dataDir, owner ?? undefined);
      // Nobody answers: an abstract name's owner just exited (try again); a socket file is stale.
      if (!address.startsWith('\0')) rmSync(address, { force: true });
    }
  }
}

/** The one paragraph a refused process prints. */
export function busyMessage(dataDir: string, owner: OwnerInfo | undefined): string {
  const who = owner
    ? owner.role === 'backup' || owner.role === 'restore'
      ? `a ${owner.role} of it is in progress (pid ${owner.pid})`
      : `grantflow (${owner.role === 'engine' ? 'npm start' : owner.role}, pid ${owner.pid}) is ${owner.state} on it` +
        (owner.url ? `, API ${owner.url}` : '') +
        (owner.temporal ? `, Temporal ${owner.temporal}` : '')
    : 'another process holds it and did not say who it is';
  const stop = owner ? `kill -INT ${owner.pid}` : 'stop it';
  return (
    `The data directory ${dataDir} is in use: ${who}. One data directory serves one process at a time — ` +
    'two on the same embedded database and Temporal state would corrupt them — so nothing was started ' +
    `or changed. Use the running one, stop it first (Ctrl+C in its terminal, or ${stop}), or set ` +
    'GRANTFLOW_DATA_DIR to another directory.'
  );
}

/** Exit status of a process refused because its data directory is taken (EX_TEMPFAIL). */
export const BUSY_EXIT_CODE = 75;

/** Takes the data directory or prints who holds it and exits, without a stack trace. */
export async function acquireDataDirOrExit(dataDir: string, role: string, state?: string): Promise<DataDirLock> {
  try {
    return await acquireDataDir(dataDir, role, state);
  } catch (error) {
    if (error instanceof DataDirBusyError) {
      console.error(error.message);
      process.exit(BUSY_EXIT_CODE);
    }
    console.error(
      `Cannot take the data directory ${dataDir}: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  }
}
