/**
 * The import-direction rules of .dependency-cruiser.mjs (run on the real tree by
 * `npm run lint:layers`) bite: on a small tree with one deliberate violation of each rule, and
 * the imports the layering allows, dependency-cruiser reports exactly the violations.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const DEPCRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');

/** path -> source. Allowed imports first, then one violation per rule. */
const TREE: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext', allowImportingTsExtensions: true, noEmit: true }, include: ['**/*.ts'] }),
  'node_modules/@orderwire/simulators': '->packages/simulators',
  'packages/simulators/package.json': JSON.stringify({ name: '@orderwire/simulators', type: 'module', exports: { '.': './index.ts' } }),
  'packages/simulators/index.ts': "export { clock } from './shared/clock.ts';\n",
  'packages/simulators/shared/clock.ts': 'export const clock = 1;\n',
  'engine/errors.ts': 'export const code = 1;\n',
  'engine/channel/model.ts': "import { code } from '../errors.ts';\nexport const channel = code;\n",
  'engine/rules/engine.ts': "import { channel } from '../channel/model.ts';\nexport const rules = channel;\n",
  'engine/store/store.ts': "import { rules } from '../rules/engine.ts';\nexport interface Store { n: typeof rules }\nexport const STORE = 1;\n",
  'engine/store/sqlite.ts': "import type { Store } from './store.ts';\nexport const open = (): Store => ({ n: 1 });\n",
  'engine/sync/scheduler.ts': "import type { Store } from '../store/store.ts';\nexport const schedule = (s: Store) => s.n;\n",
  'engine/daemon/runtime.ts': "import { open } from '../store/sqlite.ts';\nexport const runtime = open;\n",
  'engine/api/server.ts': "import { schedule } from '../sync/scheduler.ts';\nexport const server = schedule;\n",
  'engine/app.ts': "import { server } from './api/server.ts';\nimport { runtime } from './daemon/runtime.ts';\nexport const app = [server, runtime];\n",
  'engine/cli/simulate.ts': "import { clock } from '@orderwire/simulators';\nimport { app } from '../app.ts';\nexport const cli = [clock, app];\n",
  'test/app.test.ts': "import { clock } from '@orderwire/simulators';\nimport { app } from '../engine/app.ts';\nexport const t = [clock, app];\n",
  // Violations, one per rule:
  'engine/channel/exit.ts': "import { cli } from '../cli/simulate.ts';\nexport const exit = cli;\n",
  'engine/sync/value.ts': "import { STORE } from '../store/store.ts';\nexport const value = STORE;\n",
  'engine/api/opens.ts': "import { runtime } from '../daemon/runtime.ts';\nexport const opens = runtime;\n",
  'engine/rules/ping.ts': "import { pong } from './pong.ts';\nexport const ping = () => pong;\n",
  'engine/rules/pong.ts': "import { ping } from './ping.ts';\nexport const pong = () => ping;\n",
  'engine/extra.ts': "import { code } from './errors.ts';\nexport const extra = code;\n",
  'engine/sync/sandbox.ts': "import { clock } from '@orderwire/simulators';\nexport const sandbox = clock;\n",
  'packages/simulators/shared/coded.ts': "import { code } from '../../../engine/errors.ts';\nexport const coded = code;\n",
  'test/internals.test.ts': "import { clock } from '../packages/simulators/shared/clock.ts';\nexport const i = clock;\n",
};

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

let dir: string;
let violations: string[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'orderwire-layers-'));
  for (const [file, text] of Object.entries(TREE)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    if (text.startsWith('->')) await symlink(path.join(dir, text.slice(2)), path.join(dir, file), 'dir');
    else await writeFile(path.join(dir, file), text);
  }
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [DEPCRUISE, 'engine', 'packages', 'test', '--config', path.join(ROOT, '.dependency-cruiser.mjs'), '--output-type', 'json'],
    { cwd: dir },
  ).catch((err: { stdout: string }) => err);
  const result = JSON.parse(stdout) as { summary: { violations: Violation[] } };
  violations = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the layer rules', () => {
  it('report each deliberate violation, and nothing the layering allows', () => {
    expect(violations).toEqual(
      [
        'api-not-to-daemon: engine/api/opens.ts -> engine/daemon/runtime.ts',
        'engine-module-in-a-layer: engine/extra.ts -> engine/errors.ts',
        'layer-channel: engine/channel/exit.ts -> engine/cli/simulate.ts',
        'no-circular: engine/rules/ping.ts -> engine/rules/pong.ts',
        'simulators-only-for-commands: engine/sync/sandbox.ts -> packages/simulators/index.ts',
        'simulators-public-entry: test/internals.test.ts -> packages/simulators/shared/clock.ts',
        'simulators-stand-alone: packages/simulators/shared/coded.ts -> engine/errors.ts',
        'store-contract-types-only: engine/sync/value.ts -> engine/store/store.ts',
      ].sort(),
    );
  });
});
