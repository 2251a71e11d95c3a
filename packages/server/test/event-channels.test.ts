import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventLog } from '../src/domain/events/event-log.js';
import { EventChannels } from '../src/http/event-channels.js';

const change = (n: number, instanceId = 'inst-1') => ({
  kind: 'span.created' as const,
  accountId: 'acct-1',
  instanceId,
  resourceId: `span-${n}`,
  json: `{"id":"span-${n}"}`,
});

/** A channel member that keeps what it was sent, as text. */
const member = () => {
  const sent: string[] = [];
  return { sent, send: (chunk: Buffer | string) => sent.push(chunk.toString()), ids: () => sent.join('').match(/span-\d+/g) ?? [] };
};

const tick = () => new Promise((resolve) => setTimeout(resolve, 40));

describe('event channels', () => {
  it('writes what arrives within a window as one chunk, the same buffer to every member', async () => {
    const log = new EventLog();
    const channels = new EventChannels(log);
    const [a, b] = [member(), member()];
    channels.join({ accountId: 'acct-1' }, a);
    channels.join({ accountId: 'acct-1' }, b);
    log.append(change(1));
    log.append(change(2));
    assert.deepEqual(a.sent, [], 'nothing is written before the window ends');
    await tick();
    assert.equal(a.sent.length, 1);
    assert.deepEqual(a.ids(), ['span-1', 'span-2']);
    assert.deepEqual(b.sent, a.sent);
  });

  it('gives a stream that joins while frames wait only the frames after it joined, then the shared ones', async () => {
    const log = new EventLog();
    const channels = new EventChannels(log);
    const [early, late] = [member(), member()];
    channels.join({ accountId: 'acct-1' }, early);
    log.append(change(1));
    // `late` wrote the log up to span-1 itself (its resume), so span-1 must not come again.
    channels.join({ accountId: 'acct-1' }, late);
    log.append(change(2));
    await tick();
    log.append(change(3));
    await tick();
    assert.deepEqual(early.ids(), ['span-1', 'span-2', 'span-3']);
    assert.deepEqual(late.ids(), ['span-2', 'span-3']);
  });

  it('keeps filters apart and stops following the log when the last member leaves', async () => {
    const log = new EventLog();
    const channels = new EventChannels(log);
    const [account, instance] = [member(), member()];
    const leaveAccount = channels.join({ accountId: 'acct-1' }, account);
    const leaveInstance = channels.join({ accountId: 'acct-1', instanceId: 'inst-2' }, instance);
    log.append(change(1, 'inst-1'));
    log.append(change(2, 'inst-2'));
    await tick();
    assert.deepEqual(account.ids(), ['span-1', 'span-2']);
    assert.deepEqual(instance.ids(), ['span-2']);
    leaveAccount();
    leaveInstance();
    log.append(change(3, 'inst-2'));
    await tick();
    assert.deepEqual(instance.ids(), ['span-2']);
    assert.deepEqual(account.ids(), ['span-1', 'span-2']);
  });
});
