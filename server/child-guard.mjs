// Runs one server process for the engine and makes sure it dies with the engine.
//   node server/child-guard.mjs PID_FILE -- COMMAND [ARGS...]
// The engine starts this guard in a process group of its own, so a terminal's Ctrl+C (sent to the
// whole foreground group) reaches only the engine, which drains its worker while the server still
// runs and then stops the server itself. The price of leaving the group is that the server no longer
// dies with the terminal; the guard makes up for it: when its parent goes away (stdin reaches EOF
// because the kernel closed the parent's end, or the parent pid changes), it stops the server.
// The pid file lets the next start find and stop a server whose guard was killed too.
// Plain JavaScript so that it starts in a few milliseconds, without the TypeScript loader.
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';

const separator = process.argv.indexOf('--');
const pidFile = process.argv[2];
const command = process.argv.slice(separator + 1);
if (separator !== 3 || !pidFile || command.length === 0) {
  console.error('usage: child-guard.mjs PID_FILE -- COMMAND [ARGS...]');
  process.exit(64);
}

// Milliseconds the server gets to stop on SIGTERM before it is killed.
const GRACE_MS = Number(process.env.GRANTFLOW_CHILD_GRACE_MS) || 10_000;
// The same when the parent went away (0: killed at once; a worker has nothing to drain into then).
const orphanGrace = process.env.GRANTFLOW_CHILD_ORPHAN_GRACE_MS?.trim();
const ORPHAN_GRACE_MS = orphanGrace && Number.isFinite(Number(orphanGrace)) ? Number(orphanGrace) : GRACE_MS;
const parent = process.ppid;
const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
writeFileSync(pidFile, JSON.stringify({ pid: child.pid, guard: process.pid, parent, command }));

let stopping = false;
function stop(graceMs = GRACE_MS) {
  if (stopping) return;
  stopping = true;
  if (graceMs <= 0) {
    child.kill('SIGKILL');
    return;
  }
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), graceMs).unref();
}
const orphaned = () => stop(ORPHAN_GRACE_MS);
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => stop());
const watch = setInterval(() => {
  if (process.ppid !== parent) orphaned();
}, 500);
process.stdin.on('end', orphaned);
process.stdin.on('error', orphaned);
process.stdin.resume();

child.on('error', (error) => {
  console.error(`cannot start ${command[0]}: ${error.message}`);
  rmSync(pidFile, { force: true });
  process.exit(127);
});
child.on('exit', (code, signal) => {
  clearInterval(watch);
  rmSync(pidFile, { force: true });
  // Shell convention: a server killed by a signal exits 128 + the signal's number.
  process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
});
