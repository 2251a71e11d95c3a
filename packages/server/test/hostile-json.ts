import fc from 'fast-check';

/**
 * Arbitraries for hostile request input: wrong types, huge strings, deep nesting, prototype keys,
 * unicode edge cases (lone surrogates, NUL, BOM, bidi overrides), numbers beyond 2⁵³ and
 * impossible dates. Values are JSON-serialisable; numbers that JSON.stringify cannot write (beyond
 * 2⁵³, 1e400) travel as a marker string that `toJsonText` replaces by the literal.
 */

const rawTexts: string[] = [];
const rawIndex = new Map<string, number>();

/**
 * A marker string that `toJsonText` replaces by `text`, raw: for JSON that JSON.stringify cannot
 * write (numbers beyond 2⁵³, 1e400) or that is too deep or large to build and print as a value.
 * `label` is what a counterexample shows instead.
 */
export function rawJson(text: string, label: string): string {
  let index = rawIndex.get(label);
  if (index === undefined) rawIndex.set(label, (index = rawTexts.push(text) - 1));
  return `\u0001raw:${index}:${label}`;
}

/** JSON text of `value`, with raw markers replaced by the text they stand for. */
export const toJsonText = (value: unknown): string =>
  JSON.stringify(value).replace(/"\\u0001raw:(\d+):[^"\\]*"/g, (_match, index: string) => rawTexts[Number(index)]!);

export const specialStrings = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF',
  'x\uD83Dy',
  '\uDE00\uD83D',
  '😀',
  '\uFEFF',
  '\u202Eevil',
  '\u200B',
  'e\u0301',
  '\u{10FFFF}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '{{__proto__}}',
  '{{constructor}}',
  '{{ constructor.name }}',
  "'; DROP TABLE spans; --",
  '" OR 1=1 --',
  'NEAR(a b)',
  '"unterminated',
  '*',
  '%',
  '_',
  '\\',
  '../../etc/passwd',
  '%00',
  'null',
  'true',
  '1e400',
  'NaN',
  '-0',
  '2024-02-30T12:00:00Z',
  '2023-02-29T00:00:00Z',
  '2024-13-01T00:00:00Z',
  '2024-05-01T24:00:00Z',
  '2024-05-01T12:60:00Z',
  '2024-05-01T12:00:61Z',
  '2024-05-01T12:00:00+24:00',
  '2024-05-01T12:00:00.1234567891234Z',
  '0000-01-01T00:00:00+23:59',
  '9999-12-31T23:59:59.999999999-23:59',
  '+275760-09-13T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '99999-01-01T00:00:00Z',
  '2024-05-01T12:00:00Z\n',
  ' 2024-05-01T12:00:00Z ',
  '2024-05-01',
  'Tue, 01 May 2024 12:00:00 GMT',
  '1714564800',
  'eyJub3QiOiJhIGN1cnNvciJ9',
  'WyJhIl0',
  'W10',
];

const hugeStrings = fc
  .constantFrom(['x', 70_000], ['😀', 20_000], ['\uD800', 5_000], ['a ', 40_000], ['x', 1_100_000])
  .map(([unit, count]) => rawJson(JSON.stringify(unit.repeat(count)), `${count} times ${JSON.stringify(unit).slice(1, -1).replace(/\\/g, '/')}`));

/** Any text a caller could send, weighted to the edges. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...specialStrings) },
  { weight: 2, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,80}$/) },
  { weight: 1, arbitrary: hugeStrings },
);

const bigNumberLiterals = [
  '9007199254740993',
  '-9007199254740993',
  '123456789012345678901234567890',
  '1e400',
  '-1e400',
  '1E-400',
  '12345678901234567890.5',
  '0.1e-999999',
  '-0',
  '1.0',
];

export const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(2 ** 53 + 2, -(2 ** 53) - 2, Number.MAX_VALUE, Number.MIN_VALUE, 0, -1, 1001, 2 ** 31),
  fc.constantFrom(...bigNumberLiterals).map((literal) => rawJson(literal, literal)),
);

export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '', '\u0000', '\uD800', 'a.b', '[0]', '$ref', '$id') },
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
);

/** A deeply nested value (arrays or objects), deeper than any sane payload. */
export const deepValue: fc.Arbitrary<unknown> = fc
  .record({ depth: fc.constantFrom(20, 64, 65, 200, 1_000, 5_000, 100_000), object: fc.boolean() })
  .map(({ depth, object }) =>
    rawJson(
      object ? '{"d":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + ']'.repeat(depth),
      `${depth} ${object ? 'objects' : 'arrays'} deep`,
    ),
  );

