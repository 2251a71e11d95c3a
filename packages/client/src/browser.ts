// Browser entry point (chosen by the package's "browser" export condition): the same API, with
// answers checked by TypeBox's interpreter alone. The compiler is most of a bundle's size, and pages
// under a strict Content-Security-Policy forbid the code generation it needs anyway.
export * from './public-api.js';
