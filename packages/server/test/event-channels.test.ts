import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventLog } from '../src/domain/events/event-log.js';
import { inflateSync } from 'node:zlib';
import { DeflateStream, type DeflatedChunk } from '../src/http/deflate-stream.js';
import { EventChannels, type EventWindow } from '../src/http/event-channels.js';

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
  return {
    sent,
    send: (text: string) => sent.push(text),
    sendWindow: (window: EventWindow) => sent.push(window.text.toString()),
    ids: () => sent.join('').match(/span-\d+/g) ?? [],
  };
};

/** A member that takes deflate, as an EventStream does for a client asking for it: what it wrote, and the chunks it took. */
const deflateMember = () => {
  const stream = new DeflateStream();
  const written: Buffer[] = [];
  const taken: DeflatedChunk[] = [];
  return {
    written,
    taken,
    send: (text: string) => written.push(stream.write(text)),
    sendWindow: (window: EventWindow) => {
      taken.push(window.deflated);
      written.push(stream.take(window.deflated));
    },
    /** The whole stream, ended, inflated as a client's zlib would (it throws on a wrong checksum). */
    text: () => inflateSync(Buffer.concat([...written, stream.end()])).toString(),
  };
};

// Longer than a channel's window (100 ms).
const tick = () => new Promise((resolve) => setTimeout(resolve, 130));

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

  it('deflates a window once for every member that takes deflate, each member a whole zlib stream of the same text', async () => {
    const log = new EventLog();
    const channels = new EventChannels(log);
    const plain = member();
    const [a, b] = [deflateMember(), deflateMember()];
    channels.join({ accountId: 'acct-1' }, plain);
    channels.join({ accountId: 'acct-1' }, a);
    a.send('retry: 1000\n\n');
    log.append(change(1));
    log.append(change(2));
    await tick();
    // b joins after the first window, with its own head, and shares the second.
    channels.join({ accountId: 'acct-1' }, b);
    b.send(': connected\n\n');
    for (let n = 3; n < 40; n++) log.append(change(n));
    await tick();
    assert.equal(a.taken.length, 2);
    assert.equal(b.taken[0], a.taken[1], 'the second window was deflated once, for both');
    const frames = plain.sent.join('');
    assert.equal(a.text(), `retry: 1000\n\n${frames}`);
    assert.equal(b.text(), `: connected\n\n${plain.sent[1]}`);
    const deflatedBytes = a.written.reduce((sum, chunk) => sum + chunk.length, 0);
    assert.ok(deflatedBytes * 3 < Buffer.byteLength(frames), `${deflatedBytes} deflated bytes for ${Buffer.byteLength(frames)} of frames`);
  });

  it('ends a deflate stream that never took a chunk as a valid empty zlib stream', () => {
    assert.equal(inflateSync(new DeflateStream().end()).length, 0);
  });
});
