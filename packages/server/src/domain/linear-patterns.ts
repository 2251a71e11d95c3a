import type { Options } from 'ajv';
import { RE2JS } from 're2js';

type RegExpEngine = NonNullable<NonNullable<Options['code']>['regExp']>;

/**
 * The regular expressions of caller-written JSON Schemas (`pattern`, `patternProperties`), run by
 * RE2, whose matching time is linear in the input: a pattern such as `^(a+)+$` cannot hold the
 * event loop for minutes on a crafted payload, as a backtracking engine would. RE2 has no
 * lookaround or backreferences; a schema using them is refused when it is registered.
 */
export const linearPatterns: RegExpEngine = Object.assign(
  (pattern: string) => {
    const compiled = RE2JS.compile(pattern);
    return { test: (text: string) => compiled.test(text) };
  },
  { code: 'linearPatterns' },
);
