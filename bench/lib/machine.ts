/** The machine a run measured, printed above the table and kept in the JSON. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface MachineInfo {
  cpu_model: string;
  logical_cpus: number;
  available_parallelism: number;
  node: string;
  platform: string;
  total_memory_mb: number;
  free_memory_mb: number;
  load_average: number[];
  commit?: string;
}

export function describeMachine(): MachineInfo {
  const cpus = os.cpus();
  let commit: string | undefined;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: import.meta.dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    commit = undefined; // not a git checkout: the figures stand without it
  }
  return {
    cpu_model: cpus[0]?.model.trim() ?? 'unknown',
    logical_cpus: cpus.length,
    available_parallelism: os.availableParallelism(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    total_memory_mb: Math.round(os.totalmem() / 2 ** 20),
    free_memory_mb: Math.round(os.freemem() / 2 ** 20),
    load_average: os.loadavg().map((l) => Math.round(l * 100) / 100),
    ...(commit && { commit }),
  };
}

export function machineLine(m: MachineInfo): string {
  return [
    `${m.cpu_model}, ${m.logical_cpus} logical CPUs (${m.available_parallelism} available)`,
    `node ${m.node}, ${m.platform}`,
    `memory ${m.free_memory_mb.toLocaleString('en')} MB free of ${m.total_memory_mb.toLocaleString('en')} MB, load average ${m.load_average.join(' ')}${m.commit ? `, commit ${m.commit}` : ''}`,
  ].join('\n');
}
