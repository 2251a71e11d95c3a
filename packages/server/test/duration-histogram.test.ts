import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { durationMicros } from '../src/store/duration-histogram.js';

/** The duration by dates, as a check on the digit-by-digit reading of one day's times. */
const byDates = (start: string, finish: string) =>
  Math.max(0, (Date.parse(finish) - Date.parse(start)) * 1000 + (Number(finish.slice(23, 26)) - Number(start.slice(23, 26))));

describe('span durations for the rollups', () => {
  it('reads the same duration within a day, across midnight, a month end and a year end, and clamps a finish before the start', () => {
    const pairs: Array<[string, string]> = [
      ['2024-05-01T12:00:00.000000Z', '2024-05-01T12:00:01.250000Z'],
      ['2024-05-01T00:00:00.000001Z', '2024-05-01T23:59:59.999999Z'],
      ['2024-05-01T23:59:59.999500Z', '2024-05-02T00:00:00.000250Z'],
      ['2024-02-29T22:10:05.123456Z', '2024-03-01T01:02:03.654321Z'],
      ['2023-12-31T23:59:59.900000Z', '2024-01-01T00:00:00.100000Z'],
      ['2024-05-01T12:00:01.000000Z', '2024-05-01T12:00:00.000000Z'],
    ];
    for (const [start, finish] of pairs) assert.equal(durationMicros(start, finish), byDates(start, finish), `${start} → ${finish}`);
    assert.equal(durationMicros('2024-05-01T12:00:00.000000Z', '2024-05-01T12:00:01.250000Z'), 1_250_000);
    assert.equal(durationMicros('2024-05-01T23:59:59.999500Z', '2024-05-02T00:00:00.000250Z'), 750);
  });
});
