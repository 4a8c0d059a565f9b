// Servers an earlier start left running (its node process and the server's guard were both killed)
// still hold the data directory's SQLite file and the wanted ports. A start that holds the data
// directory's lock owns everything recorded in its pid files, so it stops them before it starts
// anything. A recorded pid is only signalled while its command line still names this data
// directory's file: pids are reused, and a stranger's process must never be touched.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    const ps = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
    return ps.status === 0 ? ps.stdout.trim() : undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Stops the processes recorded in `runDir/*.pid` whose command line contains one of `markers`,
 * SIGTERM first and SIGKILL after `graceMs` milliseconds, and removes the pid files. Returns what it
 * stopped.
 */
export async function stopOrphans(
  runDir: string,
  markers: string | string[],
  graceMs = 10_000,
): Promise<Array<{ pid: number; command: string }>> {
  let files: string[];
  try {
    files = readdirSync(runDir).filter((name) => name.endsWith('.pid'));
  } catch {
    return [];
  }
  const found: Array<{ pid: number; command: string }> = [];
  for (const name of files) {
    const file = path.join(runDir, name);
    let recorded: { pid?: unknown; guard?: unknown } = {};
    try {
      recorded = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // unreadable or half-written: nothing to trust in it
    }
    for (const pid of [recorded.guard, recorded.pid]) {
      if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue;
      const command = alive(pid) ? commandLine(pid) : undefined;
      if (command && [markers].flat().some((marker) => command.includes(marker))) found.push({ pid, command });
    }
  }
  for (const { pid } of found) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone meanwhile
    }
  }
  const deadline = Date.now() + graceMs;
  while (found.some(({ pid }) => alive(pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const { pid } of found) {
    if (!alive(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  while (found.some(({ pid }) => alive(pid)) && Date.now() < deadline + 5000)
    await new Promise((r) => setTimeout(r, 100));
  for (const name of files) rmSync(path.join(runDir, name), { force: true });
  return found;
}
