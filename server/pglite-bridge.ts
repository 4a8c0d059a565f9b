// The embedded database (PGlite) lives in the engine's process, which also runs the API; the worker
// runs in a child process (see worker-supervisor.ts) and reaches the same database over the
// PostgreSQL wire protocol on a Unix socket that this bridge serves.
//
// PGlite is one PostgreSQL backend: every client shares its one session. The bridge therefore gives
// the database to one client at a time for a whole *turn* — from the client's first message until
// PGlite answers ReadyForQuery with status idle ('I'), i.e. outside any transaction — holding both
// of PGlite's own locks (the ones its `query`, `exec` and `transaction` take), so a worker's
// transaction is never interleaved with the API's statements in this process nor with another
// socket client's, and an extended-protocol exchange (Parse/Bind/Execute…Sync) is never split.
// A client that dies inside its turn is rolled back; one that holds a turn idle for longer than
// IDLE_IN_TURN_MS is disconnected (and rolled back) so that the API never waits on it for long.
//
// Why not @electric-sql/pglite-socket: it locks per message with PGlite's query lock only, so a
// socket client's statement can run inside a transaction the API has open in this process (and
// unnamed statements of two clients can interleave); and its releases pin @electric-sql/pglite to
// an older exact version (0.2.17 wants 0.5.14, we run 0.5.17) with eight extension peers.
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { protocol, type PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Database, DatabaseHandle } from '../db/client';
import * as schema from '../db/schema';

/** A client may keep the database for itself, idle inside a turn, this long before it is cut off. */
export const IDLE_IN_TURN_MS = 30_000;

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
const TERMINATE = 0x58; // 'X'
const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I'

/** Takes both of PGlite's locks; resolves with the function that gives them back. */
function takeDatabase(db: PGlite): Promise<() => void> {
  return new Promise((acquired, failed) => {
    db._runExclusiveTransaction(() =>
      db._runExclusiveQuery(() => new Promise<void>((release) => acquired(release))),
    ).catch(failed);
  });
}

/** True when PGlite's answer ends with ReadyForQuery saying "idle, no transaction open". */
function endsTurn(answer: Uint8Array): boolean {
  const n = answer.length;
  return n >= 6 && answer[n - 6] === READY_FOR_QUERY && answer[n - 1] === IDLE;
}

