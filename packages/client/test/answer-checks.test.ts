import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const CHILD = new URL('./support/answers-checked-child.ts', import.meta.url).pathname;

async function runChild(flags: string[]) {
  const { stdout } = await promisify(execFile)(process.execPath, [...flags, '--conditions=source', '--import', 'tsx', CHILD]);
  return JSON.parse(stdout) as {
    codeGeneration: boolean;
    createdId: string;
    refused: { name: string; message: string } | null;
  };
}

// Answers are checked by a compiled schema where the runtime allows code generation, and
// interpreted where it does not (edge workers, pages under a strict CSP): both must agree.
describe('answer shape checks with and without code generation', () => {
  for (const [runtime, flags, codeGeneration] of [
    ['a runtime that allows code generation', [], true],
    ['a runtime that forbids code generation', ['--disallow-code-generation-from-strings'], false],
    // The browser entry ships no compiler: the interpreter alone, though code generation is allowed.
    ['the browser entry (the "browser" export condition)', ['--conditions=browser'], true],
  ] as const) {
    it(`accepts a right answer and refuses a wrong one in ${runtime}`, async () => {
      const outcome = await runChild([...flags]);
      assert.equal(outcome.codeGeneration, codeGeneration);
      assert.equal(outcome.createdId, 'span_ok');
      assert.deepEqual(outcome.refused?.name, 'PrefactorResponseContractError');
      assert.match(outcome.refused?.message ?? '', /^agentSpans\.create: response does not match the contract at \/details\/id: Expected string/);
    });
  }
});