/** An object with very many keys. */
export const wideObject: fc.Arbitrary<unknown> = fc
  .constantFrom(500, 10_000, 10_001, 60_000)
  .map((count) => rawJson(`{${Array.from({ length: count }, (_, i) => `"k${i}":${i}`).join(',')}}`, `an object of ${count} keys`));

/** An object built with `Object.defineProperty` so that `__proto__` is an own key, as JSON.parse makes it. */
export const objectOf = (entries: readonly (readonly [string, unknown])[]): Record<string, unknown> => {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
};

/** Any JSON value, with hostile keys and leaves. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    hostileNumber,
    hostileString,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 6 }).map(objectOf),
  ),
})).value;

/** A JSON object, with hostile keys and leaves (a payload). */
export const hostileObject: fc.Arbitrary<Record<string, unknown>> = fc.array(fc.tuple(hostileKey, hostileJson), { maxLength: 8 }).map(objectOf);

/** What may stand where a field of a known type belongs: anything, the edges first. */
export const hostileField: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileJson },
  { weight: 1, arbitrary: deepValue },
  { weight: 1, arbitrary: wideObject },
  { weight: 2, arbitrary: hostileObject },
);

/** Request bodies that are not JSON at all, or JSON that no parser should take lightly. */
export const rawBodies = [
  '',
  '{',
  '{"a":',
  'null',
  '[]',
  '"text"',
  '1e400',
  '{"details":{}} trailing',
  '{"a":1,"a":2}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"details":{"__proto__":{"status":"complete"}}}',
  '\uFEFF{}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"a":"\u0000"}',
  '{"a":1e999999}',
  '{"a":123456789012345678901234567890123456789}',
];
const rawLabels = ['100000 arrays deep', '50000 objects deep', '20001 bulk items'];
const largeRawBodies = [
  '['.repeat(100_000) + ']'.repeat(100_000),
  '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000),
  `{"items":[${'{},'.repeat(20_000)}{}]}`,
];

/** Bodies as sent, each with a short label for counterexamples. */
export const rawBody: fc.Arbitrary<{ raw: string; label: string }> = fc.oneof(
  fc.constantFrom(...rawBodies).map((raw) => ({ raw, label: raw })),
  fc.integer({ min: 0, max: largeRawBodies.length - 1 }).map((i) => ({
    label: rawLabels[i]!,
    [fc.toStringMethod]: () => rawLabels[i]!,
    raw: largeRawBodies[i]!,
  })),
);

/** Text for a path segment or query value, percent-encoded byte by byte (lone surrogates as invalid UTF-8). */
export const hostileUrlText: fc.Arbitrary<string> = fc.oneof(
  hostileString.filter((s) => s.length < 5_000).map((s) => percentEncode(s)),
  fc.constantFrom('%ED%A0%80', '%FF', '%C0%AF', '%', '%zz', '%00', '..', '.', '%2F..%2F', 'a%2Fb', '%E2%80%AE'),
);

/** encodeURIComponent, except that it never throws: lone surrogates are written as the bytes of their code unit. */
export function percentEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const isHigh = unit >= 0xd800 && unit <= 0xdbff;
    const next = text.charCodeAt(i + 1);
    if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      out +=
        `%${(0xe0 | (unit >> 12)).toString(16)}%${(0x80 | ((unit >> 6) & 0x3f)).toString(16)}%${(0x80 | (unit & 0x3f)).toString(16)}`.toUpperCase();
    } else out += encodeURIComponent(text[i]!);
  }
  return out;
}