class Client {
  private pending = Buffer.alloc(0);
  /** Complete messages not yet handled; `untyped`: sent before startup (no type byte). */
  private readonly queue: Array<{ bytes: Buffer; untyped: boolean }> = [];
  private started = false;
  private pumping = false;
  private closed = false;
  private release: (() => void) | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: PGlite,
    private readonly socket: net.Socket,
    private readonly onDone: () => void,
  ) {
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('close', () => this.close());
    socket.on('error', () => this.close());
  }

  private receive(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    for (;;) {
      // Before startup a message has no type byte: length, then a code.
      const header = this.started ? 5 : 4;
      if (this.pending.length < header) break;
      const length = this.started ? 1 + this.pending.readInt32BE(1) : this.pending.readInt32BE(0);
      if (length < header || this.pending.length < length) break;
      const bytes = this.pending.subarray(0, length);
      this.queue.push({ bytes, untyped: !this.started });
      this.pending = this.pending.subarray(length);
      if (!this.started && length >= 8 && bytes.readInt32BE(4) === PROTOCOL_3) this.started = true;
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.closed && this.queue.length > 0) await this.handle(this.queue.shift()!);
    } catch {
      this.socket.destroy();
      this.closed = true;
    } finally {
      this.pumping = false;
      if (this.closed) await this.finish();
    }
  }

  private async handle({ bytes: message, untyped }: { bytes: Buffer; untyped: boolean }): Promise<void> {
    if (untyped) {
      const code = message.length >= 8 ? message.readInt32BE(4) : 0;
      if (code === SSL_REQUEST || code === GSS_REQUEST) {
        this.socket.write('N'); // no encryption on a local socket; the client goes on in clear
        return;
      }
      if (code === CANCEL_REQUEST) {
        this.socket.end(); // one shared backend: nothing can be cancelled without hurting others
        this.closed = true;
        return;
      }
      if (code !== PROTOCOL_3) {
        this.socket.destroy();
        this.closed = true;
        return;
      }
    } else if (message[0] === TERMINATE) {
      this.socket.end();
      this.closed = true;
      return;
    }
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.release ??= await takeDatabase(this.db);
    if (this.closed) return;
    const answer = await this.db.execProtocolRaw(message);
    if (answer.length > 0) this.socket.write(answer);
    if (endsTurn(answer)) {
      this.release();
      this.release = undefined;
    } else if (this.queue.length === 0) {
      this.idleTimer = setTimeout(() => this.socket.destroy(new Error('idle inside a transaction')), IDLE_IN_TURN_MS);
    }
  }

  private close(): void {
    if (this.closed && !this.release) return;
    this.closed = true;
    this.queue.length = 0;
    if (!this.pumping) void this.finish();
  }

  /** Gives the database back, rolling back what the departed client left open. */
  private async finish(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const release = this.release;
    this.release = undefined;
    if (release) {
      try {
        // Sync ends an unfinished extended-protocol exchange (or a failed one waiting for it);
        // then whatever transaction is still open is rolled back.
        await this.db.execProtocolRaw(protocol.serialize.sync());
        if (this.db.isInTransaction()) await this.db.execProtocolRaw(protocol.serialize.query('ROLLBACK'));
      } catch {
        // the database is closing
      } finally {
        release();
      }
    }
    this.onDone();
  }
}

export interface PgliteBridge {
  /** The socket's path: give it to `openBridgedDatabase` in the other process. */
  socketPath: string;
  /** Clients connected right now. */
  clients(): number;
  /** Stops listening and disconnects every client (rolling back their open transactions). */
  close(): Promise<void>;
}

/**
 * Serves `db` on a Unix socket at `socketPath` (replaced if it exists: the caller owns the data
 * directory), readable by this user only. A path too long for a socket address is replaced by one
 * in a private temporary directory.
 */
export async function servePglite(db: PGlite, socketPath: string): Promise<PgliteBridge> {
  let tempDir: string | undefined;
  // sun_path holds 108 bytes on Linux, 104 on macOS.
  if (Buffer.byteLength(socketPath) > 100) {
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'grantflow-db-'));
    socketPath = path.join(tempDir, 'pglite.sock');
  }
  // The directory is the socket's real guard: owner only, before the socket exists (chmod-ing the
  // socket after listen leaves a moment in which the umask decides who may connect).
  mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 });
  chmodSync(path.dirname(socketPath), 0o700);
  rmSync(socketPath, { force: true });
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    new Client(db, socket, () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  chmodSync(socketPath, 0o600);
  return {
    socketPath,
    clients: () => sockets.size,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      // Each client gives the database back (rolled back) once its socket has closed.
      const deadline = Date.now() + 5000;
      while (sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      rmSync(socketPath, { force: true });
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/**
 * The database as another process sees it through a bridge: postgres.js on the Unix socket.
 * Unnamed statements only (`prepare: false`): the backend is shared, and a named statement would
 * outlive the client that prepared it. Migrations are the engine's (it applies them before serving).
 */
export function openBridgedDatabase(socketPath: string, maxConnections = 4): DatabaseHandle {
  const client = postgres({
    path: socketPath,
    user: 'postgres',
    database: 'postgres',
    max: maxConnections,
    prepare: false,
    onnotice: () => {},
  });
  const db = drizzle(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    async migrate() {
      throw new Error('migrations of the embedded database are applied by the engine that holds it');
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    close: () => client.end({ timeout: 5 }),
  };
}
