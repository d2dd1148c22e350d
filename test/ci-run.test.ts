/**
 * .ci/run, the CI entry point: the PostgreSQL suites are part of the gate, so a server that
 * cannot be started fails the run before anything is installed or tested (it used to carry on
 * and skip them).
 */
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('.ci/run', () => {
  it('fails, without installing or testing anything, when PostgreSQL cannot be started', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'orderwire-ci-'));
    dirs.push(root);
    await mkdir(path.join(root, '.ci'));
    await mkdir(path.join(root, 'bin'));
    await copyFile(path.resolve(import.meta.dirname, '../.ci/run'), path.join(root, '.ci/run'));
    // A machine where the cluster does not start, and an npm that records what it is asked.
    await writeFile(path.join(root, '.ci/postgres-up.sh'), '#!/usr/bin/env bash\necho "no cluster here" >&2\nexit 1\n');
    const npmLog = path.join(root, 'npm.log');
    await writeFile(path.join(root, 'bin/npm'), `#!/usr/bin/env bash\necho "$*" >> ${JSON.stringify(npmLog)}\n`);
    await chmod(path.join(root, '.ci/postgres-up.sh'), 0o755);
    await chmod(path.join(root, 'bin/npm'), 0o755);
    const result = await run('bash', [path.join(root, '.ci/run')], { env: { ...process.env, PATH: `${path.join(root, 'bin')}:${process.env.PATH}` } }).then(
      (r) => ({ code: 0, ...r }),
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PostgreSQL could not be started: the PostgreSQL suites are part of the gate');
    const asked = await readFile(npmLog, 'utf8').catch(() => '');
    expect(asked).not.toMatch(/^(ci|test)\b/m);
  });
});
