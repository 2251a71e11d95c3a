// Portable entry point (runtimes without the "node" or "browser" export condition: Deno, edge
// workers…): answers are checked by TypeBox's compiled checkers where code generation is allowed.
import { useCompiledChecks } from './compiled-check.js';

useCompiledChecks();

export * from './public-api.js';
