/**
 * Template strategies by `templates:` type in the platform file (default `substitution`): the one
 * table request paths, queries and bodies are compiled with.
 */
import type { Pointer } from '../platform/compile-error.ts';
import { compileTemplate, type CompileOptions, type Render } from './substitution.ts';

export type TemplateType = 'substitution';

const compilers: Readonly<Record<TemplateType, (node: unknown, opts: CompileOptions, pointer: Pointer) => Render>> = Object.freeze({
  substitution: compileTemplate,
});

export const TEMPLATE_TYPES = Object.freeze(Object.keys(compilers)) as readonly TemplateType[];

export function templateCompiler(type: TemplateType = 'substitution'): (node: unknown, opts: CompileOptions, pointer?: Pointer) => Render {
  const compile = compilers[type];
  return (node, opts, pointer = []) => compile(node, opts, pointer);
}

export { isTruthy } from './substitution.ts';
export type { CompileOptions, Render, TemplateContext } from './substitution.ts';
