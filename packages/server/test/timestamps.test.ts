import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../src/domain/errors.js';
import { parseTimestamp } from '../src/domain/timestamps.js';
import { renderTemplate } from '../src/domain/summary-template.js';

describe('parseTimestamp', () => {
  const cases: Array<[string, string]> = [
    ['2024-05-01T12:00:00.123456', '2024-05-01T12:00:00.123456Z'], // Python naive isoformat(): UTC
    ['2024-05-01T12:00:00', '2024-05-01T12:00:00.000000Z'],
    ['2024-05-01 12:00:00.5', '2024-05-01T12:00:00.500000Z'],
    ['2024-05-01T12:00:00.123Z', '2024-05-01T12:00:00.123000Z'],
    ['2024-05-01T12:00:00.123456789Z', '2024-05-01T12:00:00.123456Z'],
    ['2024-05-01T12:00:00.123456+00:00', '2024-05-01T12:00:00.123456Z'], // Python aware isoformat()
    ['2024-05-01T14:00:00+02:00', '2024-05-01T12:00:00.000000Z'],
    ['2024-05-01T00:30:00-0130', '2024-05-01T02:00:00.000000Z'],
    ['2024-05-01T23:00:00-05', '2024-05-02T04:00:00.000000Z'],
    ['2024-05-01T12:00Z', '2024-05-01T12:00:00.000000Z'],
    ['2024-05-01', '2024-05-01T00:00:00.000000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000000Z'],
    ['0050-01-01T00:00:00Z', '0050-01-01T00:00:00.000000Z'],
  ];
  for (const [input, expected] of cases) {
    it(`reads ${input} as ${expected}`, () => assert.equal(parseTimestamp(input, 'started_at'), expected));
  }

  for (const input of [
    '',
    'now',
    '2024-13-01T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2024-05-01T24:00:00Z',
    '2024-05-01T12:00:00+25:00',
    '1714564800',
    '2024-05-01T12:00:00 UTC',
  ]) {
    it(`refuses ${JSON.stringify(input)} with 422 naming the field`, () => {
      assert.throws(
        () => parseTimestamp(input, 'finished_at'),
        (error: unknown) =>
          error instanceof ApiError &&
          error.statusCode === 422 &&
          /must be an ISO-8601 date-time such as 2024-05-01T12:00:00Z/.test(error.errors?.finished_at?.[0] ?? ''),
      );
    });
  }
});

describe('renderTemplate', () => {
  it('fills {{field}}, {{ field }} and {{a.b}}, rendering missing fields empty and objects as JSON', () => {
    const data = { name: 'search', args: { path: 'docs', n: 3 }, flag: false, none: null };
    assert.equal(
      renderTemplate(
        '{{name}} / {{ name }} / {{args.path}} / {{args.n}} / {{flag}} / [{{missing}}] / [{{args.deep.er}}] / [{{none}}] / {{args}}',
        data,
      ),
      'search / search / docs / 3 / false / [] / [] / [] / {"path":"docs","n":3}',
    );
  });

  it('leaves text without placeholders alone', () => {
    assert.equal(renderTemplate('plain {text} }}', {}), 'plain {text} }}');
  });

  it('renders nothing from text that does not parse as Liquid (an output left open)', () => {
    assert.equal(renderTemplate('plain {text} }}{{', {}), null);
  });
});
