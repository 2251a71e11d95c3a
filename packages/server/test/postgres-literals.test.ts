import assert from 'node:assert/strict';
import { it } from 'node:test';
import pg from 'pg';
import { literal } from '../src/store/postgres/sql.js';
import { describePostgres, withClient } from './postgres-database.js';

const TEXTS = ['plain', "it's", "''", 'back\\slash', "both ' and \\", "\\'", "E'x'", '{"q":"say \\"hi\\"\\n"}', 'unicode é 😀', ''];

it('writes a string literal as pg.escapeLiteral does', () => {
  for (const text of TEXTS) assert.equal(literal(text), pg.escapeLiteral(text));
});

describePostgres('string literals written into statements', (url) => {
  for (const conforming of ['on', 'off']) {
    it(`read back unchanged with standard_conforming_strings = ${conforming}`, () =>
      withClient(url, async (client) => {
        await client.query(`SET standard_conforming_strings = ${conforming}`);
        for (const text of TEXTS) {
          const { rows } = await client.query(`SELECT ${literal(text)}::text AS v`);
          assert.equal(rows[0].v, text);
        }
      }));
  }
});
