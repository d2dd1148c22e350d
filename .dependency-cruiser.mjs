// The import direction, checked by `npm run lint:layers` (part of `npm test`) with dependency-cruiser.
//
// engine/ is layered along the data flow: a module may import its own layer and the layers below
// it, never one above. engine/app.ts (the composition root), the CLI and the code generator are at
// the top. Tests (test/, bench/, *.test.ts) sit above everything. No import cycle anywhere.

/** engine/ from the bottom up: [name, path regex]. */
const LAYERS = [
  // The error catalogue, the logger and the vocabulary (action kinds, statuses) declared once.
  ['foundation', '^engine/(errors\\.ts|errors/|log\\.ts|vocabulary/)'],
  // The document front end: YAML, schemas, findings, reports, shared by every file kind...
  ['documents', '^engine/documents/(?!workspace/)'],
  ['channel', '^engine/channel/'],
  ['order', '^engine/order/'],
  ['rules', '^engine/rules/'],
  ['config', '^engine/config/'],
  ['connector', '^engine/connector/'],
  // ...and its top: every kind validated by its own checks, the checks across files.
  ['documents workspace', '^engine/documents/workspace/'],
  ['sync', '^engine/(sync|webhooks)/'],
  ['store', '^engine/store/'],
  ['runtime and api', '^engine/(daemon|api|console)/'],
  ['composition root and commands', '^engine/(app\\.ts|cli/|codegen/)'],
];

const TESTS = '(^(test|bench)/|\\.test\\.ts$)';
/** The store's contract (its interface and row types), which sync and webhooks write through. */
const STORE_CONTRACT = '^engine/store/store\\.ts$';
const SIMULATORS = '^packages/simulators/';

const layerRules = LAYERS.slice(0, -1).map(([name, path], i) => {
  const above = LAYERS.slice(i + 1).map(([, p]) => p);
  return {
    name: `layer-${name.replaceAll(' ', '-')}`,
    severity: 'error',
    comment: `engine layer "${name}" imports a layer above it (order: ${LAYERS.map(([n]) => n).join(' → ')})`,
    from: { path, pathNot: TESTS },
    // Sync and webhooks see the store only through its contract, as types (store/store.ts).
    to: { path: above, ...(name === 'sync' && { pathNot: STORE_CONTRACT }) },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'an import cycle (type-only imports count: a cycle of types is still one concept split in two)',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'store-contract-types-only',
      severity: 'error',
      comment: 'sync and webhooks import the store contract (engine/store/store.ts) for its types only',
      from: { path: '^engine/(sync|webhooks)/', pathNot: TESTS },
      to: { path: STORE_CONTRACT, dependencyTypesNot: ['type-only'] },
    },
    ...[['daemon', 'api'], ['api', 'daemon']].map(([from, to]) => ({
      name: `${from}-not-to-${to}`,
      severity: 'error',
      comment: 'engine/daemon (the runtime) and engine/api do not import each other: engine/app.ts wires them',
      from: { path: `^engine/${from}/`, pathNot: TESTS },
      to: { path: `^engine/${to}/` },
    })),
    {
      name: 'engine-module-in-a-layer',
      severity: 'error',
      comment: 'every module of engine/ belongs to a layer of .dependency-cruiser.mjs',
      from: { path: '^engine/', pathNot: [TESTS, ...LAYERS.map(([, p]) => p)] },
      to: {},
    },
    {
      name: 'simulators-stand-alone',
      severity: 'error',
      comment: '@orderwire/simulators imports nothing from the repository outside its own folder',
      from: { path: SIMULATORS },
      to: { pathNot: [SIMULATORS, '^node_modules/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'simulators-public-entry',
      severity: 'error',
      comment: 'the simulators are used only through their public entry, @orderwire/simulators',
      from: { pathNot: SIMULATORS },
      to: { path: SIMULATORS, pathNot: '^packages/simulators/index\\.ts$' },
    },
    {
      name: 'simulators-only-for-commands',
      severity: 'error',
      comment: 'the engine proper never runs a simulator: only the CLI (simulate, demo) and the code generator use them',
      from: { path: '^engine/', pathNot: ['^engine/(cli|codegen)/', TESTS] },
      to: { path: SIMULATORS },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too (cycles, layers); they are marked so rules can tell.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'] },
  },
};
