// Paired, repeated runs. Each comparison is a subject and its baseline run back to back, the
// order alternating from round to round (ABBA), so that a slow phase of the shared machine
// falls on both sides of a pair alike. A figure is the median of its per-round ratios.
import { median, round } from './stats.mjs';

/**
 * @typedef {{ name: string, run: (durationMs: number) => Promise<{ perSecond: number }> }} Party
 * @param {{ subject: Party | null, baseline: Party }[]} pairs  a null subject (one that does
 *   not exist yet) leaves its baseline measured alone
 * @returns {Promise<{ runs: Map<string, object[]>, ratio: (subject: string, baseline: string) => { value: number, rounds: number[] } }>}
 *   every run of each party, and a pair's median subject/baseline ratio with each round's ratio
 */
export async function comparePairs(pairs, { rounds, durationMs, warmupMs }) {
  const parties = new Map();
  for (const { subject, baseline } of pairs) {
    if (subject) parties.set(subject.name, subject);
    parties.set(baseline.name, baseline);
  }
  for (const party of parties.values()) await party.run(warmupMs);
  const runs = new Map([...parties.keys()].map((name) => [name, []]));
  const key = (subject, baseline) => `${subject.name}|${baseline.name}`;
  const ratios = new Map(pairs.filter((p) => p.subject).map(({ subject, baseline }) => [key(subject, baseline), []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const [i, { subject, baseline }] of pairs.entries()) {
      const order = !subject ? [baseline] : (round + i) % 2 === 0 ? [subject, baseline] : [baseline, subject];
      const result = {};
      for (const party of order) {
        result[party.name] = await party.run(durationMs);
        runs.get(party.name).push(result[party.name]);
      }
      if (subject) ratios.get(key(subject, baseline)).push(result[subject.name].perSecond / result[baseline.name].perSecond);
    }
  }
  return {
    runs,
    ratio: (subject, baseline) => {
      const perRound = ratios.get(key({ name: subject }, { name: baseline }));
      if (!perRound) throw new Error(`no pair ${subject} vs ${baseline} was measured`);
      return { value: median(perRound), rounds: perRound.map((r) => round(r, 3)) };
    },
  };
}
