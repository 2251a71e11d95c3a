// Repeated, interleaved runs: every party runs once per round, the order rotating from round
// to round, so that a slow phase of the shared machine falls on all parties alike.

/**
 * @param {{ name: string, run: (durationMs: number) => Promise<object> }[]} parties
 * @returns {Promise<Map<string, object[]>>} each party's runs, in round order
 */
export async function interleave(parties, { rounds, durationMs, warmupMs }) {
  const runs = new Map(parties.map((p) => [p.name, []]));
  for (const party of parties) await party.run(warmupMs);
  for (let round = 0; round < rounds; round += 1) {
    for (let i = 0; i < parties.length; i += 1) {
      const party = parties[(i + round) % parties.length];
      runs.get(party.name).push(await party.run(durationMs));
    }
  }
  return runs;
}
